/**
 * This server's own tokens and the upstream Eka tokens behind them.
 *
 * A sign-in through the OAuth proxy makes a grant: the Eka tokens (kept here,
 * sealed in the store, refreshed here, used only for calls to Eka) and the
 * MCP client it was for. The MCP client gets this server's own access token
 * (short-lived, bound to this server's resource and to that client) and a
 * refresh token that rotates on every use; presenting a rotated refresh token
 * again revokes the whole grant (token theft detection, OAuth 2.1 §4.3.1).
 * No token an MCP client holds is ever sent to Eka.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidGrantError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { TokenSource } from '../eka/token-source';
import { EkaAuthError } from '../errors';
import type { AuthLogger } from './auth-logger';
import { type Clock, systemClock } from './clock';
import type { KeyValueStore } from './key-value-store';

/** Prefixes that mark this server's own tokens (never sent anywhere but here). */
export const ACCESS_TOKEN_PREFIX = 'ekamcp_at_';
export const REFRESH_TOKEN_PREFIX = 'ekamcp_rt_';

/** The Eka tokens of one grant. */
export interface UpstreamTokens {
  accessToken: string;
  refreshToken?: string;
  /** Access token expiry, ms since the epoch (0: unknown, refresh on the first 401). */
  expiresAt: number;
}

interface Grant {
  clientId: string;
  scopes: string[];
  upstream: UpstreamTokens;
}

/** What one of this server's access tokens stands for. */
export interface AccessGrant {
  grantId: string;
  clientId: string;
  scopes: string[];
  resource: string;
  /** Seconds since the epoch. */
  exp: number;
}

interface RefreshRecord {
  grantId: string;
  clientId: string;
  scopes: string[];
  used: boolean;
}

/** Renews upstream tokens (the provider's refresh grant, or Eka's OIDC refresh API). */
export type UpstreamRefresher = (tokens: UpstreamTokens) => Promise<UpstreamTokens>;

const REFRESH_MARGIN_MS = 60_000;
const LOCK_TTL_SECONDS = 20;
const LOCK_WAIT_MS = 10_000;

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

/** Grants and this server's tokens, in the (sealed, shared) store. */
export class GrantStore {
  readonly #store: KeyValueStore;
  readonly #resource: string;
  readonly #accessTtl: number;
  readonly #refreshTtl: number;
  readonly #refresher: UpstreamRefresher;
  readonly #logger: AuthLogger;
  readonly #clock: Clock;
  readonly #refreshing = new Map<string, Promise<UpstreamTokens>>();

