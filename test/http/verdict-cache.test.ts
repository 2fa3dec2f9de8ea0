import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/auth/memory-store';
import {
  INVALID_VERDICT_TTL_SECONDS,
  VALID_VERDICT_TTL_SECONDS,
  VerdictCache,
  verdictKey,
} from '../../server/auth/verdict-cache';
import { silentLogger } from './test-logger';

function setup(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  const clock = () => now;
  const store = new MemoryStore({ clock });
  const cache = new VerdictCache({ store, secret: 'server-secret', clock, logger: silentLogger() });
  return {
    cache,
    store,
    advance: (seconds: number) => {
      now += seconds * 1000;
    },
    nowSeconds: () => now / 1000,
  };
}

describe('verdict cache lifetimes', () => {
  it('keeps a valid verdict for 5 minutes, then forgets it', async () => {
    const { cache, advance } = setup();
    await cache.put('tok-a', { active: true, sub: 'u1' });
    advance(VALID_VERDICT_TTL_SECONDS - 1);
    expect(await cache.get('tok-a')).toEqual({ active: true, sub: 'u1' });
    advance(2);
    expect(await cache.get('tok-a')).toBeUndefined();
  });

  it('keeps an invalid verdict for 30 seconds only', async () => {
    const { cache, advance } = setup();
    await cache.put('tok-b', { active: false });
    advance(INVALID_VERDICT_TTL_SECONDS - 1);
    expect(await cache.get('tok-b')).toEqual({ active: false });
    advance(2);
    expect(await cache.get('tok-b')).toBeUndefined();
  });

  it('never trusts a valid verdict past the token expiry', async () => {
    const { cache, advance, nowSeconds } = setup();
    const exp = Math.floor(nowSeconds()) + 60;
    await cache.put('tok-c', { active: true, exp });
    expect(cache.ttlSeconds({ active: true, exp })).toBeLessThanOrEqual(60);
    advance(59);
    expect(await cache.get('tok-c')).toMatchObject({ active: true });
    advance(2);
    expect(await cache.get('tok-c')).toBeUndefined();
  });

  it('keys entries by an HMAC of the token under the server secret, never the token', async () => {
    const key = verdictKey('secret-token-value', 'server-secret');
    expect(key).toBe(
      `verdict:${createHmac('sha256', 'server-secret').update('secret-token-value').digest('hex')}`,
    );
    expect(key).not.toContain('secret-token-value');
    expect(verdictKey('secret-token-valuf', 'server-secret')).not.toBe(key);
    expect(verdictKey('secret-token-value', 'other-secret')).not.toBe(key);
  });

  it('treats an unreachable store as a miss and logs it once', async () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger(), warn: (message: string) => warnings.push(message) };
    const broken = new MemoryStore();
    broken.get = async () => {
      throw new Error('connection refused');
    };
    broken.set = async () => {
      throw new Error('connection refused');
    };
    const cache = new VerdictCache({ store: broken, secret: 'server-secret', logger });
    await cache.put('tok-d', { active: true });
    expect(await cache.get('tok-d')).toBeUndefined();
    expect(await cache.get('tok-d')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/validating tokens live/);
  });

  it('answers a verdict the store holds from memory, for its lifetime in the store only', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = () => now;
    const store = new MemoryStore({ clock });
    let reads = 0;
    const get = store.get.bind(store);
    store.get = async (key: string) => {
      reads += 1;
      return get(key);
    };
    const writer = new VerdictCache({ store, secret: 'server-secret', clock, logger: silentLogger() });
    const reader = new VerdictCache({ store, secret: 'server-secret', clock, logger: silentLogger() });
    await writer.put('tok-m', { active: true, sub: 'u9' });
    // Another instance reads it from the store once, then from memory.
    expect(await reader.get('tok-m')).toEqual({ active: true, sub: 'u9' });
    expect(await reader.get('tok-m')).toEqual({ active: true, sub: 'u9' });
    expect(await writer.get('tok-m')).toEqual({ active: true, sub: 'u9' });
    expect(reads).toBe(1);
    now += (VALID_VERDICT_TTL_SECONDS + 1) * 1000;
    expect(await reader.get('tok-m')).toBeUndefined();
    expect(await writer.get('tok-m')).toBeUndefined();
    expect(reads).toBe(3);
  });
});
