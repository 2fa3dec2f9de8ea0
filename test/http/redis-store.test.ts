import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStore } from '../../server/auth/redis-store';
import { VerdictCache, verdictKey } from '../../server/auth/verdict-cache';
import { startTestRedis, type TestRedis } from './redis-server';
import { recordingLogger } from './test-logger';

describe('Redis-backed store and verdict cache (real redis-server)', () => {
  let redis: TestRedis;
  let inspector: ReturnType<typeof createClient>;

  beforeAll(async () => {
    redis = await startTestRedis();
    inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
  });

  afterAll(async () => {
    if (inspector.isOpen) inspector.destroy();
    await redis?.stop();
  });

  it('sets expiries on verdict keys: about 300 s valid, 30 s invalid, hashed names', async () => {
    const logger = recordingLogger();
    const store = new RedisStore(redis.url, logger);
    await store.connect();
    const cache = new VerdictCache({ store, secret: 'server-secret', logger });
    await cache.put('valid-token-1', { active: true, sub: 'u1' });
    await cache.put('invalid-token-1', { active: false });

    const validKey = `eka-mcp:${verdictKey('valid-token-1', 'server-secret')}`;
    const invalidKey = `eka-mcp:${verdictKey('invalid-token-1', 'server-secret')}`;
    const validTtl = await inspector.ttl(validKey);
    const invalidTtl = await inspector.ttl(invalidKey);
    expect(validTtl).toBeGreaterThan(290);
    expect(validTtl).toBeLessThanOrEqual(300);
    expect(invalidTtl).toBeGreaterThan(20);
    expect(invalidTtl).toBeLessThanOrEqual(30);

    const keys = await inspector.keys('eka-mcp:*');
    expect(keys.some((key) => key.includes('valid-token-1'))).toBe(false);
    expect(await cache.get('valid-token-1')).toEqual({ active: true, sub: 'u1' });
    await store.close();
  });

  it('does not believe a verdict planted in Redis, under the old or the real key', async () => {
    const logger = recordingLogger();
    const store = new RedisStore(redis.url, logger);
    await store.connect();
    const cache = new VerdictCache({ store, secret: 'server-secret', logger });
    const planted = JSON.stringify({ active: true, sub: 'intruder', until: Date.now() + 3_600_000 });
    const sha = createHash('sha256').update('made-up-token').digest('hex');
    await inspector.set(`eka-mcp:verdict:${sha}`, planted, { EX: 600 });
    await inspector.set(`eka-mcp:${verdictKey('made-up-token', 'server-secret')}`, planted, { EX: 600 });
    expect(await cache.get('made-up-token')).toBeUndefined();
    // A sealed value copied from another token's key does not open either.
    await cache.put('real-token', { active: true, sub: 'u2' });
    const sealed = (await inspector.get(`eka-mcp:${verdictKey('real-token', 'server-secret')}`)) as string;
    await inspector.set(`eka-mcp:${verdictKey('made-up-token', 'server-secret')}`, sealed, { EX: 600 });
    expect(await cache.get('made-up-token')).toBeUndefined();
    expect(await cache.get('real-token')).toEqual({ active: true, sub: 'u2' });
    await store.close();
  });

  it('take() hands out a value once', async () => {
    const store = new RedisStore(redis.url, recordingLogger());
    await store.connect();
    await store.set('code:abc', 'payload', 60);
    expect(await store.take('code:abc')).toBe('payload');
    expect(await store.take('code:abc')).toBeUndefined();
    await store.close();
  });

  it('fails fast while Redis is down and recovers when it is back', async () => {
    const logger = recordingLogger();
    const store = new RedisStore(redis.url, logger);
    await store.connect();
    await store.set('k', 'v', 60);
    await redis.stop();
    await expect(store.get('k')).rejects.toThrow();
    expect(logger.lines.some((line) => line.includes('redis unreachable'))).toBe(true);
    await redis.start();
    // The client reconnects in the background.
    let value: string | undefined;
    for (let attempt = 0; attempt < 150 && value === undefined; attempt++) {
      value = await store.set('k2', 'v2', 60).then(
        () => store.get('k2'),
        () => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200)),
      );
    }
    expect(value).toBe('v2');
    await store.close();
    if (!inspector.isOpen) await inspector.connect();
  });
});
