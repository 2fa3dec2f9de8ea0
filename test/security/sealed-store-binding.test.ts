/**
 * The sealed store binds each value to its key: someone who can write to the
 * shared store (Redis) cannot move a sealed pending login or client record
 * under a code key and have it accepted.
 */
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../server/auth/memory-store';
import { SealedStore } from '../../server/auth/sealed-store';

describe('sealed store key binding', () => {
  it('refuses a sealed value copied under another key', async () => {
    const inner = new MemoryStore();
    const sealed = new SealedStore(inner, 'shared-server-secret');
    await sealed.set('pending:abc', '{"tokens":"opaque"}', 60);
    const raw = (await inner.get('pending:abc')) as string;
    await inner.set('code:def', raw, 60);
    expect(await sealed.get('code:def')).toBeUndefined();
    expect(await sealed.take('code:def')).toBeUndefined();
    expect(await sealed.get('pending:abc')).toBe('{"tokens":"opaque"}');
  });

  it('never stores the value or the key in clear', async () => {
    const inner = new MemoryStore();
    await new SealedStore(inner, 'shared-server-secret').set('client:1', 'client-secret-opaque', 60);
    const raw = (await inner.get('client:1')) as string;
    expect(raw).not.toContain('client-secret-opaque');
    expect(raw.startsWith('v2.')).toBe(true);
  });

  it('still opens values sealed before the key was bound (upgrade keeps registered clients)', async () => {
    const key = Buffer.from(
      hkdfSync('sha256', 'shared-server-secret', 'eka-mcp', 'eka-mcp oauth state v1', 32),
    );
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update('{"client_id":"c1"}', 'utf8'), cipher.final()]);
    const v1 = ['v1', iv, cipher.getAuthTag(), body].map((part) =>
      typeof part === 'string' ? part : part.toString('base64url'),
    );
    const inner = new MemoryStore();
    await inner.set('client:c1', v1.join('.'), 60);
    expect(await new SealedStore(inner, 'shared-server-secret').get('client:c1')).toBe('{"client_id":"c1"}');
  });
});
