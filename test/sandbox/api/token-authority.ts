import { randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, generateKeyPair, type JWK, jwtVerify, SignJWT } from 'jose';

type CryptoKey = webcrypto.CryptoKey;

import type Provider from 'oidc-provider';
import type { ClientTokenStats } from '../types';
import { ApiError } from './http-util';

/** What the API knows about the caller after checking its access token. */
export interface VerifiedToken {
  kind: 'oidc' | 'client-credentials';
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

interface RefreshRecord {
  clientId: string;
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
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Issues the API's client-credentials tokens and checks every access token
 * the API receives: OP-issued JWTs (signature, issuer, expiry), OP-issued
 * opaque tokens (looked up in the provider) and client-credentials JWTs, all
 * revocable.
 */
export class TokenAuthority {
  readonly #settings: TokenAuthoritySettings;
  readonly #signingKey: CryptoKey;
  readonly #verifyKey: CryptoKey;
  readonly #providerKeys: ReturnType<typeof createLocalJWKSet>;
  readonly #refreshTokens = new Map<string, RefreshRecord>();
  readonly #revokedJtis = new Set<string>();
  readonly #stats: ClientTokenStats = { logins: 0, refreshes: 0, refreshTokenReuse: 0, rejected: 0 };

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
    if (!record) throw new ApiError(401, 'invalid_grant', 'The refresh token is not valid. Log in again.');
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
          return {
            kind: 'oidc',
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
            kind: 'client-credentials',
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
    return {
      kind: 'oidc',
      sub: stored.accountId,
      client_id: stored.clientId ?? '',
      exp: stored.exp,
      iss: this.#settings.issuer,
      ...(stored.scope ? { scope: stored.scope } : {}),
    };
  }

  /** Revokes an access token of either kind, so the API refuses it from now on. */
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
