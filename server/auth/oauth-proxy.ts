import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import {
  InvalidClientMetadataError,
  InvalidGrantError,
  InvalidTargetError,
  ServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Request, Response } from 'express';
import type { AuthLogger } from './auth-logger';
import { CONSENT_COOKIE, CONSENT_PAGE_HEADERS, CONSENT_PATH, renderConsentPage } from './consent-page';
import type { KeyValueStore } from './key-value-store';
import type { TokenVerifier } from './token-verifier';
import type { UpstreamProvider } from './upstream-provider';

/** The path of this server's callback from Eka's provider. */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';

const CLIENT_TTL_SECONDS = 90 * 24 * 3600;
const PENDING_TTL_SECONDS = 10 * 60;
const CODE_TTL_SECONDS = 5 * 60;
const REFRESH_BINDING_TTL_SECONDS = 30 * 24 * 3600;
const UPSTREAM_TIMEOUT_MS = 15_000;

/** A login in progress: what the MCP client asked for, and this server's own PKCE verifier upstream. */
interface PendingLogin {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string | undefined;
  upstreamVerifier: string;
  /** Set when the client receives tokens at a web address: the clinician must allow it on our consent page first. */
  consentCsrfHash?: string;
  /** Whether the clinician allowed it (always true when no consent was needed). */
  consented?: boolean;
}

/** A one-time code this server handed to an MCP client, redeemable for the upstream tokens. */
interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  tokens: OAuthTokens;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The OAuth proxy in front of Eka's OpenID provider.
 *
 * MCP clients register here (dynamic registration) and run PKCE against this
 * server; upstream, this server signs in with its own client id and secret
 * and its own PKCE, with the MCP endpoint as the requested resource. The Eka
 * tokens reach the MCP client through a one-time code of ours. Registered
 * clients, pending logins and codes live in the shared store, so any instance
 * can finish a login another one started.
 */
