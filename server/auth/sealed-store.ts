import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyValueStore } from './key-value-store';

/** Values sealed with their key as associated data: a value copied under another key does not open. */
const VERSION = 'v2';
/** Values sealed before the key was bound; still read, so logins and clients survive an upgrade. */
const UNBOUND_VERSION = 'v1';

/**
 * Encrypts values (AES-256-GCM) before they reach the backing store, with a
 * key derived from a secret every instance shares (this server's client
 * secret). Registered clients' secrets, the Eka tokens of each sign-in and
 * this server's token records are never in clear in Redis or in its snapshots. Each value is bound
 * to its key, so one moved under another key (a pending login as a code) is
 * rejected. A value that does not decrypt reads as absent.
 */
export class SealedStore implements KeyValueStore {
  readonly #inner: KeyValueStore;
  readonly #key: Buffer;

  /**
   * `purpose` separates key domains: values sealed for one purpose (OAuth
   * state) never open under another (token verdicts).
   */
  constructor(inner: KeyValueStore, secret: string, purpose = 'eka-mcp oauth state v1') {
    this.#inner = inner;
    this.#key = Buffer.from(hkdfSync('sha256', secret, 'eka-mcp', purpose, 32));
  }

  get kind(): KeyValueStore['kind'] {
    return this.#inner.kind;
  }

  async get(key: string): Promise<string | undefined> {
    return this.#open(key, await this.#inner.get(key));
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.#inner.set(key, this.#seal(key, value), ttlSeconds);
  }

  async take(key: string): Promise<string | undefined> {
    return this.#open(key, await this.#inner.take(key));
  }

  delete(key: string): Promise<void> {
    return this.#inner.delete(key);
  }

  add(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return this.#inner.add(key, this.#seal(key, value), ttlSeconds);
  }

  /** Counters are not secret: kept in clear. */
  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.#inner.increment(key, ttlSeconds);
  }

  ping(): Promise<boolean> {
    return this.#inner.ping();
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #seal(key: string, value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(key, 'utf8'));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  #open(key: string, sealed: string | undefined): string | undefined {
    if (sealed === undefined) return undefined;
    const [version, iv, tag, body] = sealed.split('.');
    if ((version !== VERSION && version !== UNBOUND_VERSION) || !iv || !tag || body === undefined) {
      return undefined;
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      if (version === VERSION) decipher.setAAD(Buffer.from(key, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      return undefined;
    }
  }
}
