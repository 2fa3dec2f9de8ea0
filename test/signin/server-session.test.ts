import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { isolate, runCli, signInWithCli, useSandboxAndBrowser } from './helpers';
import { clearService, readRawSession } from './keychain';
import { resultText, startOidcServer } from './mcp-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the server in Eka account mode uses the keychain session', () => {
  const shared = useSandboxAndBrowser({ accessTokenTtl: 3 });

  it('works after login and, with sign-in from tools off, fails with "sign in again" after logout', async () => {
    const iso = isolate();
    let client: Client | undefined;
    try {
      expect((await signInWithCli(shared.browser, shared.sandbox, iso.env)).code).toBe(0);
      await createFileSettingsStore(iso.home).update({ signInFromTools: false });
      client = await startOidcServer(shared.sandbox.apiBaseUrl, iso.env);
      const ok = await client.callTool({ name: 'get_business_entities', arguments: {} });
      expect(ok.isError, resultText(ok)).toBeFalsy();

      expect((await runCli(['logout'], iso.env)).code).toBe(0);
      const refused = await client.callTool({ name: 'get_business_entities', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(resultText(refused)).toContain('sign in again');
    } finally {
      await client?.close();
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('five servers and the CLI share rotating Eka refresh tokens without reuse or sign-out', async () => {
    const iso = isolate();
    const clients: Client[] = [];
    try {
      expect((await signInWithCli(shared.browser, shared.sandbox, iso.env)).code).toBe(0);
      const before = shared.sandbox.tokens.oidcStats();
      const providerBefore = shared.sandbox.oidc.stats();
      for (let i = 0; i < 5; i++) clients.push(await startOidcServer(shared.sandbox.apiBaseUrl, iso.env));

      // Six access-token lifetimes of 3 s.
      const LIFETIME_MS = 3_000;
      const start = Date.now();
      const until = start + 6 * LIFETIME_MS;
      const failures: string[] = [];
      /** For each server, the access-token lifetimes (0..5) in which it made a call. */
      const lifetimesCalled = clients.map(() => new Set<number>());
      const serverLoop = async (client: Client, index: number) => {
        while (Date.now() < until) {
          const result = await client.callTool({ name: 'get_business_entities', arguments: {} });
          lifetimesCalled[index]!.add(Math.floor((Date.now() - start) / LIFETIME_MS));
          if (result.isError) failures.push(resultText(result));
          await sleep(100);
        }
      };
      let statusRuns = 0;
      const cliLoop = async () => {
        while (Date.now() < until) {
          const status = await runCli(['status', '--json'], iso.env);
          statusRuns++;
          if (status.code !== 0) failures.push(`status exited ${status.code}: ${status.stderr}`);
          else if (!JSON.parse(status.stdout).signedIn) failures.push('status: signed out');
        }
      };
      await Promise.all([...clients.map((client, i) => serverLoop(client, i)), cliLoop()]);

      const after = shared.sandbox.tokens.oidcStats();
      expect(failures).toEqual([]);
      // Every server kept calling across the expiries (not just before the first one).
      for (const seen of lifetimesCalled) expect(seen.size).toBeGreaterThanOrEqual(4);
      expect(statusRuns).toBeGreaterThan(3);
      expect(after.refreshTokenReuse - before.refreshTokenReuse).toBe(0);
      // The session was really refreshed several times along the way, at Eka's OIDC refresh API
      // (the provider's token endpoint was not used for it).
      expect(after.refreshes - before.refreshes).toBeGreaterThanOrEqual(4);
      expect(shared.sandbox.oidc.stats().refreshes).toBe(providerBefore.refreshes);
      const session = JSON.parse((await readRawSession(iso.service)) ?? '{}');
      expect(session.state).toBe('signed-in');
      expect(session.lastError).toBeUndefined();
    } finally {
      await Promise.all(clients.map((client) => client.close()));
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});