export class EkaOAuthProxy implements OAuthServerProvider {
  readonly skipLocalPkceValidation = false;
  readonly #store: KeyValueStore;
  readonly #upstream: UpstreamProvider;
  readonly #verifier: TokenVerifier;
  readonly #logger: AuthLogger;
  readonly #fetch: typeof fetch;
  readonly #settings: {
    baseUrl: string;
    resource: string;
    clientId: string;
    clientSecret: string;
    scopes: string[];
  };

  constructor(options: {
    store: KeyValueStore;
    upstream: UpstreamProvider;
    verifier: TokenVerifier;
    logger: AuthLogger;
    baseUrl: string;
    resource: string;
    clientId: string;
    clientSecret: string;
    scopes: string[];
    fetch?: typeof fetch;
  }) {
    this.#store = options.store;
    this.#upstream = options.upstream;
    this.#verifier = options.verifier;
    this.#logger = options.logger;
    this.#fetch = options.fetch ?? fetch;
    this.#settings = {
      baseUrl: options.baseUrl,
      resource: options.resource,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scopes: options.scopes,
    };
  }

  get clientsStore(): OAuthRegisteredClientsStore {
    return {
      getClient: async (clientId) => {
        const raw = await this.#store.get(`client:${clientId}`);
        return raw === undefined ? undefined : (JSON.parse(raw) as OAuthClientInformationFull);
      },
      registerClient: async (client) => {
        for (const uri of client.redirect_uris) checkRedirectUri(String(uri));
        const full = {
          ...client,
          client_id: randomUUID(),
          client_id_issued_at: Math.floor(Date.now() / 1000),
        };
        const registered =
          'client_id' in client && typeof client.client_id === 'string'
            ? (client as OAuthClientInformationFull)
            : full;
        await this.#store.set(
          `client:${registered.client_id}`,
          JSON.stringify(registered),
          CLIENT_TTL_SECONDS,
        );
        this.#logger.info('registered an MCP client', { clientName: registered.client_name });
        return registered;
      },
    };
  }

  async authorize(
    client: OAuthClientInformationFull,
    params: AuthorizationParams,
    res: Response,
  ): Promise<void> {
    if (params.resource && stripSlash(params.resource.href) !== stripSlash(this.#settings.resource)) {
      throw new InvalidTargetError(`This server only issues tokens for ${this.#settings.resource}`);
    }
    const pendingId = randomToken();
    const upstreamVerifier = randomToken();
    const pending: PendingLogin = {
      clientId: client.client_id,
      redirectUri: params.redirectUri,
      codeChallenge: params.codeChallenge,
      state: params.state,
      upstreamVerifier,
    };
    if (needsConsent(params.redirectUri)) {
      // The tokens will leave for a web site: ask the clinician here, in this browser, first.
      const csrf = randomToken();
      pending.consentCsrfHash = sha256(csrf);
      pending.consented = false;
      await this.#store.set(`pending:${pendingId}`, JSON.stringify(pending), PENDING_TTL_SECONDS);
      res.setHeader('Set-Cookie', this.#consentCookie(csrf, PENDING_TTL_SECONDS));
      res.status(200).set(CONSENT_PAGE_HEADERS);
      res.send(
        renderConsentPage({
          clientName: client.client_name,
          redirectOrigin: new URL(params.redirectUri).origin,
          pendingId,
          csrf,
        }),
      );
      return;
    }
    pending.consented = true;
    const target = await this.#upstreamAuthorizeUrl(pendingId, upstreamVerifier);
    await this.#store.set(`pending:${pendingId}`, JSON.stringify(pending), PENDING_TTL_SECONDS);
    res.redirect(302, target);
  }

  /**
   * Handles the consent form (`POST /oauth/consent`): only from this server's
   * own page (Origin), in the browser that was shown it (cookie), for the
   * login it was shown for (token bound to the pending login).
   */
  async handleConsent(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const refuse = (status: number, message: string) => {
      res.status(status).type('text/plain').send(message);
    };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== new URL(this.#settings.baseUrl).origin) {
      return refuse(403, 'This form can only be sent from the Eka MCP consent page.');
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const pendingId = typeof body.pending === 'string' ? body.pending : '';
    const csrf = typeof body.csrf === 'string' ? body.csrf : '';
    const cookie = readCookie(req.headers.cookie, CONSENT_COOKIE);
    const raw = pendingId ? await this.#store.get(`pending:${pendingId}`) : undefined;
    const pending = raw === undefined ? undefined : (JSON.parse(raw) as PendingLogin);
    if (
      !pending?.consentCsrfHash ||
      pending.consented ||
      !csrf ||
      cookie === undefined ||
      !sameText(cookie, csrf) ||
      !sameText(sha256(csrf), pending.consentCsrfHash)
    ) {
      return refuse(
        403,
        'This consent request has expired or did not come from this browser. Start the connection again from your MCP client.',
      );
    }
    res.setHeader('Set-Cookie', this.#consentCookie('', 0));
    if (body.decision !== 'allow') {
      await this.#store.take(`pending:${pendingId}`);
      const back = new URL(pending.redirectUri);
      if (pending.state !== undefined) back.searchParams.set('state', pending.state);
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'Access was not allowed.');
      res.redirect(303, back.href);
      return;
    }
    const target = await this.#upstreamAuthorizeUrl(pendingId, pending.upstreamVerifier);
    await this.#store.set(
      `pending:${pendingId}`,
      JSON.stringify({ ...pending, consented: true, consentCsrfHash: undefined }),
      PENDING_TTL_SECONDS,
    );
    this.#logger.info('consent given to an MCP client', { clientId: pending.clientId });
    res.redirect(303, target);
  }

  #consentCookie(value: string, maxAge: number): string {
    const secure = this.#settings.baseUrl.startsWith('https:') ? '; Secure' : '';
    return `${CONSENT_COOKIE}=${value}; Path=${CONSENT_PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`;
  }

  /** Eka's authorization URL for a pending login, with this server's own PKCE. */
  async #upstreamAuthorizeUrl(pendingId: string, upstreamVerifier: string): Promise<string> {
    const metadata = await this.#upstream.metadata().catch((cause: unknown) => {
      throw new ServerError(
        cause instanceof Error ? cause.message : "Eka's sign-in service could not be reached",
      );
    });
    const target = new URL(metadata.authorization_endpoint);
    const scopes = this.#settings.scopes;
    target.search = new URLSearchParams({
      client_id: this.#settings.clientId,
      response_type: 'code',
      redirect_uri: this.#callbackUrl(),
      scope: scopes.join(' '),
      state: pendingId,
      code_challenge: createHash('sha256').update(upstreamVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      resource: this.#settings.resource,
      ...(scopes.includes('offline_access') ? { prompt: 'consent' } : {}),
    }).toString();
    return target.href;
  }

  /** Handles Eka's redirect back (`GET /oauth/callback`): exchanges the code and returns to the MCP client. */
  async handleCallback(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const query = req.query as Record<string, unknown>;
    const pendingId = typeof query.state === 'string' ? query.state : undefined;
    const raw = pendingId ? await this.#store.take(`pending:${pendingId}`) : undefined;
    if (!raw) {
      res
        .status(400)
        .type('text/plain')
        .send(
          'This sign-in link has expired or was already used. Start the connection again from your MCP client.',
        );
      return;
    }
    const pending = JSON.parse(raw) as PendingLogin;
    if (pending.consented === false) {
      // Eka was reached without passing our consent page: a crafted sign-in link.
      res
        .status(400)
        .type('text/plain')
        .send(
          'This sign-in was not allowed on the Eka MCP consent page. Start the connection again from your MCP client.',
        );
      return;
    }
    const back = new URL(pending.redirectUri);
    if (pending.state !== undefined) back.searchParams.set('state', pending.state);
    const code = typeof query.code === 'string' ? query.code : undefined;
    if (!code) {
      back.searchParams.set('error', typeof query.error === 'string' ? query.error : 'access_denied');
      if (typeof query.error_description === 'string')
        back.searchParams.set('error_description', query.error_description);
      res.redirect(302, back.href);
      return;
    }
    let tokens: OAuthTokens;
    try {
      tokens = await this.#upstreamToken({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.#callbackUrl(),
        code_verifier: pending.upstreamVerifier,
        resource: this.#settings.resource,
      });
    } catch (error) {
      this.#logger.warn('Eka sign-in could not be completed', {
        error: error instanceof Error ? error.message : String(error),
      });
      back.searchParams.set('error', 'server_error');
      back.searchParams.set('error_description', 'Eka sign-in could not be completed; try again.');
      res.redirect(302, back.href);
      return;
    }
    const ours = randomToken();
    const issued: IssuedCode = {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      tokens,
    };
    await this.#store.set(`code:${sha256(ours)}`, JSON.stringify(issued), CODE_TTL_SECONDS);
    back.searchParams.set('code', ours);
    res.redirect(302, back.href);
  }

  async challengeForAuthorizationCode(
    client: OAuthClientInformationFull,
    authorizationCode: string,
  ): Promise<string> {
    const raw = await this.#store.get(`code:${sha256(authorizationCode)}`);
    if (!raw) throw new InvalidGrantError('Invalid or expired authorization code');
    const issued = JSON.parse(raw) as IssuedCode;
    if (issued.clientId !== client.client_id)
      throw new InvalidGrantError('Authorization code was issued to another client');
    return issued.codeChallenge;
  }

  async exchangeAuthorizationCode(
    client: OAuthClientInformationFull,
    authorizationCode: string,
    _codeVerifier?: string,
    redirectUri?: string,
    resource?: URL,
  ): Promise<OAuthTokens> {
    const raw = await this.#store.take(`code:${sha256(authorizationCode)}`);
    if (!raw) throw new InvalidGrantError('Invalid or expired authorization code');
    const issued = JSON.parse(raw) as IssuedCode;
    if (issued.clientId !== client.client_id)
      throw new InvalidGrantError('Authorization code was issued to another client');
    if (redirectUri !== undefined && redirectUri !== issued.redirectUri)
      throw new InvalidGrantError('redirect_uri does not match');
    if (resource && stripSlash(resource.href) !== stripSlash(this.#settings.resource)) {
      throw new InvalidTargetError(`This server only issues tokens for ${this.#settings.resource}`);
    }
    await this.#bindRefreshToken(issued.tokens, client.client_id);
    return issued.tokens;
  }

  async exchangeRefreshToken(
    client: OAuthClientInformationFull,
    refreshToken: string,
    scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens> {
    if (resource && stripSlash(resource.href) !== stripSlash(this.#settings.resource)) {
      throw new InvalidTargetError(`This server only issues tokens for ${this.#settings.resource}`);
    }
    const owner = await this.#store.get(`refresh:${sha256(refreshToken)}`);
    if (owner !== client.client_id) throw new InvalidGrantError('Invalid refresh token');
    let tokens: OAuthTokens;
    try {
      tokens = await this.#upstreamToken({
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        resource: this.#settings.resource,
        ...(scopes?.length ? { scope: scopes.join(' ') } : {}),
      });
    } catch (error) {
      throw new InvalidGrantError(error instanceof Error ? error.message : 'Token refresh failed');
    }
    await this.#store.delete(`refresh:${sha256(refreshToken)}`);
    await this.#bindRefreshToken(tokens, client.client_id);
    return tokens;
  }

  verifyAccessToken(token: string): Promise<AuthInfo> {
    return this.#verifier.verifyAccessToken(token);
  }

  #callbackUrl(): string {
    return `${this.#settings.baseUrl}${OAUTH_CALLBACK_PATH}`;
  }

  async #bindRefreshToken(tokens: OAuthTokens, clientId: string): Promise<void> {
    if (tokens.refresh_token) {
      await this.#store.set(`refresh:${sha256(tokens.refresh_token)}`, clientId, REFRESH_BINDING_TTL_SECONDS);
    }
  }

  /** Calls Eka's token endpoint as this server's confidential client. */
  async #upstreamToken(params: Record<string, string>): Promise<OAuthTokens> {
    const metadata = await this.#upstream.metadata();
    const body = new URLSearchParams(params);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    if (methods.includes('client_secret_basic')) {
      const user = encodeURIComponent(this.#settings.clientId);
      const pass = encodeURIComponent(this.#settings.clientSecret);
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
    } else {
      body.set('client_id', this.#settings.clientId);
      body.set('client_secret', this.#settings.clientSecret);
    }
    const response = await this.#fetch(metadata.token_endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
    });
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!response.ok || !json || typeof json.access_token !== 'string') {
      const reason = typeof json?.error === 'string' ? json.error : `status ${response.status}`;
      throw new Error(`Eka's token endpoint refused the request (${reason})`);
    }
    return {
      access_token: json.access_token,
      token_type: typeof json.token_type === 'string' ? json.token_type : 'Bearer',
      ...(typeof json.expires_in === 'number' ? { expires_in: json.expires_in } : {}),
      ...(typeof json.refresh_token === 'string' ? { refresh_token: json.refresh_token } : {}),
      ...(typeof json.scope === 'string' ? { scope: json.scope } : {}),
      ...(typeof json.id_token === 'string' ? { id_token: json.id_token } : {}),
    };
  }
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
}

