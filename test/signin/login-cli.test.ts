import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { describe, expect, it } from 'vitest';
import { tokenFingerprint } from '../sandbox/index';
import { signInOnSandbox } from '../support/sandbox-login';
import {
  filesUnder,
  isListening,
  isolate,
  runCli,
  signInWithCli,
  startCliLogin,
  useSandboxAndBrowser,
} from './helpers';
import { clearService, readRawSession } from './keychain';
import { resultText, startOidcServer } from './mcp-client';

describe('eka-mcp login with the system browser', () => {
  const shared = useSandboxAndBrowser();

  it('signs in, shows the clinician, keeps tokens only in the keychain, and signs out', async () => {
    const iso = isolate();
    try {
      const login = startCliLogin(
        ['--env', 'sandbox', '--issuer', shared.sandbox.issuer, '--api-base-url', shared.sandbox.apiBaseUrl],
        iso.env,
      );
      const url = new URL(await login.url);
      expect(url.origin).toBe(new URL(shared.sandbox.issuer).origin);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('prompt')).toBe('consent');
      // Identity only: the Eka API tokens come from Eka's OIDC token API, renewed there, so no
      // provider refresh token (offline_access) is asked for.
      expect(url.searchParams.get('scope')).toBe('openid profile email');
      expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

      shared.sandbox.requests.clear();
      const page = await shared.browser.newPage();
      await signInOnSandbox(page, url.href, shared.sandbox.clinician);
      await expect.poll(() => page.textContent('h1'), { timeout: 20_000 }).toBe('Signed in to Eka MCP');
      await page.close();

      const result = await login.done;
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(shared.sandbox.clinician.name);

      const status = await runCli(['status', '--json'], iso.env);
      expect(status.code).toBe(0);
      const parsed = JSON.parse(status.stdout);
      expect(parsed).toMatchObject({
        mode: 'oidc',
        environment: 'sandbox',
        issuer: shared.sandbox.issuer,
        apiBaseUrl: shared.sandbox.apiBaseUrl,
        tokenUse: 'exchange',
        signedIn: true,
        name: shared.sandbox.clinician.name,
        email: shared.sandbox.clinician.email,
        lastError: null,
      });
      expect(Date.parse(parsed.tokenExpiresAt)).toBeGreaterThan(Date.now());

      const raw = await readRawSession(iso.service);
      expect(raw).not.toBeNull();
      const session = JSON.parse(raw ?? '{}');
      expect(session.state).toBe('signed-in');
      const token = expect.stringMatching(/^[\w.~+/=-]{16,}$/);
      expect(session).toMatchObject({
        tokenUse: 'exchange',
        accessToken: token,
        refreshToken: token,
        idToken: token,
        apiBaseUrl: shared.sandbox.apiBaseUrl,
      });
      // The stored pair came from Eka's OIDC token API: the exchange is in the request log,
      // and the access token is one the API issued for the ID token's subject.
      const verify = shared.sandbox.requests
        .list()
        .filter(
          (e) => e.path === `/connect-auth/v1/oidc-client/${shared.sandbox.clients.desktop.client_id}/verify`,
        );
      expect(verify).toEqual([expect.objectContaining({ method: 'POST', status: 200 })]);
      const claims = JSON.parse(Buffer.from(session.accessToken.split('.')[1], 'base64url').toString());
      expect(claims).toMatchObject({ iss: shared.sandbox.apiBaseUrl, token_use: 'eka-oidc' });
      expect(shared.sandbox.tokens.oidcStats().verifies).toBeGreaterThanOrEqual(1);

      // A tool call afterwards carries exactly that token.
      let client: Client | undefined;
      try {
        client = await startOidcServer(shared.sandbox.apiBaseUrl, iso.env);
        shared.sandbox.requests.clear();
        const ok = await client.callTool({ name: 'get_business_entities', arguments: {} });
        expect(ok.isError, resultText(ok)).toBeFalsy();
      } finally {
        await client?.close();
      }
      const calls = shared.sandbox.requests.list().filter((e) => e.path === '/dr/v1/business/entities');
      expect(calls).toEqual([
        expect.objectContaining({
          status: 200,
          tokenKind: 'eka-oidc',
          tokenFingerprint: tokenFingerprint(session.accessToken),
          // The client-id header from the session.
          clientId: shared.sandbox.clients.desktop.client_id,
        }),
      ]);

      const files = filesUnder(iso.home);
      expect(files.map((f) => f.path.slice(iso.home.length))).toContain('/settings.json');
      for (const file of files) {
        for (const token of [session.accessToken, session.refreshToken, session.idToken]) {
          expect(file.content.includes(token), `${file.path} holds a token`).toBe(false);
        }
      }
      for (const output of [result.stdout, status.stdout]) {
        expect(output.includes(session.accessToken) || output.includes(session.refreshToken)).toBe(false);
      }

      const logout = await runCli(['logout'], iso.env);
      expect(logout.code).toBe(0);
      expect(logout.stdout).toContain('Signed out on this computer');
      expect(await readRawSession(iso.service)).toBeNull();
      const after = JSON.parse((await runCli(['status', '--json'], iso.env)).stdout);
      expect(after.signedIn).toBe(false);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('refuses a bad flag with one line on stderr and stores nothing', async () => {
    const iso = isolate();
    try {
      const result = await runCli(['login', '--env', 'moon'], iso.env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain('--env must be production, development or sandbox');
      expect(filesUnder(iso.home)).toEqual([]);
    } finally {
      iso.cleanup();
    }
  });

  it('stops on Ctrl-C: exit 130, one line, the port closed and nothing stored', async () => {
    const iso = isolate();
    try {
      const login = startCliLogin(
        ['--env', 'sandbox', '--issuer', shared.sandbox.issuer, '--api-base-url', shared.sandbox.apiBaseUrl],
        iso.env,
      );
      const redirectUri = new URL(await login.url).searchParams.get('redirect_uri') ?? '';
      expect(await isListening(new URL('/', redirectUri).href)).toBe(true);
      login.child.kill('SIGINT');
      const result = await login.done;
      expect(result.code).toBe(130);
      expect(result.stderr).toBe('eka-mcp: Sign-in cancelled\n');
      expect(await isListening(redirectUri)).toBe(false);
      expect(await readRawSession(iso.service)).toBeNull();
      expect(filesUnder(iso.home).filter((f) => f.path.endsWith('settings.json'))).toEqual([]);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});

describe('eka-mcp login --token-use direct (a provider whose tokens the API takes as they are)', () => {
  const shared = useSandboxAndBrowser({ acceptProviderTokens: true });

  it("keeps the provider's tokens, sends them to the API as they are, and revokes at sign-out", async () => {
    const iso = isolate();
    let client: Client | undefined;
    try {
      shared.sandbox.requests.clear();
      const before = shared.sandbox.tokens.oidcStats();
      const result = await signInWithCli(shared.browser, shared.sandbox, iso.env, ['--token-use', 'direct']);
      expect(result.code, result.stderr).toBe(0);
      const settings = JSON.parse(
        filesUnder(iso.home).find((f) => f.path.endsWith('settings.json'))?.content ?? '{}',
      );
      expect(settings.tokenUse).toBe('direct');
      const session = JSON.parse((await readRawSession(iso.service)) ?? '{}');
      expect(session).toMatchObject({
        state: 'signed-in',
        tokenUse: 'direct',
        refreshToken: expect.any(String),
      });
      // No exchange happened.
      expect(shared.sandbox.tokens.oidcStats().verifies).toBe(before.verifies);
      expect(shared.sandbox.requests.list().some((e) => e.path.includes('/oidc-client/'))).toBe(false);

      client = await startOidcServer(shared.sandbox.apiBaseUrl, iso.env);
      const ok = await client.callTool({ name: 'get_business_entities', arguments: {} });
      expect(ok.isError, resultText(ok)).toBeFalsy();
      const calls = shared.sandbox.requests.list().filter((e) => e.path === '/dr/v1/business/entities');
      expect(calls.at(-1)).toMatchObject({
        status: 200,
        tokenKind: 'provider',
        tokenFingerprint: tokenFingerprint(session.accessToken),
      });

      const logout = await runCli(['logout'], iso.env);
      expect(logout.stdout).toContain('revoked');
    } finally {
      await client?.close();
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});
