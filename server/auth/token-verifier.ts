import { InvalidTokenError, ServerError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { errors as joseErrors } from 'jose';
import type { AuthLogger } from './auth-logger';
import { type Clock, systemClock } from './clock';
import { type DirectTokenValidator, TokenCheckUnavailableError } from './direct-token-validator';
import type { JwtVerifier } from './jwt-verifier';

/** Which path accepted a token. */
export type TokenKind = 'oauth' | 'direct';

/**
 * Decides whether a bearer token may call this server.
 *
 * A JWT from Eka's OpenID provider must be for this server's resource, signed
 * by the provider and unexpired; it never falls through to the direct check
 * (a token for another audience is refused, not passed through). Anything
 * else is treated as a raw Eka token and checked with the Eka API (cached).
 */
export class TokenVerifier implements OAuthTokenVerifier {
  readonly #jwt: JwtVerifier;
  readonly #direct: DirectTokenValidator;
  readonly #resource: URL;
  readonly #clock: Clock;
  readonly #logger: AuthLogger;

  constructor(options: {
    jwt: JwtVerifier;
    direct: DirectTokenValidator;
    resource: string;
    logger: AuthLogger;
    clock?: Clock;
  }) {
    this.#jwt = options.jwt;
    this.#direct = options.direct;
    this.#resource = new URL(options.resource);
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  async verifyAccessToken(token: string): Promise<AuthInfo> {
    if (this.#jwt.claimsProviderIssuer(token)) return this.#verifyJwt(token);
    return this.#verifyDirect(token);
  }

  async #verifyJwt(token: string): Promise<AuthInfo> {
    let payload: Awaited<ReturnType<JwtVerifier['verify']>>;
    try {
      payload = await this.#jwt.verify(token);
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new InvalidTokenError('The access token has expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') {
        throw new InvalidTokenError('The access token was issued for another resource');
      }
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError('The access token is not valid');
      this.#logger.warn('could not verify an OAuth access token', {
        error: error instanceof Error ? error.message : String(error),
      });
      throw new ServerError(
        "Eka's sign-in service could not be reached to verify the token; try again shortly",
      );
    }
    const clientId =
      typeof payload.client_id === 'string' ? payload.client_id : (payload.azp as string | undefined);
    const scope = typeof payload.scope === 'string' ? payload.scope : '';
    return {
      token,
      clientId: clientId ?? 'unknown',
      scopes: scope.split(' ').filter(Boolean),
      expiresAt: payload.exp as number,
      resource: this.#resource,
      extra: { kind: 'oauth' satisfies TokenKind, sub: payload.sub, ekaClientId: clientId },
    };
  }

  async #verifyDirect(token: string): Promise<AuthInfo> {
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
