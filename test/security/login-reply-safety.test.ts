/**
 * The desktop sign-in's loopback listener against a hostile or broken
 * provider: the provider's error_description is repeated escaped, redacted
 * and short (never a script, an email or a mobile on the page or in the
 * error), and an authorization address that is not https is never opened.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../app/core/login';
import { LoginError } from '../../app/core/login-error';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { readSessionRecord } from '../../server/desktop/session';
import { startSandbox } from '../sandbox/index';
import type { Sandbox } from '../sandbox/types';
import { startCoreLogin } from '../support/core-login';

let sandbox: Sandbox;
const lockDir = mkdtempSync(join(tmpdir(), 'eka-login-safety-'));

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(lockDir, { recursive: true, force: true });
});

async function failure(outcome: Promise<unknown>): Promise<LoginError> {
  const error = await outcome.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoginError);
  return error as LoginError;
}

async function isListening(url: string): Promise<boolean> {
  return fetch(url).then(
    () => true,
    () => false,
  );
}

describe('sign-in reply safety', () => {
  it('repeats the provider error_description escaped, redacted and short on the page and in the error', async () => {
    const store = createKeytarSecretStore(`Eka MCP Security ${randomUUID()}`);
    const { authorizationUrl, outcome } = startCoreLogin({
      issuer: sandbox.issuer,
      clientId: sandbox.clients.desktop.client_id,
      apiBaseUrl: sandbox.apiBaseUrl,
      secretStore: store,
      lockDir,
    });
    const url = await authorizationUrl;
    const reply = new URL(url.searchParams.get('redirect_uri') ?? '');
    reply.searchParams.set('state', url.searchParams.get('state') ?? '');
    reply.searchParams.set('iss', sandbox.issuer);
    reply.searchParams.set('error', 'temporarily_unavailable');
    reply.searchParams.set(
      'error_description',
      `<script>alert(1)</script> account ravi.kumar@patients.example\r\nmobile 9845012345 ${'x'.repeat(5000)}`,
    );
    const page = await fetch(reply);
    const html = await page.text();
    expect(page.status).toBe(400);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('ravi.kumar@patients.example');
    expect(html).not.toContain('9845012345');
    expect(html).not.toContain('x'.repeat(1000));

    const error = await failure(outcome);
    expect(error.code).toBe('provider-error');
    expect(error.message).toContain('temporarily_unavailable');
    expect(error.message).not.toContain('ravi.kumar@patients.example');
    expect(error.message).not.toContain('9845012345');
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeLessThan(600);
    expect(await readSessionRecord(store)).toBeNull();
    expect(await isListening(reply.href)).toBe(false);
  });

  describe.each([
    ['a file: address', 'file:///etc/passwd'],
    ['plain http on another host', 'http://attacker.example/authorize'],
    ['an address with a password', 'https://user:pass@auth.example/authorize'],
  ])('a provider whose authorization address is %s', (_label, authorizationEndpoint) => {
    let provider: Server;
    let issuer = '';
    beforeAll(async () => {
      provider = createServer((req, res) => {
        if (req.url === '/.well-known/openid-configuration') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              issuer,
              authorization_endpoint: authorizationEndpoint,
              token_endpoint: `${issuer}/token`,
              jwks_uri: `${issuer}/jwks`,
              response_types_supported: ['code'],
              code_challenge_methods_supported: ['S256'],
            }),
          );
          return;
        }
        res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
      issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => provider.close(() => resolve()));
    });

    it('is never opened: the sign-in is refused and the port closes', async () => {
      const opened: string[] = [];
      let redirectUri = '';
      const error = await failure(
        login({
          issuer,
          clientId: 'eka-mcp-desktop',
          apiBaseUrl: issuer,
          secretStore: createKeytarSecretStore(`Eka MCP Security ${randomUUID()}`),
          lockDir,
          openExternal: (url) => {
            opened.push(url);
          },
          onListening: (uri) => {
            redirectUri = uri;
          },
          timeoutMs: 30_000,
        }),
      );
      expect(error.code).toBe('provider-error');
      expect(error.message).toMatch(/not https/);
      expect(opened).toEqual([]);
      expect(redirectUri).not.toBe('');
      expect(await isListening(redirectUri)).toBe(false);
    });
  });
});

describe('sign-in listener and other host names', () => {
  it('ignores a request under another Host (DNS rebinding) and still takes the real reply', async () => {
    const { request } = await import('node:http');
    const store = createKeytarSecretStore(`Eka MCP Security ${randomUUID()}`);
    const { authorizationUrl, outcome } = startCoreLogin({
      issuer: sandbox.issuer,
      clientId: sandbox.clients.desktop.client_id,
      apiBaseUrl: sandbox.apiBaseUrl,
      secretStore: store,
      lockDir,
    });
    const url = await authorizationUrl;
    const reply = new URL(url.searchParams.get('redirect_uri') ?? '');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: reply.port,
          path: `${reply.pathname}?state=forged&code=forged`,
          headers: { host: `attacker.example:${reply.port}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(404);
    reply.searchParams.set('state', url.searchParams.get('state') ?? '');
    reply.searchParams.set('iss', sandbox.issuer);
    reply.searchParams.set('error', 'access_denied');
    await (await fetch(reply)).text();
    const error = await failure(outcome);
    expect(error.code).toBe('access-denied');
  });
});

describe('a bogus reply from another local process', () => {
  it('does not end the sign-in: the real browser then completes it', async () => {
    const { execFile } = await import('node:child_process');
    const { launchChromium } = await import('../support/chromium');
    const { signInOnSandbox } = await import('../support/sandbox-login');
    const store = createKeytarSecretStore(`Eka MCP Security ${randomUUID()}`);
    const { authorizationUrl, outcome } = startCoreLogin({
      issuer: sandbox.issuer,
      clientId: sandbox.clients.desktop.client_id,
      apiBaseUrl: sandbox.apiBaseUrl,
      secretStore: store,
      lockDir,
    });
    const url = await authorizationUrl;
    const reply = new URL(url.searchParams.get('redirect_uri') ?? '');
    reply.searchParams.set('code', 'forged-code');
    reply.searchParams.set('state', 'guessed-state');
    reply.searchParams.set('iss', sandbox.issuer);
    // Another process on this machine sends one forged reply, as a local attacker would.
    const script = `fetch(${JSON.stringify(reply.href)}).then(async (r) => { process.stdout.write(r.status + ' ' + (await r.text())); })`;
    const answer = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-e', script], (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      ),
    );
    expect(answer.startsWith('400 ')).toBe(true);
    expect(answer).toContain('state check failed');
    expect(answer).toContain('was ignored');

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await signInOnSandbox(page, url.href, sandbox.clinician);
      const result = await outcome;
      expect(result.name).toBe(sandbox.clinician.name);
      await expect.poll(() => page.textContent('h1'), { timeout: 20_000 }).toBe('Signed in to Eka MCP');
      expect((await readSessionRecord(store))?.state).toBe('signed-in');
    } finally {
      await browser.close();
    }
  });
});
