import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isLoginActive, type LoginOptions } from '../../app/core/login';
import { LoginError } from '../../app/core/login-error';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { readSessionRecord } from '../../server/desktop/session';
import type { Sandbox } from '../sandbox/types';
import { startCoreLogin } from '../support/core-login';
import { freePort, listenOnLoopback } from '../support/ports';
import { signInOnSandbox } from '../support/sandbox-login';
import { isListening, isolate, useSandboxAndBrowser } from './helpers';
import { clearService } from './keychain';

/** Starts a core login whose "browser" is the test; resolves the authorization URL. */
function startLogin(sandbox: Sandbox, extra: Partial<LoginOptions> = {}) {
  const iso = isolate();
  const store = createKeytarSecretStore(iso.service);
  const { authorizationUrl, outcome } = startCoreLogin({
    issuer: sandbox.issuer,
    clientId: sandbox.clients.desktop.client_id,
    apiBaseUrl: sandbox.apiBaseUrl,
    secretStore: store,
    lockDir: iso.home,
    ...extra,
  });
  return {
    iso,
    store,
    authorizationUrl,
    outcome,
    async redirectUri() {
      return (await authorizationUrl).searchParams.get('redirect_uri') ?? '';
    },
    async cleanup() {
      await clearService(iso.service);
      iso.cleanup();
    },
  };
}

async function expectLoginError(outcome: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const error = await outcome.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoginError);
  expect((error as LoginError).code).toBe(code);
  expect((error as LoginError).message).toMatch(message);
}

