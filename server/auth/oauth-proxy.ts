import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { OAuthRegisteredClientsStore } from '@modelcontextprotocol/sdk/server/auth/clients.js';
import {
  InvalidClientMetadataError,
  InvalidGrantError,
  InvalidTargetError,
  OAuthError,
  ServerError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { redirectUriMatches } from '@modelcontextprotocol/sdk/server/auth/handlers/authorize.js';
import type {
  AuthorizationParams,
  OAuthServerProvider,
} from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { OAuthClientInformationFull, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Request, Response } from 'express';
import type { AuthLogger } from './auth-logger';
import { type ClientMetadataDocuments, isMetadataDocumentUrl } from './client-metadata-document';
import {
  CONSENT_COOKIE,
  CONSENT_PAGE_HEADERS,
  CONSENT_PATH,
  renderConsentPage,
  renderErrorPage,
} from './consent-page';
import type { GrantStore, UpstreamTokens } from './grants';
import type { KeyValueStore } from './key-value-store';
import { checkRedirectUri, needsConsent } from './redirect-uri';
import type { TokenVerifier } from './token-verifier';
import type { UpstreamProvider } from './upstream-provider';

/** The path of this server's callback from Eka's provider. */
export const OAUTH_CALLBACK_PATH = '/oauth/callback';

/** The scope of this server's MCP endpoint; a token without it gets 403 insufficient_scope. */
export const MCP_SCOPE = 'mcp';

/** A registered client lives this long once it has exchanged a code; until then, a short while. */
const CLIENT_TTL_SECONDS = 90 * 24 * 3600;
const UNUSED_CLIENT_TTL_SECONDS = 15 * 60;
const PENDING_TTL_SECONDS = 10 * 60;
const CODE_TTL_SECONDS = 5 * 60;
const UPSTREAM_TIMEOUT_MS = 15_000;
const MAX_CLIENT_NAME = 200;
const MAX_REDIRECT_URIS = 5;
/** The cookie that ties Eka's redirect back to the browser that began (and consented to) the login. */
const LOGIN_COOKIE_PREFIX = 'eka_mcp_login_';

/** A login in progress: what the MCP client asked for, and this server's own PKCE verifier upstream. */
interface PendingLogin {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string | undefined;
  scopes: string[];
  upstreamVerifier: string;
  /** Hash of the consent form's token, while the clinician has not yet decided. */
  consentCsrfHash?: string;
  /** Hash of the browser-binding cookie, set when the login leaves for Eka (after consent, where needed). */
  browserHash?: string;
}

/** A one-time code this server handed to an MCP client, redeemable for this server's tokens. */
interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  grantId: string;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** An authorization-request error that goes back to the client, or onto our page. */
class AuthorizeError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The OAuth proxy in front of Eka's OpenID provider.
 *
 * MCP clients register here (dynamic registration or a Client ID Metadata
 * Document) and run PKCE against this server; upstream, this server signs in
 * with its own client id and secret and its own PKCE. The Eka tokens stay
 * here, in a grant; the MCP client gets this server's own tokens (see
 * `GrantStore`). Every login is bound to the browser that began it and, for
 * every redirect URI but loopback http, to the clinician's consent on our
 * page. Registered clients, pending logins, codes and grants live in the
 * shared store, so any instance can finish a login another one started.
 */
export class EkaOAuthProxy implements OAuthServerProvider {
  readonly skipLocalPkceValidation = false;
  readonly #store: KeyValueStore;
  readonly #upstream: UpstreamProvider;
  readonly #verifier: TokenVerifier;
  readonly #grants: GrantStore;
  readonly #documents: ClientMetadataDocuments;
  readonly #exchange: ((idToken: string) => Promise<UpstreamTokens>) | undefined;
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
    grants: GrantStore;
    documents: ClientMetadataDocuments;
    /** Turns the provider's ID token into Eka API tokens; absent: the provider's own tokens are kept. */
    exchange?: (idToken: string) => Promise<UpstreamTokens>;
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
    this.#grants = options.grants;
    this.#documents = options.documents;
    this.#exchange = options.exchange;
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

