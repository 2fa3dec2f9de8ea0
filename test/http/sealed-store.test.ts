import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/auth/memory-store';
import { SealedStore } from '../../server/auth/sealed-store';

describe('sealed store (OAuth state encrypted at rest)', () => {
  it('round-trips values and never stores them in clear', async () => {
    const inner = new MemoryStore();
    const sealed = new SealedStore(inner, 'shared-server-secret');
    await sealed.set('client:1', '{"client_secret":"abc123secret"}', 60);
    expect(await sealed.get('client:1')).toBe('{"client_secret":"abc123secret"}');
    const raw = await inner.get('client:1');
    expect(raw).toBeDefined();
    expect(raw).not.toContain('abc123secret');
    expect(await sealed.take('client:1')).toBe('{"client_secret":"abc123secret"}');
    expect(await sealed.get('client:1')).toBeUndefined();
  });

  it('reads a tampered value, or one sealed with another secret, as absent', async () => {
    const inner = new MemoryStore();
    await new SealedStore(inner, 'secret-one').set('k', 'value', 60);
    expect(await new SealedStore(inner, 'secret-two').get('k')).toBeUndefined();
    const raw = (await inner.get('k')) as string;
    const [version, iv, tag, body] = raw.split('.') as [string, string, string, string];
    const flipped = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    await inner.set('k', [version, iv, tag, flipped].join('.'), 60);
    expect(await new SealedStore(inner, 'secret-one').get('k')).toBeUndefined();
  });
});
