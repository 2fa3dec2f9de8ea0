import { createClient } from 'redis';
import type { AuthLogger } from './auth-logger';
import type { KeyValueStore } from './key-value-store';

/** How long one Redis command may take before it counts as "Redis down". */
const COMMAND_TIMEOUT_MS = 1_000;
const KEY_PREFIX = 'eka-mcp:';

/**
 * A `KeyValueStore` on Redis, shared by every server instance. Commands fail
 * fast while Redis is unreachable (no offline queue, a command timeout) and
 * the client reconnects in the background.
 */
export class RedisStore implements KeyValueStore {
  readonly kind = 'redis';
  readonly #client;
  readonly #commands;
  readonly #logger: AuthLogger;
  #reachable = true;

  constructor(url: string, logger: AuthLogger) {
    this.#logger = logger;
    this.#client = createClient({
      url,
      disableOfflineQueue: true,
      socket: {
        connectTimeout: 2_000,
        reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000),
      },
    });
    this.#commands = this.#client.withCommandOptions({ timeout: COMMAND_TIMEOUT_MS });
    this.#client.on('error', (error: unknown) => this.#markDown(error));
    this.#client.on('ready', () => {
      if (!this.#reachable) this.#logger.info('redis reachable again');
      this.#reachable = true;
    });
  }

  /** Opens the connection; resolves even when Redis is down (it keeps retrying). */
  async connect(): Promise<void> {
    const connecting = this.#client.connect().catch((error: unknown) => this.#markDown(error));
    await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  }

  async get(key: string): Promise<string | undefined> {
    const value = await this.#commands.get(KEY_PREFIX + key);
    return value ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#commands.set(KEY_PREFIX + key, value, {
      expiration: { type: 'EX', value: Math.max(1, Math.ceil(ttlSeconds)) },
    });
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.#commands.getDel(KEY_PREFIX + key);
    return value ?? undefined;
  }

  async delete(key: string): Promise<void> {
    await this.#commands.del(KEY_PREFIX + key);
  }

  async add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const reply = await this.#commands.set(KEY_PREFIX + key, value, {
      expiration: { type: 'EX', value: Math.max(1, Math.ceil(ttlSeconds)) },
      condition: 'NX',
    });
    return reply === 'OK';
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const count = await this.#commands.incr(KEY_PREFIX + key);
    if (count === 1) await this.#commands.expire(KEY_PREFIX + key, Math.max(1, Math.ceil(ttlSeconds)));
    return count;
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.#commands.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#client.isOpen) this.#client.destroy();
  }

  #markDown(error: unknown): void {
    if (this.#reachable) {
      this.#logger.warn('redis unreachable; retrying in the background', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.#reachable = false;
  }
}
