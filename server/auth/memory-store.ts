import { type Clock, systemClock } from './clock';
import type { KeyValueStore } from './key-value-store';

interface Entry {
  value: string;
  expiresAt: number;
}

/** The most entries kept; the oldest are dropped first beyond it. */
const DEFAULT_MAX_ENTRIES = 100_000;

/** A process-memory `KeyValueStore` with expiry on an injectable clock (one instance only). */
export class MemoryStore implements KeyValueStore {
  readonly kind = 'memory';
  readonly #entries = new Map<string, Entry>();
  readonly #clock: Clock;
  readonly #maxEntries: number;

  constructor(options: { clock?: Clock; maxEntries?: number } = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#clock()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#clock() + Math.max(1, ttlSeconds) * 1000 });
    if (this.#entries.size > this.#maxEntries) this.#evict();
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.get(key);
    this.#entries.delete(key);
    return value;
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    if ((await this.get(key)) !== undefined) return false;
    await this.set(key, value, ttlSeconds);
    return true;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const entry = (await this.get(key)) === undefined ? undefined : this.#entries.get(key);
    const count = entry ? Number(entry.value) + 1 : 1;
    if (entry) entry.value = String(count);
    else await this.set(key, String(count), ttlSeconds);
    return count;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }

  /** Drops expired entries, then the oldest until within bounds. */
  #evict(): void {
    const now = this.#clock();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#entries.delete(key);
    }
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(key);
    }
  }
}
