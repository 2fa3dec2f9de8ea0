import { randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';

type CryptoKey = webcrypto.CryptoKey;

import type Provider from 'oidc-provider';
import type { ClientTokenStats, OidcExchangeStats } from '../types';
import { ApiError } from './http-util';

/**
 * The kinds of access token the API accepts:
 * - `eka-oidc`: Eka API tokens from the OIDC token APIs (`/oidc-client/{client_id}/verify`, `/refresh`);
 * - `client-credentials`: tokens of `/connect-auth/v1/account/login`;
 * - `provider`: the OpenID provider's own access tokens, accepted only for the clients
 *   the sandbox was told to take them from as they are.
 */
export type TokenKind = 'eka-oidc' | 'client-credentials' | 'provider';

/** What the API knows about the caller after checking its access token. */
export interface VerifiedToken {
  kind: TokenKind;
  sub: string;
  client_id: string;
  /** Epoch seconds. */
  exp: number;
  iss: string;
  aud?: string | string[];
  scope?: string;
}

/** The client-credentials token pair of `/connect-auth/v1/account/login`. */
export interface ClientTokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

/** The Eka API token pair of the OIDC token APIs (`OidcVerifyPhrResponse`). */
export interface OidcTokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_token_expires_in: number;
}

interface RefreshRecord {
  kind: 'client-credentials' | 'eka-oidc';
  clientId: string;
  /** The account an `eka-oidc` pair belongs to (the ID token's subject). */
  sub?: string;
  expiresAt: number;
  used: boolean;
}

export interface TokenAuthoritySettings {
  issuer: string;
  apiBaseUrl: string;
  provider: Provider;
  providerJwks: { keys: JWK[] };
  clientCredentialsTtl: number;
  refreshTokenTtl: number;
  /** Lifetime of the Eka API access tokens of the OIDC token APIs (seconds). */
  ekaAccessTokenTtl: number;
  /** OAuth clients whose provider access tokens the API accepts as they are. */
  providerTokenClients: readonly string[];
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Issues the API's tokens (client credentials, and the Eka API tokens of the
 * OIDC token APIs for an ID token of the sandbox's provider) and checks every
 * access token the API receives: its own JWTs, and, for the clients allowed
 * to send them as they are, the provider's JWTs (signature, issuer, expiry)
 * and opaque tokens (looked up in the provider). All are revocable.
 */
export class TokenAuthority {
  readonly #settings: TokenAuthoritySettings;
  readonly #signingKey: CryptoKey;
  readonly #verifyKey: CryptoKey;
  readonly #providerKeys: ReturnType<typeof createLocalJWKSet>;
  readonly #refreshTokens = new Map<string, RefreshRecord>();
  readonly #revokedJtis = new Set<string>();
  readonly #stats: ClientTokenStats = { logins: 0, refreshes: 0, refreshTokenReuse: 0, rejected: 0 };
  readonly #oidcStats: OidcExchangeStats = {
    verifies: 0,
    verifyRejected: 0,
    refreshes: 0,
    refreshTokenReuse: 0,
  };

  private constructor(
    settings: TokenAuthoritySettings,
    keys: { privateKey: CryptoKey; publicKey: CryptoKey },
  ) {
    this.#settings = settings;
    this.#signingKey = keys.privateKey;
    this.#verifyKey = keys.publicKey;
    this.#providerKeys = createLocalJWKSet(settings.providerJwks);
  }

  /** Creates an authority with a fresh signing key for client-credentials tokens. */
  static async create(settings: TokenAuthoritySettings): Promise<TokenAuthority> {
    return new TokenAuthority(settings, await generateKeyPair('ES256'));
  }

