import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index';
import type { Sandbox } from '../sandbox/types';
import { isolate, launchChromium, runCli, signInWithCli } from './helpers';
import { clearService, readRawSession } from './keychain';
import { resultText, startOidcServer } from './mcp-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the server in Eka account mode uses the keychain session', () => {
  let sandbox: Sandbox;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0, accessTokenTtl: 3 });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  it('works after login and fails with "sign in again" after logout', async () => {
    const iso = isolate();
    let client: Client | undefined;
    try {
      expect((await signInWithCli(browser, sandbox, iso.env)).code).toBe(0);
      client = await startOidcServer(sandbox.apiBaseUrl, iso.env);
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

  it('five servers and the CLI share rotating refresh tokens without reuse or sign-out', async () => {
    const iso = isolate();
    const clients: Client[] = [];
    try {
      expect((await signInWithCli(browser, sandbox, iso.env)).code).toBe(0);
      const before = sandbox.oidc.stats();
      for (let i = 0; i < 5; i++) clients.push(await startOidcServer(sandbox.apiBaseUrl, iso.env));

      // Six access-token lifetimes of 3 s.
      const until = Date.now() + 18_000;
      const failures: string[] = [];
      let calls = 0;
      const serverLoop = async (client: Client) => {
        while (Date.now() < until) {
          const result = await client.callTool({ name: 'get_business_entities', arguments: {} });
          calls++;
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
      await Promise.all([...clients.map(serverLoop), cliLoop()]);

      const after = sandbox.oidc.stats();
      expect(failures).toEqual([]);
      expect(calls).toBeGreaterThan(100);
      expect(statusRuns).toBeGreaterThan(3);
      expect(after.refreshTokenReuse - before.refreshTokenReuse).toBe(0);
      expect(after.grantErrors - before.grantErrors).toBe(0);
      // The session was really refreshed several times along the way.
      expect(after.refreshes - before.refreshes).toBeGreaterThanOrEqual(4);
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
