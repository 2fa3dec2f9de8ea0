/**
 * Where the HTTP mode keeps state that every instance must see: registered
 * OAuth clients, pending logins, one-time codes and token verdicts. Redis when
 * configured (shared by all instances), process memory otherwise.
 *
 * Every operation may reject when the backing store is unreachable; callers
 * decide whether that is fatal (OAuth state) or means "validate live"
 * (verdict cache).
 */
export interface KeyValueStore {
  /** `memory` or `redis`, for logs and health. */
  readonly kind: 'memory' | 'redis';
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttlSeconds` (at least 1). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Reads and deletes in one step, so a one-time value can be used once only. */
  take(key: string): Promise<string | undefined>;
  delete(key: string): Promise<void>;
  /** Stores `value` only when `key` holds nothing; whether it did (a lock, a one-time mark). */
  add(key: string, value: string, ttlSeconds: number): Promise<boolean>;
  /** Adds one to a counter that lives `ttlSeconds` from its first increment; the new count. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  /** Whether the store answers now (for `/health`); never rejects. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
