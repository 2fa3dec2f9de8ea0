import { createHmac } from 'node:crypto';
import type { AuthLogger } from './auth-logger';
import { type Clock, systemClock } from './clock';
import type { KeyValueStore } from './key-value-store';
import { SealedStore } from './sealed-store';
import type { TokenVerdict } from './token-verdict';

/** A valid token is trusted this long before it is checked again. */
export const VALID_VERDICT_TTL_SECONDS = 5 * 60;
/** An invalid token is refused this long without asking Eka again. */
export const INVALID_VERDICT_TTL_SECONDS = 30;

interface StoredVerdict extends TokenVerdict {
  /** When this verdict stops counting, ms on the cache's clock. */
  until: number;
}

/**
 * The cache key of a token: an HMAC of it under the server secret, never the
 * token itself, and not computable by someone who can only read the store.
 */
export function verdictKey(token: string, secret: string): string {
  return `verdict:${createHmac('sha256', secret).update(token).digest('hex')}`;
}

/** The sealing purpose of verdicts: values sealed as OAuth state never open as verdicts. */
const VERDICT_PURPOSE = 'eka-mcp token verdicts v1';

/** At most this many verdicts are kept in process memory (the oldest go first). */
const MEMO_ENTRIES = 10_000;

/**
 * Remembers the Eka API's verdict on a token: valid for 5 minutes (never past
 * the token's own expiry), invalid for 30 seconds. Verdicts are sealed
 * (AES-GCM, bound to their key) under the server secret, so a value planted
 * in a shared store (`{"active": true}`) is not believed. A store that cannot
 * be reached is a miss (the caller validates live), logged once per outage.
 * A verdict the store holds is also kept in this process's memory for the
 * rest of its lifetime, so a repeat caller costs no store round trip and no
 * unsealing; a verdict the store could not keep is not kept here either.
 */
export class VerdictCache {
  readonly #store: KeyValueStore;
  readonly #secret: string;
  readonly #clock: Clock;
  readonly #logger: AuthLogger;
  #storeDown = false;
  /** Verdicts this process read from or wrote to the store, by token (newest last). */
  readonly #memo = new Map<string, StoredVerdict>();

  constructor(options: { store: KeyValueStore; secret: string; logger: AuthLogger; clock?: Clock }) {
    this.#store = new SealedStore(options.store, options.secret, VERDICT_PURPOSE);
    this.#secret = options.secret;
    this.#logger = options.logger;
    this.#clock = options.clock ?? systemClock;
  }

  /** The cached verdict, or `undefined` when none counts (or the store is unreachable). */
  async get(token: string): Promise<TokenVerdict | undefined> {
    const remembered = this.#memo.get(token);
    if (remembered) {
      const verdict = this.#counting(remembered);
      if (verdict) return verdict;
      this.#memo.delete(token);
    }
    let raw: string | undefined;
    try {
      raw = await this.#store.get(verdictKey(token, this.#secret));
      this.#storeUp();
    } catch (error) {
      this.#storeFailed(error);
      return undefined;
    }
    if (raw === undefined) return undefined;
    let stored: StoredVerdict;
    try {
      stored = JSON.parse(raw) as StoredVerdict;
    } catch {
      return undefined;
    }
    if (typeof stored !== 'object' || stored === null || typeof stored.until !== 'number') return undefined;
    const verdict = this.#counting(stored);
    if (verdict) this.#remember(token, stored);
    return verdict;
  }

  /** The verdict of a stored entry while it still counts. */
  #counting(stored: StoredVerdict): TokenVerdict | undefined {
    const now = this.#clock();
    if (stored.until <= now) return undefined;
    if (stored.active && stored.exp !== undefined && stored.exp * 1000 <= now) return undefined;
    const { until: _until, ...verdict } = stored;
    return verdict;
  }

  /** Keeps a verdict the store holds in this process too, until the store's own lifetime of it ends. */
  #remember(token: string, stored: StoredVerdict): void {
    this.#memo.delete(token);
    this.#memo.set(token, stored);
    if (this.#memo.size > MEMO_ENTRIES) this.#memo.delete(this.#memo.keys().next().value as string);
  }

  /** Caches `verdict` for its lifetime; a store failure is logged and otherwise ignored. */
  async put(token: string, verdict: TokenVerdict): Promise<void> {
    const ttl = this.ttlSeconds(verdict);
    if (ttl <= 0) return;
    const stored: StoredVerdict = { ...verdict, until: this.#clock() + ttl * 1000 };
    try {
      await this.#store.set(verdictKey(token, this.#secret), JSON.stringify(stored), Math.ceil(ttl));
      this.#storeUp();
      this.#remember(token, stored);
    } catch (error) {
      this.#storeFailed(error);
    }
  }

  /** Seconds a verdict stays cached: 30 when invalid; 300 when valid, capped at the token's expiry. */
  ttlSeconds(verdict: TokenVerdict): number {
    if (!verdict.active) return INVALID_VERDICT_TTL_SECONDS;
    if (verdict.exp === undefined) return VALID_VERDICT_TTL_SECONDS;
    const left = verdict.exp - this.#clock() / 1000;
    return Math.min(VALID_VERDICT_TTL_SECONDS, Math.max(0, left));
  }

  #storeUp(): void {
    if (this.#storeDown) this.#logger.info('token cache reachable again');
    this.#storeDown = false;
  }

  #storeFailed(error: unknown): void {
    if (!this.#storeDown) {
      this.#logger.warn('token cache unreachable; validating tokens live with the Eka API', {
        store: this.#store.kind,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.#storeDown = true;
  }
}