  /** Counters of client-credentials activity. */
  stats(): ClientTokenStats {
    return { ...this.#stats };
  }

  /** Counters of the OIDC token APIs. */
  oidcStats(): OidcExchangeStats {
    return { ...this.#oidcStats };
  }

  /** Issues a client-credentials access and refresh token for `clientId`. */
  async issue(clientId: string): Promise<ClientTokenPair> {
    const ttl = this.#settings.clientCredentialsTtl;
    const access = await new SignJWT({ client_id: clientId, scope: 'eka.api', token_use: 'access' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(this.#settings.apiBaseUrl)
      .setSubject(clientId)
      .setAudience(this.#settings.apiBaseUrl)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(nowSeconds() + ttl)
      .sign(this.#signingKey);
    const refresh = randomBytes(32).toString('base64url');
    this.#refreshTokens.set(refresh, {
      kind: 'client-credentials',
      clientId,
      expiresAt: nowSeconds() + this.#settings.refreshTokenTtl,
      used: false,
    });
    this.#stats.logins += 1;
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: ttl,
      refresh_expires_in: this.#settings.refreshTokenTtl,
    };
  }

  /** Rotates a client-credentials refresh token; a reused one is refused and counted. */
  async refresh(
    accessToken: string,
    refreshToken: string,
    clientId: string | undefined,
  ): Promise<ClientTokenPair> {
    const record = this.#refreshTokens.get(refreshToken);
    if (!record || record.kind !== 'client-credentials')
      throw new ApiError(401, 'invalid_grant', 'The refresh token is not valid. Log in again.');
    if (record.used) {
      this.#stats.refreshTokenReuse += 1;
      throw new ApiError(401, 'invalid_grant', 'The refresh token was already used. Log in again.');
    }
    if (record.expiresAt <= nowSeconds()) {
      throw new ApiError(401, 'invalid_grant', 'The refresh token has expired. Log in again.');
    }
    let owner: string | undefined;
    try {
      const { payload } = await jwtVerify(accessToken, this.#verifyKey, {
        issuer: this.#settings.apiBaseUrl,
        // An expired access token is exactly what a refresh presents.
        currentDate: new Date(0),
      });
      owner = typeof payload.client_id === 'string' ? payload.client_id : undefined;
    } catch {
      throw new ApiError(
        401,
        'invalid_grant',
        'The access token sent with the refresh is not one this API issued.',
      );
    }
    if (owner !== record.clientId || (clientId !== undefined && clientId !== record.clientId)) {
      throw new ApiError(401, 'invalid_grant', 'The refresh token belongs to another client.');
    }
    record.used = true;
    const pair = await this.issue(record.clientId);
    this.#stats.logins -= 1;
    this.#stats.refreshes += 1;
    return pair;
  }

  /** Signs an Eka API token pair for `sub` signed in through OIDC client `clientId`. */
  async #issueOidc(clientId: string, sub: string): Promise<OidcTokenPair> {
    const ttl = this.#settings.ekaAccessTokenTtl;
    const access = await new SignJWT({ client_id: clientId, token_use: 'eka-oidc' })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
      .setIssuer(this.#settings.apiBaseUrl)
      .setSubject(sub)
      .setAudience(this.#settings.apiBaseUrl)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(nowSeconds() + ttl)
      .sign(this.#signingKey);
    const refresh = randomBytes(32).toString('base64url');
    this.#refreshTokens.set(refresh, {
      kind: 'eka-oidc',
      clientId,
      sub,
      expiresAt: nowSeconds() + this.#settings.refreshTokenTtl,
      used: false,
    });
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: ttl,
      refresh_token_expires_in: this.#settings.refreshTokenTtl,
    };
  }

  /**
   * `/oidc-client/{client_id}/verify`: checks an ID token of the sandbox's
   * provider (signature against its keys, issuer, audience = `clientId`,
   * expiry) and answers Eka API tokens for its subject.
   */
  async exchangeIdToken(clientId: string, idToken: string): Promise<OidcTokenPair> {
    const client = await this.#settings.provider.Client.find(clientId);
    if (!client) {
      this.#oidcStats.verifyRejected += 1;
      throw new ApiError(404, 'unknown_client', 'No OIDC client is registered with this client id.');
    }
    let sub: string | undefined;
    try {
      const { payload } = await jwtVerify(idToken, this.#providerKeys, {
        issuer: this.#settings.issuer,
        audience: clientId,
        requiredClaims: ['sub', 'exp', 'iat'],
      });
      sub = payload.sub;
    } catch (error) {
      this.#oidcStats.verifyRejected += 1;
      const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
      throw new ApiError(
        401,
        'invalid_id_token',
        expired
          ? 'The ID token has expired. Sign in again.'
          : 'The ID token is not valid for this client (signature, issuer or audience).',
      );
    }
    if (!sub) {
      this.#oidcStats.verifyRejected += 1;
      throw new ApiError(401, 'invalid_id_token', 'The ID token has no subject.');
    }
    this.#oidcStats.verifies += 1;
    return this.#issueOidc(clientId, sub);
  }

  /**
   * `/oidc-client/{client_id}/refresh`: rotates an Eka API refresh token of the
   * OIDC token APIs. A used one presented again is refused and counted.
   */
  async refreshOidc(clientId: string, refreshToken: string, accessToken?: string): Promise<OidcTokenPair> {
    const record = this.#refreshTokens.get(refreshToken);
    if (!record || record.kind !== 'eka-oidc' || !record.sub)
      throw new ApiError(401, 'invalid_grant', 'The refresh token is not valid. Sign in again.');
    if (record.used) {
      this.#oidcStats.refreshTokenReuse += 1;
      throw new ApiError(401, 'invalid_grant', 'The refresh token was already used. Sign in again.');
    }
    if (record.expiresAt <= nowSeconds()) {
      throw new ApiError(401, 'invalid_grant', 'The refresh token has expired. Sign in again.');
    }
    if (record.clientId !== clientId) {
      throw new ApiError(401, 'invalid_grant', 'The refresh token belongs to another client.');
    }
    if (accessToken !== undefined) {
      let owner: unknown;
      try {
        const { payload } = await jwtVerify(accessToken, this.#verifyKey, {
          issuer: this.#settings.apiBaseUrl,
          // An expired access token is exactly what a refresh presents.
          currentDate: new Date(0),
        });
        owner = payload.token_use === 'eka-oidc' ? payload.sub : undefined;
      } catch {
        owner = undefined;
      }
      if (owner !== record.sub) {
        throw new ApiError(
          401,
          'invalid_grant',
          'The access token sent with the refresh is not the one issued with this refresh token.',
        );
      }
    }
    record.used = true;
    this.#oidcStats.refreshes += 1;
    return this.#issueOidc(record.clientId, record.sub);
  }

