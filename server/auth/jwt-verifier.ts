import { createRemoteJWKSet, decodeJwt, type JWTPayload, jwtVerify } from 'jose';
import { type Clock, systemClock } from './clock';
import type { UpstreamProvider } from './upstream-provider';

/** How many tokens' issuer claims are remembered before the memo starts again. */
const CLAIMS_MEMO_SIZE = 1_000;
/** Longer tokens are decoded each time, so the memo stays within a few MB whatever callers send. */
const CLAIMS_MEMO_TOKEN_LENGTH = 4_096;

/**
 * Verifies JWTs issued by Eka's OpenID provider: signature (the provider's
 * JWKS), issuer and expiry. The audience is the caller's to judge.
 */
export class JwtVerifier {
  readonly #upstream: UpstreamProvider;
  readonly #clock: Clock;
  #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  /** `claimsProviderIssuer` of recent tokens: it depends on the token alone, and a repeat caller sends the same one. */
  readonly #claimsIssuer = new Map<string, boolean>();

  constructor(options: { upstream: UpstreamProvider; clock?: Clock }) {
    this.#upstream = options.upstream;
    this.#clock = options.clock ?? systemClock;
  }

  /** Whether `token` is a JWT that claims to come from the provider (signature not yet checked). */
  claimsProviderIssuer(token: string): boolean {
    const known = this.#claimsIssuer.get(token);
    if (known !== undefined) return known;
    const claims = this.#decodeIssuer(token);
    if (token.length <= CLAIMS_MEMO_TOKEN_LENGTH) {
      if (this.#claimsIssuer.size >= CLAIMS_MEMO_SIZE) this.#claimsIssuer.clear();
      this.#claimsIssuer.set(token, claims);
    }
    return claims;
  }

  #decodeIssuer(token: string): boolean {
    if (token.split('.').length !== 3) return false;
    try {
      const iss = decodeJwt(token).iss;
      return typeof iss === 'string' && iss.replace(/\/+$/, '') === this.#upstream.issuer;
    } catch {
      return false;
    }
  }

  /** The verified claims; rejects on a bad signature, another issuer, or expiry. */
  async verify(token: string): Promise<JWTPayload> {
    const metadata = await this.#upstream.metadata();
    this.#jwks ??= createRemoteJWKSet(new URL(metadata.jwks_uri));
    const { payload } = await jwtVerify(token, this.#jwks, {
      issuer: [metadata.issuer, this.#upstream.issuer],
      requiredClaims: ['exp'],
      currentDate: new Date(this.#clock()),
    });
    return payload;
  }
}