  /** The scopes this server issues: `mcp` for the tools; `offline_access` is accepted (refresh tokens are always issued). */
  get scopesSupported(): string[] {
    return [MCP_SCOPE, 'offline_access'];
  }

  get clientsStore(): OAuthRegisteredClientsStore {
    return {
      getClient: async (clientId) => {
        if (isMetadataDocumentUrl(clientId)) return this.#documents.get(clientId);
        const raw = await this.#store.get(`client:${clientId}`);
        return raw === undefined ? undefined : (JSON.parse(raw) as OAuthClientInformationFull);
      },
      registerClient: async (client) => {
        const uris = client.redirect_uris.map(String);
        if (uris.length === 0 || uris.length > MAX_REDIRECT_URIS) {
          throw new InvalidClientMetadataError(`redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs`);
        }
        for (const uri of uris) checkRedirectUri(uri);
        if ((client.client_name?.length ?? 0) > MAX_CLIENT_NAME) {
          throw new InvalidClientMetadataError(`client_name is longer than ${MAX_CLIENT_NAME} characters`);
        }
        const registered: OAuthClientInformationFull = {
          ...client,
          client_id: randomUUID(),
          client_id_issued_at: Math.floor(Date.now() / 1000),
        };
        await this.#store.set(
          `client:${registered.client_id}`,
          JSON.stringify(registered),
          UNUSED_CLIENT_TTL_SECONDS,
        );
        this.#logger.info('registered an MCP client', { clientName: registered.client_name?.slice(0, 100) });
        return registered;
      },
    };
  }

  /** Not used: `/authorize` is served by `handleAuthorize`, which keeps errors off unconsented web URIs. */
  async authorize(
    _client: OAuthClientInformationFull,
    _params: AuthorizationParams,
    _res: Response,
  ): Promise<void> {
    throw new ServerError('authorize is served by handleAuthorize');
  }

  /**
   * Handles `/authorize`. Errors before the client and its redirect URI are
   * known, and every error for a redirect URI that is not loopback http (the
   * clinician has not consented to it), are shown on our page, never
   * redirected: a bad request cannot bounce a browser to an attacker's site.
   */
  async handleAuthorize(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const input = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    const text = (name: string) => (typeof input?.[name] === 'string' ? (input[name] as string) : undefined);
    const page = (status: number, message: string) => {
      res
        .status(status)
        .set(CONSENT_PAGE_HEADERS)
        .send(renderErrorPage({ title: 'Cannot connect', message }));
    };
    const clientId = text('client_id');
    if (!clientId) return page(400, 'The request names no client (client_id is missing).');
    let client: OAuthClientInformationFull | undefined;
    try {
      client = await this.clientsStore.getClient(clientId);
    } catch (error) {
      return page(400, error instanceof Error ? error.message : 'The client could not be loaded.');
    }
    if (!client) return page(400, 'This application is not registered here (unknown client_id).');
    let redirectUri = text('redirect_uri');
    if (redirectUri !== undefined) {
      const requested = redirectUri;
      if (!client.redirect_uris.some((registered) => redirectUriMatches(requested, String(registered)))) {
        return page(400, 'The redirect_uri is not one this application registered.');
      }
    } else if (client.redirect_uris.length === 1) {
      redirectUri = String(client.redirect_uris[0]);
    } else {
      return page(400, 'redirect_uri is required when an application registered several.');
    }
    const state = text('state');
    const target = redirectUri;
    const fail = (error: AuthorizeError) => {
      if (needsConsent(target)) return page(400, error.message);
      const back = new URL(target);
      back.searchParams.set('error', error.code);
      back.searchParams.set('error_description', error.message);
      if (state !== undefined) back.searchParams.set('state', state);
      res.redirect(302, back.href);
    };
    try {
      if (text('response_type') !== 'code')
        throw new AuthorizeError('unsupported_response_type', 'response_type must be "code"');
      const codeChallenge = text('code_challenge');
      if (!codeChallenge || !/^[A-Za-z0-9_-]{43,128}$/.test(codeChallenge)) {
        throw new AuthorizeError('invalid_request', 'code_challenge (PKCE, S256) is required');
      }
      if (text('code_challenge_method') !== 'S256') {
        throw new AuthorizeError('invalid_request', 'code_challenge_method must be S256');
      }
      const resource = text('resource');
      if (resource !== undefined && stripSlash(resource) !== stripSlash(this.#settings.resource)) {
        throw new AuthorizeError(
          'invalid_target',
          `This server only issues tokens for ${this.#settings.resource}`,
        );
      }
      const requested = (text('scope') ?? '').split(' ').filter(Boolean);
      const unknown = requested.filter((scope) => !this.scopesSupported.includes(scope));
      if (unknown.length > 0) {
        throw new AuthorizeError('invalid_scope', `Unknown scope: ${unknown.join(' ').slice(0, 100)}`);
      }
      const pendingId = randomToken();
      const pending: PendingLogin = {
        clientId: client.client_id,
        redirectUri: target,
        codeChallenge,
        state,
        scopes: requested.length ? requested : [MCP_SCOPE],
        upstreamVerifier: randomToken(),
      };
      if (needsConsent(target)) {
        // Ask the clinician here, in this browser, before anything goes to Eka.
        const csrf = randomToken();
        pending.consentCsrfHash = sha256(csrf);
        await this.#store.set(`pending:${pendingId}`, JSON.stringify(pending), PENDING_TTL_SECONDS);
        res.setHeader('Set-Cookie', this.#consentCookie(csrf, PENDING_TTL_SECONDS));
        res.status(200).set(CONSENT_PAGE_HEADERS);
        res.send(
          renderConsentPage({
            clientName: client.client_name,
            redirectOrigin: describeTarget(target),
            pendingId,
            csrf,
          }),
        );
        return;
      }
      const upstreamUrl = await this.#upstreamAuthorizeUrl(pendingId, pending.upstreamVerifier);
      const browser = randomToken();
      pending.browserHash = sha256(browser);
      await this.#store.set(`pending:${pendingId}`, JSON.stringify(pending), PENDING_TTL_SECONDS);
      res.setHeader('Set-Cookie', this.#loginCookie(pendingId, browser, PENDING_TTL_SECONDS));
      res.redirect(302, upstreamUrl);
    } catch (error) {
      if (error instanceof AuthorizeError) return fail(error);
      const message =
        error instanceof OAuthError ? error.message : "Eka's sign-in service could not be reached";
      this.#logger.warn('authorization request failed', { error: message });
      return fail(new AuthorizeError('server_error', message));
    }
  }

  /**
   * Handles the consent form (`POST /oauth/consent`): only from this server's
   * own page (Origin), in the browser that was shown it (cookie), for the
   * login it was shown for (token bound to the pending login). Allowing sets
   * the browser-binding cookie that `/oauth/callback` requires.
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
    if (body.decision !== 'allow') {
      await this.#store.take(`pending:${pendingId}`);
      res.setHeader('Set-Cookie', this.#consentCookie('', 0));
      const back = new URL(pending.redirectUri);
      if (pending.state !== undefined) back.searchParams.set('state', pending.state);
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'Access was not allowed.');
      res.redirect(303, back.href);
      return;
    }
    const target = await this.#upstreamAuthorizeUrl(pendingId, pending.upstreamVerifier);
    const browser = randomToken();
    await this.#store.set(
      `pending:${pendingId}`,
      JSON.stringify({ ...pending, consentCsrfHash: undefined, browserHash: sha256(browser) }),
      PENDING_TTL_SECONDS,
    );
    res.setHeader('Set-Cookie', [
      this.#consentCookie('', 0),
      this.#loginCookie(pendingId, browser, PENDING_TTL_SECONDS),
    ]);
    this.#logger.info('consent given to an MCP client', { clientId: pending.clientId.slice(0, 200) });
    res.redirect(303, target);
  }

  #secure(): string {
    return this.#settings.baseUrl.startsWith('https:') ? '; Secure' : '';
  }

  #consentCookie(value: string, maxAge: number): string {
    return `${CONSENT_COOKIE}=${value}; Path=${CONSENT_PATH}; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${this.#secure()}`;
  }

  /** The browser-binding cookie of one login (its name is per login, so parallel logins do not collide). */
  #loginCookie(pendingId: string, value: string, maxAge: number): string {
    return `${loginCookieName(pendingId)}=${value}; Path=${OAUTH_CALLBACK_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${this.#secure()}`;
  }

  /** Eka's authorization URL for a pending login, with this server's own PKCE. */
  async #upstreamAuthorizeUrl(pendingId: string, upstreamVerifier: string): Promise<string> {
    const metadata = await this.#upstream.metadata().catch((cause: unknown) => {
      throw new ServerError(
        cause instanceof Error ? cause.message : "Eka's sign-in service could not be reached",
      );
    });
    const target = new URL(metadata.authorization_endpoint);
    // Ask only for what the provider lists (Eka's discovery lists openid and profile); openid always.
    const listed = Array.isArray(metadata.scopes_supported) ? metadata.scopes_supported : undefined;
    const scopes = [
      'openid',
      ...this.#settings.scopes.filter((scope) => scope !== 'openid' && (!listed || listed.includes(scope))),
    ];
    target.search = new URLSearchParams({
      client_id: this.#settings.clientId,
      response_type: 'code',
      redirect_uri: this.#callbackUrl(),
      scope: scopes.join(' '),
      state: pendingId,
      code_challenge: createHash('sha256').update(upstreamVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(scopes.includes('offline_access') ? { prompt: 'consent' } : {}),
    }).toString();
    return target.href;
  }

  /**
   * Handles Eka's redirect back (`GET /oauth/callback`): only in the browser
   * that began (and consented to) the login; exchanges the code, keeps the
   * Eka tokens in a grant and returns a one-time code of ours to the client.
   */
  async handleCallback(req: Request, res: Response): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    const page = (message: string) => {
      res
        .status(400)
        .set(CONSENT_PAGE_HEADERS)
        .send(renderErrorPage({ title: 'Sign-in refused', message }));
    };
    const query = req.query as Record<string, unknown>;
    const pendingId = typeof query.state === 'string' ? query.state : undefined;
    const raw = pendingId ? await this.#store.take(`pending:${pendingId}`) : undefined;
    if (!raw || !pendingId) {
      return page(
        'This sign-in link has expired or was already used. Start the connection again from your MCP client.',
      );
    }
    const pending = JSON.parse(raw) as PendingLogin;
    const browser = readCookie(req.headers.cookie, loginCookieName(pendingId));
    if (!pending.browserHash || browser === undefined || !sameText(sha256(browser), pending.browserHash)) {
      // Eka was reached without our consent page, or in another browser than the one that
      // consented (a sign-in link sent to someone else): nothing goes to the client.
      this.#logger.warn('a sign-in came back in a browser that did not start it; refused', {
        clientId: pending.clientId.slice(0, 200),
      });
      return page(
        'This sign-in was not started, or not allowed on the Eka MCP consent page, in this browser. Start the connection again from your MCP client.',
      );
    }
    res.setHeader('Set-Cookie', this.#loginCookie(pendingId, '', 0));
    const back = new URL(pending.redirectUri);
    if (pending.state !== undefined) back.searchParams.set('state', pending.state);
    const code = typeof query.code === 'string' ? query.code : undefined;
    if (!code) {
      back.searchParams.set(
        'error',
        typeof query.error === 'string' ? query.error.slice(0, 100) : 'access_denied',
      );
      if (typeof query.error_description === 'string')
        back.searchParams.set('error_description', query.error_description.slice(0, 300));
      res.redirect(302, back.href);
      return;
    }
    let upstream: UpstreamTokens;
    try {
      const tokens = await this.#upstreamToken({
        grant_type: 'authorization_code',
        code,
        redirect_uri: this.#callbackUrl(),
        code_verifier: pending.upstreamVerifier,
      });
      upstream = await this.#upstreamTokens(tokens);
    } catch (error) {
      this.#logger.warn('Eka sign-in could not be completed', {
        error: error instanceof Error ? error.message : String(error),
      });
      back.searchParams.set('error', 'server_error');
      back.searchParams.set('error_description', 'Eka sign-in could not be completed; try again.');
      res.redirect(302, back.href);
      return;
    }
    const grantId = await this.#grants.create(pending.clientId, pending.scopes, upstream);
    const ours = randomToken();
    const issued: IssuedCode = {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      scopes: pending.scopes,
      grantId,
    };
    await this.#store.set(`code:${sha256(ours)}`, JSON.stringify(issued), CODE_TTL_SECONDS);
    back.searchParams.set('code', ours);
    res.redirect(302, back.href);
  }

  /** The Eka tokens to keep: Eka API tokens from the ID token, or the provider's own. */
  async #upstreamTokens(tokens: OAuthTokens): Promise<UpstreamTokens> {
    if (this.#exchange) {
      if (!tokens.id_token) throw new Error("Eka's sign-in returned no ID token to exchange");
      return this.#exchange(tokens.id_token);
    }
    return providerTokens(tokens);
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
    if (!isMetadataDocumentUrl(client.client_id)) {
      // A registration that has been used is kept; unused ones expire soon after registering.
      await this.#store.set(`client:${client.client_id}`, JSON.stringify(client), CLIENT_TTL_SECONDS);
    }
    return this.#grants.issue(issued.grantId, client.client_id, issued.scopes);
  }

  async exchangeRefreshToken(
    client: OAuthClientInformationFull,
    refreshToken: string,
    _scopes?: string[],
    resource?: URL,
  ): Promise<OAuthTokens> {
    if (resource && stripSlash(resource.href) !== stripSlash(this.#settings.resource)) {
      throw new InvalidTargetError(`This server only issues tokens for ${this.#settings.resource}`);
    }
    return this.#grants.rotate(refreshToken, client.client_id);
  }

  verifyAccessToken(token: string): Promise<AuthInfo> {
    return this.#verifier.verifyAccessToken(token);
  }

  #callbackUrl(): string {
    return `${this.#settings.baseUrl}${OAUTH_CALLBACK_PATH}`;
  }

  /** Renews the provider's tokens of a grant (when the provider's own tokens are kept). */
  async refreshProviderTokens(tokens: UpstreamTokens): Promise<UpstreamTokens> {
    if (!tokens.refreshToken) throw new Error('no refresh token');
    const fresh = await this.#upstreamToken({
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    const next = providerTokens(fresh);
    return next.refreshToken ? next : { ...next, refreshToken: tokens.refreshToken };
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

function providerTokens(tokens: OAuthTokens): UpstreamTokens {
  return {
    accessToken: tokens.access_token,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    expiresAt: tokens.expires_in ? Date.now() + tokens.expires_in * 1000 : 0,
  };
}

/** The name of a login's browser-binding cookie. */
export function loginCookieName(pendingId: string): string {
  return `${LOGIN_COOKIE_PREFIX}${sha256(pendingId).slice(0, 16)}`;
}

/** What the consent page names as the receiver: a web origin, or an app's scheme. */
function describeTarget(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'https:' ? url.origin : `${url.protocol}${url.host ? `//${url.host}` : ''}`;
}

function stripSlash(value: string): string {
  return value.replace(/\/+$/, '');
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