  /** Checks an access token; `undefined` when it is missing, forged, expired or revoked. */
  async verify(token: string | undefined): Promise<VerifiedToken | undefined> {
    const verified = token ? await this.#verify(token) : undefined;
    if (!verified) this.#stats.rejected += 1;
    return verified;
  }

  async #verify(token: string): Promise<VerifiedToken | undefined> {
    if (token.split('.').length === 3) {
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        return undefined;
      }
      try {
        if (iss === this.#settings.issuer) {
          const { payload } = await jwtVerify(token, this.#providerKeys, { issuer: this.#settings.issuer });
          if (!payload.jti || this.#revokedJtis.has(payload.jti) || !payload.sub || !payload.exp)
            return undefined;
          // ID tokens are no access tokens; provider tokens only for the clients that may send them.
          if (typeof payload.client_id !== 'string' || !this.#acceptsProviderTokensOf(payload.client_id))
            return undefined;
          return {
            kind: 'provider',
            sub: payload.sub,
            client_id: String(payload.client_id ?? ''),
            exp: payload.exp,
            iss: this.#settings.issuer,
            ...(payload.aud === undefined ? {} : { aud: payload.aud }),
            ...(typeof payload.scope === 'string' ? { scope: payload.scope } : {}),
          };
        }
        if (iss === this.#settings.apiBaseUrl) {
          const { payload } = await jwtVerify(token, this.#verifyKey, { issuer: this.#settings.apiBaseUrl });
          if (!payload.jti || this.#revokedJtis.has(payload.jti) || !payload.sub || !payload.exp)
            return undefined;
          return {
            kind: payload.token_use === 'eka-oidc' ? 'eka-oidc' : 'client-credentials',
            sub: payload.sub,
            client_id: String(payload.client_id ?? payload.sub),
            exp: payload.exp,
            iss: this.#settings.apiBaseUrl,
            ...(payload.aud === undefined ? {} : { aud: payload.aud }),
            ...(typeof payload.scope === 'string' ? { scope: payload.scope } : {}),
          };
        }
      } catch {
        return undefined;
      }
      return undefined;
    }
    const stored = await this.#settings.provider.AccessToken.find(token);
    if (!stored || stored.isExpired || !stored.accountId || !stored.exp) return undefined;
    if (!stored.clientId || !this.#acceptsProviderTokensOf(stored.clientId)) return undefined;
    return {
      kind: 'provider',
      sub: stored.accountId,
      client_id: stored.clientId ?? '',
      exp: stored.exp,
      iss: this.#settings.issuer,
      ...(stored.scope ? { scope: stored.scope } : {}),
    };
  }

  #acceptsProviderTokensOf(clientId: string): boolean {
    return this.#settings.providerTokenClients.includes(clientId);
  }

  /** Revokes an access token of any kind, so the API refuses it from now on. */
  async revokeAccessToken(token: string): Promise<boolean> {
    if (token.split('.').length === 3) {
      try {
        const { jti } = decodeJwt(token);
        if (!jti) return false;
        this.#revokedJtis.add(jti);
        return true;
      } catch {
        return false;
      }
    }
    const stored = await this.#settings.provider.AccessToken.find(token);
    if (!stored) return false;
    await stored.destroy();
    return true;
  }
}
