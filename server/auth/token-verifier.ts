import { InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { errors as joseErrors } from 'jose';
import type { AuthLogger } from './auth-logger';
import { type Clock, systemClock } from './clock';
import { type DirectTokenValidator, TokenCheckUnavailableError } from './direct-token-validator';
import { ACCESS_TOKEN_PREFIX, type GrantStore, REFRESH_TOKEN_PREFIX } from './grants';
import type { JwtVerifier } from './jwt-verifier';

/** Which path accepted a token: this server's own (`proxy`), or a raw Eka token (`direct`). */
export type TokenKind = 'proxy' | 'direct';

/**
 * Decides whether a bearer token may call this server.
 *
 * - This server's own access tokens (from its OAuth proxy): looked up in the
 *   grant store; bound to this server's resource and to the client they were
 *   issued to. Calls to Eka then use the grant's Eka tokens, never this one.
 * - A JWT from Eka's OpenID provider: signature and expiry checked here, and
 *   refused outright when issued for another resource (another MCP server, or
 *   this one: such a token is not ours to forward). Otherwise it is a raw Eka
 *   token like any other:
 * - Raw Eka tokens (the internal-integrations path, when on): checked with the
 *   Eka API (cached verdict), then, when a client-id list is set, admitted only
 *   if the verdict names one of those clients. Only these reach Eka as sent.
 */
export class TokenVerifier implements OAuthTokenVerifier {
  readonly #jwt: JwtVerifier;
  readonly #direct: DirectTokenValidator;
  readonly #grants: GrantStore;
  readonly #resource: URL;
  readonly #apiBaseUrl: string;
  readonly #directTokens: boolean;
  readonly #directClientIds: ReadonlySet<string>;
  readonly #clock: Clock;
  readonly #logger: AuthLogger;

  constructor(options: {
    jwt: JwtVerifier;
    direct: DirectTokenValidator;
    grants: GrantStore;
    resource: string;
    apiBaseUrl: string;
    directTokens: boolean;
    directClientIds: string[];
    logger: AuthLogger;
    clock?: Clock;
  }) {
    this.#jwt = options.jwt;
    this.#direct = options.direct;
    this.#grants = options.grants;
    this.#resource = new URL(options.resource);
    this.#apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.#directTokens = options.directTokens;
    this.#directClientIds = new Set(options.directClientIds);
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    if (token.startsWith(ACCESS_TOKEN_PREFIX)) return this.#verifyOwn(token);
    if (token.startsWith(REFRESH_TOKEN_PREFIX)) {
      throw new InvalidTokenError('A refresh token is not an access token');
    }
    if (this.#jwt.claimsProviderIssuer(token)) await this.#checkProviderJwt(token);
    return this.#verifyDirect(token);
  }

  async #verifyOwn(token: string): Promise<AuthInfo> {
    let record: Awaited<ReturnType<GrantStore['verifyAccess']>>;
    try {
      record = await this.#grants.verifyAccess(token);
    } catch (error) {
      this.#logger.warn('token store unreachable; request refused', {
        error: error instanceof Error ? error.message : String(error),
      });
      throw new ServerError('The sign-in store could not be reached; try again shortly');
    }
    if (!record) throw new InvalidTokenError('The access token is not valid or has expired');
    if (record.resource !== this.#resource.href) {
      throw new InvalidTokenError('The access token was issued for another resource');
    }
    return {
      token,
      clientId: record.clientId,
      scopes: record.scopes,
      expiresAt: record.exp,
      resource: this.#resource,
      extra: { kind: 'proxy' satisfies TokenKind, grantId: record.grantId },
    };
  }

  /** A provider JWT: genuine and unexpired, and not issued for another resource. */
  async #checkProviderJwt(token: string): Promise<void> {
    let payload: Awaited<ReturnType<JwtVerifier['verify']>>;
    try {
      payload = await this.#jwt.verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired');
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError('The access token is not valid');
      this.#logger.warn('could not verify a provider token', {
        error: error instanceof Error ? error.message : String(error),
      });
      throw new ServerError(
        "Eka's sign-in service could not be reached to verify the token; try again shortly",
      );
    }
    const audiences = [payload.aud ?? []].flat();
    const foreign = audiences.some((aud) => /^https?:\/\//i.test(aud) && !this.#isEkaApi(aud));
    if (foreign) throw new InvalidTokenError('The access token was issued for another resource');
  }

  #isEkaApi(audience: string): boolean {
    const aud = audience.replace(/\/+$/, '');
    return aud === this.#apiBaseUrl || aud.startsWith(`${this.#apiBaseUrl}/`);
  }

  async #verifyDirect(token: string): Promise<AuthInfo> {
    if (!this.#directTokens) {
      throw new InvalidTokenError('This server accepts only tokens it issued: connect through its sign-in');
    }
    let verdict: Awaited<ReturnType<DirectTokenValidator['validate']>>;
    try {
      verdict = await this.#direct.validate(token);
    } catch (error) {
      if (error instanceof TokenCheckUnavailableError) {
        this.#logger.warn('Eka token check unavailable; request refused', { error: error.message });
        throw new ServerError(error.message);
      }
      throw error;
    }
    if (!verdict.active) throw new InvalidTokenError('The Eka token is not valid');
    if (
      this.#directClientIds.size > 0 &&
      !(verdict.clientId && this.#directClientIds.has(verdict.clientId))
    ) {
      throw new InvalidTokenError('Eka tokens of this client are not accepted by this server');
    }
    return {
      token,
      clientId: verdict.clientId ?? 'unknown',
      scopes: [],
      // The cached verdict is trusted for at most 5 minutes; report the token's own expiry when known.
      expiresAt: verdict.exp ?? Math.floor(this.#clock() / 1000) + 300,
      resource: this.#resource,
      extra: { kind: 'direct' satisfies TokenKind, sub: verdict.sub, ekaClientId: verdict.clientId },
    };
  }
}
