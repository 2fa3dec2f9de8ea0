import { describe, expect, it } from 'vitest';
import { signInOnSandbox } from '../support/sandbox-login';
import { filesUnder, isListening, isolate, runCli, startCliLogin, useSandboxAndBrowser } from './helpers';
import { clearService, readRawSession } from './keychain';

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
      expect(url.searchParams.get('scope')?.split(' ')).toEqual(
        expect.arrayContaining(['openid', 'profile', 'email', 'offline_access']),
      );
      expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

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
      expect(session).toMatchObject({ accessToken: token, refreshToken: token, idToken: token });

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
      expect(logout.stdout).toContain('revoked');
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