describe('sign-in refuses attacks and survives faults', () => {
  const shared = useSandboxAndBrowser();

  it('answers a redirect with a tampered state with an error page and goes on waiting for the real one', async () => {
    const run = startLogin(shared.sandbox);
    try {
      const url = await run.authorizationUrl;
      const reply = new URL(await run.redirectUri());
      reply.searchParams.set('code', 'forged-code');
      reply.searchParams.set('state', `${url.searchParams.get('state')}x`);
      reply.searchParams.set('iss', shared.sandbox.issuer);
      const page = await fetch(reply);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('state check failed');
      expect(await readSessionRecord(run.store)).toBeNull();
      // The sign-in still waits: the clinician's browser completes it.
      const tab = await shared.browser.newPage();
      await signInOnSandbox(tab, url.href, shared.sandbox.clinician);
      const result = await run.outcome;
      await tab.close();
      expect(result.name).toBe(shared.sandbox.clinician.name);
      expect((await readSessionRecord(run.store))?.state).toBe('signed-in');
    } finally {
      await run.cleanup();
    }
  });

  it('answers a redirect from the wrong issuer (RFC 9207) with an error page and goes on waiting', async () => {
    const run = startLogin(shared.sandbox);
    try {
      const url = await run.authorizationUrl;
      const reply = new URL(await run.redirectUri());
      reply.searchParams.set('code', 'some-code');
      reply.searchParams.set('state', url.searchParams.get('state') ?? '');
      reply.searchParams.set('iss', 'https://attacker.example');
      const page = await fetch(reply);
      expect(page.status).toBe(400);
      expect(await page.text()).toContain('different issuer');
      const tab = await shared.browser.newPage();
      await signInOnSandbox(tab, url.href, shared.sandbox.clinician);
      await run.outcome;
      await tab.close();
      expect((await readSessionRecord(run.store))?.state).toBe('signed-in');
    } finally {
      await run.cleanup();
    }
  });

  it('reports access_denied when the clinician cancels on the consent page', async () => {
    const run = startLogin(shared.sandbox);
    try {
      const url = await run.authorizationUrl;
      const page = await shared.browser.newPage();
      await signInOnSandbox(page, url.href, shared.sandbox.clinician, 'Cancel');
      await expect.poll(() => page.textContent('h1'), { timeout: 20_000 }).toBe('Sign-in did not complete');
      expect(await page.textContent('main')).toContain('Access was not allowed');
      await page.close();
      await expectLoginError(run.outcome, 'access-denied', /not allowed/);
      expect(await readSessionRecord(run.store)).toBeNull();
      expect(await isListening(await run.redirectUri())).toBe(false);
    } finally {
      await run.cleanup();
    }
  });

  it('stores nothing when Eka refuses or cannot answer the ID token exchange', async () => {
    const verifyPath = `/connect-auth/v1/oidc-client/${shared.sandbox.clients.desktop.client_id}/verify`;
    const cases = [
      { status: 401 as const, code: 'eka-token-refused', message: /Eka did not accept this sign-in \(401/ },
      { status: 503 as const, code: 'eka-unreachable', message: /could not issue tokens right now \(503\)/ },
    ];
    for (const { status, code, message } of cases) {
      shared.sandbox.faults.add({
        method: 'POST',
        path: verifyPath,
        fault: { kind: 'status', status },
        times: 1,
      });
      const run = startLogin(shared.sandbox);
      try {
        const url = await run.authorizationUrl;
        const page = await shared.browser.newPage();
        await signInOnSandbox(page, url.href, shared.sandbox.clinician);
        await expect.poll(() => page.textContent('h1'), { timeout: 20_000 }).toBe('Sign-in did not complete');
        await page.close();
        await expectLoginError(run.outcome, code, message);
        expect(await readSessionRecord(run.store)).toBeNull();
        expect(await isListening(await run.redirectUri())).toBe(false);
      } finally {
        shared.sandbox.faults.clear();
        await run.cleanup();
      }
    }
  });

  it('uses the first redirect and ignores a second one', async () => {
    const run = startLogin(shared.sandbox);
    try {
      const url = await run.authorizationUrl;
      const redirectUri = await run.redirectUri();
      const page = await shared.browser.newPage();
      // The browser delivers the redirect; the test sends the same redirect again the moment the
      // browser issues it, while the listener is still exchanging the first one's code.
      let second!: Promise<Response>;
      page.on('request', (request) => {
        if (request.url().startsWith(redirectUri)) second = fetch(request.url());
      });
      const browserReply = page.waitForResponse((response) => response.url().startsWith(redirectUri));
      await signInOnSandbox(page, url.href, shared.sandbox.clinician);
      const first = await browserReply;
      const again = await second;
      const statuses = [first.status(), again.status].sort();
      expect(statuses).toEqual([200, 409]);
      const ignoredText = again.status === 409 ? await again.text() : await first.text();
      expect(ignoredText).toContain('already finished');
      await page.close();
      const result = await run.outcome;
      expect(result.name).toBe(shared.sandbox.clinician.name);
      expect(result.email).toBe(shared.sandbox.clinician.email);
      const record = await readSessionRecord(run.store);
      expect(record?.state).toBe('signed-in');
      expect(shared.sandbox.oidc.stats().grantErrors).toBe(0);
      expect(await isListening(redirectUri)).toBe(false);
    } finally {
      await run.cleanup();
    }
  });

  it('stops after the timeout, answers "cancelled" on the port for a while, then closes it', async () => {
    const run = startLogin(shared.sandbox, { timeoutMs: 1500, cancelledPageMs: 1500 });
    try {
      const redirectUri = await run.redirectUri();
      await expectLoginError(run.outcome, 'timeout', /No sign-in reply from the browser within 2 s/);
      expect(await readSessionRecord(run.store)).toBeNull();
      expect(isLoginActive()).toBe(false);
      const late = await fetch(`${redirectUri}?code=late&state=late`);
      expect(late.status).toBe(410);
      expect(await late.text()).toContain('This sign-in was cancelled in Eka MCP');
      await expect.poll(() => isListening(redirectUri), { timeout: 10_000 }).toBe(false);
    } finally {
      await run.cleanup();
    }
  });

  it('refuses a second sign-in while one is waiting, and cancels on abort', async () => {
    const controller = new AbortController();
    const run = startLogin(shared.sandbox, { signal: controller.signal, cancelledPageMs: 1500 });
    const second = startLogin(shared.sandbox);
    try {
      const redirectUri = await run.redirectUri();
      await expectLoginError(second.outcome, 'login-in-progress', /already waiting/);
      controller.abort();
      await expectLoginError(run.outcome, 'cancelled', /cancelled/);
      // A browser tab that arrives late is told so, instead of a connection error.
      const late = await fetch(redirectUri);
      expect(late.status).toBe(410);
      expect(await late.text()).toContain('This sign-in was cancelled in Eka MCP');
      await expect.poll(() => isListening(redirectUri), { timeout: 10_000 }).toBe(false);
      expect(await readSessionRecord(run.store)).toBeNull();
    } finally {
      await run.cleanup();
      await second.cleanup();
    }
  });

  it('reports a port already in use', async () => {
    const blocker: Server = createServer();
    const port = await listenOnLoopback(blocker);
    const run = startLogin(shared.sandbox, { port });
    try {
      await expectLoginError(
        run.outcome,
        'port-in-use',
        new RegExp(`Port ${port} on 127.0.0.1 is already in use`),
      );
      expect(await readSessionRecord(run.store)).toBeNull();
      expect(isLoginActive()).toBe(false);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await run.cleanup();
    }
  });

  it('reports a provider that is down, without opening a port or the browser', async () => {
    const port = await freePort();
    let opened = false;
    const run = startLogin(shared.sandbox, {
      issuer: `http://127.0.0.1:${port}`,
      openExternal: () => {
        opened = true;
      },
    });
    try {
      await expectLoginError(run.outcome, 'provider-unreachable', /Could not reach the Eka sign-in service/);
      expect(opened).toBe(false);
      expect(await readSessionRecord(run.store)).toBeNull();
    } finally {
      await run.cleanup();
    }
  });

  it('says an issuer URL that answers but is no OpenID provider is wrong, not unreachable', async () => {
    let opened = false;
    // The Eka API answers HTTP, but has no OpenID configuration.
    const run = startLogin(shared.sandbox, {
      issuer: `${shared.sandbox.apiBaseUrl}/accounts`,
      openExternal: () => {
        opened = true;
      },
    });
    try {
      await expectLoginError(
        run.outcome,
        'provider-invalid',
        new RegExp(
          `${shared.sandbox.apiBaseUrl}/accounts is not an Eka sign-in service.*check the issuer URL`,
        ),
      );
      expect(opened).toBe(false);
      expect(await readSessionRecord(run.store)).toBeNull();
    } finally {
      await run.cleanup();
    }
  });

  it('refuses a plain-http issuer that is not on this machine', async () => {
    const run = startLogin(shared.sandbox, { issuer: 'http://accounts.example.com' });
    try {
      await expectLoginError(run.outcome, 'invalid-issuer', /must use https/);
    } finally {
      await run.cleanup();
    }
  });
});
