import { randomBytes, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type KoaContext, type OidcError } from 'oidc-provider';
import {
  CLINICIAN,
  DESKTOP_CLIENT_ID,
  DESKTOP_REDIRECT_URI,
  SERVER_CLIENT_ID,
  SERVER_CLIENT_SECRET,
} from '../credentials';
import type { OidcStats } from '../types';
import { createMemoryAdapterClass } from './memory-adapter';
import { errorPage, PAGE_CSP } from './pages';

export interface ProviderSettings {
  issuer: string;
  apiBaseUrl: string;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  idTokenTtl: number;
  serverRedirectUris: string[];
  /** The scopes discovery lists in `scopes_supported`; `openid` always among them. */
  scopesSupported: string[];
}

export interface SandboxProvider {
  provider: Provider;
  /** Public signing keys (what `/jwks` serves). */
  publicJwks: { keys: JWK[] };
  stats(): OidcStats;
}

const LOOPBACK_ANY_PORT = /^http:\/\/(127\.0\.0\.1|localhost):\d{1,5}\/[^#\s]*$/;

/** Whether `uri` is an `http://127.0.0.1:<port>/...` or `http://localhost:<port>/...` URL. */
export function isLoopbackUrl(uri: string): boolean {
  if (!LOOPBACK_ANY_PORT.test(uri)) return false;
  const port = Number(new URL(uri).port || '80');
  return port > 0 && port < 65536;
}

/** The sandbox's OpenID provider (oidc-provider 9) with its clients, clinician and counters. */
export async function createSandboxProvider(settings: ProviderSettings): Promise<SandboxProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;

  const counters: OidcStats = {
    tokenRequests: 0,
    refreshes: 0,
    refreshTokenReuse: 0,
    grantErrors: 0,
    authorizationErrors: 0,
  };

  const apiAudience = settings.apiBaseUrl;
  const scopes = settings.scopesSupported;
  const grantTypes = scopes.includes('offline_access')
    ? ['authorization_code', 'refresh_token']
    : ['authorization_code'];
  const claims: Record<string, string[]> = { openid: ['sub'] };
  if (scopes.includes('profile')) claims.profile = ['name', 'given_name', 'family_name'];
  if (scopes.includes('email')) claims.email = ['email', 'email_verified'];

  const provider = new Provider(settings.issuer, {
    adapter: createMemoryAdapterClass(),
    clients: [
      {
        client_id: DESKTOP_CLIENT_ID,
        client_name: 'Eka MCP Desktop',
        application_type: 'native',
        token_endpoint_auth_method: 'none',
        redirect_uris: [DESKTOP_REDIRECT_URI],
        grant_types: grantTypes,
        response_types: ['code'],
      },
      {
        client_id: SERVER_CLIENT_ID,
        client_name: 'Eka MCP Server',
        client_secret: SERVER_CLIENT_SECRET,
        application_type: 'web',
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: ['http://127.0.0.1/oauth/callback', ...settings.serverRedirectUris],
        grant_types: grantTypes,
        response_types: ['code'],
      },
    ],
    jwks: { keys: [privateJwk] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    scopes,
    claims,
    // Profile and email claims go into the ID token as well as UserInfo.
    conformIdTokenClaims: false,
    async findAccount(_ctx: unknown, sub: string) {
      if (sub !== CLINICIAN.accountId) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            name: CLINICIAN.name,
            given_name: CLINICIAN.givenName,
            family_name: CLINICIAN.familyName,
            email: CLINICIAN.email,
            email_verified: true,
          };
        },
      };
    },
    features: {
      devInteractions: { enabled: false },
      revocation: {
        enabled: true,
        // A client may revoke only its own tokens.
        async allowedPolicy(_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) {
          return token.clientId === client.clientId;
        },
      },
      userinfo: { enabled: true },
      introspection: {
        enabled: true,
        // Only the confidential server client may introspect, and public clients only their own tokens.
        async allowedPolicy(_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) {
          return client.clientId === SERVER_CLIENT_ID || token.clientId === client.clientId;
        },
      },
      resourceIndicators: {
        enabled: true,
        async defaultResource(_ctx: KoaContext, _client: unknown, oneOf?: string[]) {
          return oneOf ? oneOf[0] : apiAudience;
        },
        // The server client's tokens are always JWTs for the granted resource; the desktop
        // client's are opaque (usable at UserInfo) unless it names a resource at /token.
        async useGrantedResource(ctx: KoaContext) {
          return ctx.oidc?.client?.clientId === SERVER_CLIENT_ID;
        },
        async getResourceServerInfo(_ctx: KoaContext, indicator: string) {
          if (
            indicator !== apiAudience &&
            !indicator.startsWith(`${apiAudience}/`) &&
            !isLoopbackUrl(indicator)
          ) {
            throw new errors.InvalidTarget('the sandbox only issues tokens for its API and loopback URLs');
          }
          return {
            scope: scopes.join(' '),
            audience: indicator,
            accessTokenFormat: 'jwt',
            accessTokenTTL: settings.accessTokenTtl,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: {
      AccessToken: settings.accessTokenTtl,
      IdToken: settings.idTokenTtl,
      RefreshToken: settings.refreshTokenTtl,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: Math.max(settings.refreshTokenTtl, 14 * 24 * 3600),
    },
    interactions: {
      url(_ctx: unknown, interaction: { uid: string }) {
        return `${new URL(settings.issuer).pathname.replace(/\/+$/, '')}/interaction/${interaction.uid}`;
      },
    },
    clientBasedCORS: () => true,
    async renderError(
      ctx: { type: string; body: string; set(name: string, value: string): void },
      out: { error: string; error_description?: string },
    ) {
      ctx.type = 'html';
      ctx.set('content-security-policy', PAGE_CSP);
      ctx.body = errorPage(out.error, out.error_description);
    },
  });

  // The HTTP mode's OAuth proxy runs on random ports: in the sandbox the server client may
  // redirect to any loopback URL, besides its registered ones.
  const original = provider.Client.prototype.redirectUriAllowed;
  provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(
    this: { clientId: string },
    value,
  ) {
    if (this.clientId === SERVER_CLIENT_ID && typeof value === 'string' && isLoopbackUrl(value)) return true;
    return original.call(this, value);
  };

  provider.on('grant.success', (ctx) => {
    counters.tokenRequests += 1;
    if (ctx.oidc?.params?.grant_type === 'refresh_token') counters.refreshes += 1;
  });
  provider.on('grant.error', (_ctx, error?: OidcError) => {
    counters.tokenRequests += 1;
    counters.grantErrors += 1;
    if (error?.error_detail === 'refresh token already used') counters.refreshTokenReuse += 1;
  });
  provider.on('authorization.error', () => {
    counters.authorizationErrors += 1;
  });
  provider.on('server_error', (_ctx, error) => {
    console.error('[sandbox] OpenID provider error:', error?.message);
  });

  return {
    provider,
    publicJwks: { keys: [publicJwk as JWK] },
    stats: () => ({ ...counters }),
  };
}
