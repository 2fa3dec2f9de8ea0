import { describe, expect, it } from 'vitest';
import { filesUnder, isolate, runCli } from './helpers';

describe('without a keychain', () => {
  it('the CLI refuses to sign in or read the session, with one clear line and no file fallback', async () => {
    const iso = isolate();
    try {
      const env = { ...iso.env };
      delete env.DBUS_SESSION_BUS_ADDRESS;
      env.DISPLAY = '';
      for (const args of [['status'], ['login', '--env', 'sandbox', '--no-browser', '--timeout', '5']]) {
        const result = await runCli(args, env);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stdout).toBe('');
        const lines = result.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(/^eka-mcp: No usable keychain/);
      }
      expect(filesUnder(iso.home)).toEqual([]);
    } finally {
      iso.cleanup();
    }
  });
});