  constructor(options: {
    store: KeyValueStore;
    resource: string;
    accessTokenTtl: number;
    refreshTokenTtl: number;
    refresher: UpstreamRefresher;
    logger: AuthLogger;
    clock?: Clock;
  }) {
    this.#store = options.store;
    this.#resource = options.resource;
    this.#accessTtl = options.accessTokenTtl;
    this.#refreshTtl = options.refreshTokenTtl;
    this.#refresher = options.refresher;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  /** Records a new grant for `clientId` holding `upstream`; its id. */
  async create(clientId: string, scopes: string[], upstream: UpstreamTokens): Promise<string> {
    const grantId = random();
    const grant: Grant = { clientId, scopes, upstream };
    await this.#store.set(`grant:${grantId}`, JSON.stringify(grant), this.#refreshTtl);
    return grantId;
  }

  /** Issues a fresh access and refresh token of ours for a grant. */
  async issue(grantId: string, clientId: string, scopes: string[]): Promise<OAuthTokens> {
    const access = `${ACCESS_TOKEN_PREFIX}${random()}`;
    const refresh = `${REFRESH_TOKEN_PREFIX}${random()}`;
    const exp = Math.floor(this.#clock() / 1000) + this.#accessTtl;
    const record: AccessGrant = { grantId, clientId, scopes, resource: this.#resource, exp };
    await this.#store.set(`access:${hash(access)}`, JSON.stringify(record), this.#accessTtl);
    const refreshRecord: RefreshRecord = { grantId, clientId, scopes, used: false };
    await this.#store.set(`refresh:${hash(refresh)}`, JSON.stringify(refreshRecord), this.#refreshTtl);
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: this.#accessTtl,
      refresh_token: refresh,
      scope: scopes.join(' '),
    };
  }

  /** What an access token of ours stands for; `undefined` when unknown, expired or its grant revoked. */
  async verifyAccess(token: string): Promise<AccessGrant | undefined> {
    const raw = await this.#store.get(`access:${hash(token)}`);
    if (!raw) return undefined;
    const record = JSON.parse(raw) as AccessGrant;
    if (record.exp * 1000 <= this.#clock()) return undefined;
    if ((await this.#store.get(`grant:${record.grantId}`)) === undefined) return undefined;
    return record;
  }

  /**
   * Rotates a refresh token of ours presented by `clientId`. A token already
   * rotated revokes its grant (every token of that sign-in stops working).
   */
  async rotate(refreshToken: string, clientId: string): Promise<OAuthTokens> {
    const key = `refresh:${hash(refreshToken)}`;
    const raw = await this.#store.take(key);
    if (!raw) throw new InvalidGrantError('Invalid refresh token');
    const record = JSON.parse(raw) as RefreshRecord;
    if (record.clientId !== clientId) {
      // Not the holder's to use: put it back untouched.
      await this.#store.set(key, raw, this.#refreshTtl);
      throw new InvalidGrantError('Invalid refresh token');
    }
    if (record.used) {
      await this.revoke(record.grantId);
      this.#logger.warn('a rotated refresh token was used again; the sign-in was revoked', { clientId });
      throw new InvalidGrantError('Invalid refresh token');
    }
    const grantRaw = await this.#store.get(`grant:${record.grantId}`);
    if (!grantRaw) throw new InvalidGrantError('Invalid refresh token');
    await this.#store.set(key, JSON.stringify({ ...record, used: true }), this.#refreshTtl);
    // The grant lives as long as its newest refresh token.
    await this.#store.set(`grant:${record.grantId}`, grantRaw, this.#refreshTtl);
    return this.issue(record.grantId, clientId, record.scopes);
  }

  /** Revokes a grant: its access and refresh tokens stop working at once. */
  async revoke(grantId: string): Promise<void> {
    await this.#store.delete(`grant:${grantId}`);
  }

  /** The token source for Eka calls made for a grant: its upstream tokens, refreshed here. */
  tokenSource(grantId: string, ekaClientId: string | undefined): TokenSource {
    return {
      kind: 'caller',
      clientId: () => ekaClientId,
      getAccessToken: () => this.#upstreamAccess(grantId),
      invalidate: async (rejected) => {
        const grant = await this.#grant(grantId);
        if (grant.upstream.accessToken !== rejected) return;
        await this.#store.set(
          `grant:${grantId}`,
          JSON.stringify({ ...grant, upstream: { ...grant.upstream, expiresAt: 1 } }),
          this.#refreshTtl,
        );
      },
    };
  }

  async #grant(grantId: string): Promise<Grant> {
    const raw = await this.#store.get(`grant:${grantId}`);
    if (!raw)
      throw new EkaAuthError('token_rejected', 'This sign-in has ended: sign in again in your MCP client.');
    return JSON.parse(raw) as Grant;
  }

  async #upstreamAccess(grantId: string): Promise<string> {
    const grant = await this.#grant(grantId);
    const { upstream } = grant;
    if (upstream.expiresAt === 0 || upstream.expiresAt - REFRESH_MARGIN_MS > this.#clock()) {
      return upstream.accessToken;
    }
    let pending = this.#refreshing.get(grantId);
    if (!pending) {
      pending = this.#refreshShared(grantId, upstream).finally(() => this.#refreshing.delete(grantId));
      this.#refreshing.set(grantId, pending);
    }
    return (await pending).accessToken;
  }

  /** Refreshes once across instances: the lock holder refreshes, the others wait for its result. */
  async #refreshShared(grantId: string, seen: UpstreamTokens): Promise<UpstreamTokens> {
    const lock = `lock:grant:${grantId}`;
    if (await this.#store.add(lock, '1', LOCK_TTL_SECONDS)) {
      try {
        const grant = await this.#grant(grantId);
        if (grant.upstream.accessToken !== seen.accessToken) return grant.upstream;
        if (!grant.upstream.refreshToken) {
          throw new EkaAuthError(
            'token_rejected',
            'The Eka sign-in has expired: sign in again in your MCP client.',
          );
        }
        let fresh: UpstreamTokens;
        try {
          fresh = await this.#refresher(grant.upstream);
        } catch (cause) {
          this.#logger.warn('Eka tokens of a sign-in could not be renewed', {
            error: cause instanceof Error ? cause.message : String(cause),
          });
          throw new EkaAuthError(
            'token_rejected',
            'The Eka sign-in could not be renewed: sign in again in your MCP client.',
            { cause },
          );
        }
        await this.#store.set(
          `grant:${grantId}`,
          JSON.stringify({ ...grant, upstream: fresh }),
          this.#refreshTtl,
        );
        return fresh;
      } finally {
        await this.#store.delete(lock);
      }
    }
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const grant = await this.#grant(grantId);
      if (grant.upstream.accessToken !== seen.accessToken) return grant.upstream;
      if ((await this.#store.get(lock)) === undefined) break;
    }
    const grant = await this.#grant(grantId);
    if (grant.upstream.accessToken !== seen.accessToken) return grant.upstream;
    throw new EkaAuthError('token_rejected', 'The Eka sign-in could not be renewed; try again shortly.');
  }
}