/** Schemes a redirect URI may never use: plain web, script, local files and browser internals. */
const FORBIDDEN_REDIRECT_SCHEMES = new Set([
  'http:',
  'javascript:',
  'vbscript:',
  'data:',
  'file:',
  'blob:',
  'about:',
  'filesystem:',
  'view-source:',
  'ftp:',
  'ws:',
  'wss:',
]);

function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/**
 * Redirect URIs must be https, http on a loopback address, or a native app's
 * own scheme (cursor://, com.example.app:/); never with a fragment, user
 * name or password.
 */
function checkRedirectUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidClientMetadataError(`redirect_uri is not a URL: ${uri}`);
  }
  if (url.hash || uri.includes('#')) {
    throw new InvalidClientMetadataError(`redirect_uri must not have a fragment: ${uri}`);
  }
  if (url.username || url.password) {
    throw new InvalidClientMetadataError(`redirect_uri must not carry a user name or password: ${uri}`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return;
  if (!FORBIDDEN_REDIRECT_SCHEMES.has(url.protocol)) return;
  throw new InvalidClientMetadataError(`redirect_uri must be https or a loopback http address: ${uri}`);
}

/** Whether tokens for `redirectUri` leave this machine for a web site (https, not loopback). */
function needsConsent(redirectUri: string): boolean {
  const url = new URL(redirectUri);
  return url.protocol === 'https:' && !isLoopbackHost(url.hostname);
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
