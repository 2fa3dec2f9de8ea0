/**
 * Attacks on the HTTP mode's OAuth that must fail, each against the sandbox
 * (and real Redis where the store matters):
 * - the consent bypass: an attacker consents in their own browser and sends
 *   the clinician the Eka link; the clinician's sign-in is refused and the
 *   attacker gets no code;
 * - a provider token issued for another resource;
 * - the proxy's own tokens reaching Eka (the sandbox's request log says no);
 * - a verdict planted in Redis for a made-up token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Browser, BrowserContext } from 'playwright-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROBE_CALL,
  startTestSandbox,
  startTestServer,
  type TestServer,
  tokenFingerprint,
  validateCalls,
} from '../http/harness';
import { BrowserOAuthClient } from '../http/oauth-browser';
import { startTestRedis, type TestRedis } from '../http/redis-server';
import type { Sandbox } from '../sandbox/types';
import { launchChromium } from '../support/chromium';
import { listenOnLoopback } from '../support/ports';
import { signInOnSandbox, submitSandboxLogin } from '../support/sandbox-login';

const ATTACKER_CALLBACK = 'https://attacker.example/cb';

let sandbox: Sandbox;
let redis: TestRedis;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  redis = await startTestRedis();
  server = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await redis?.stop();
  await sandbox?.stop();
});

/**
 * Every browser step here is bounded well inside the test's own time limit, so
 * a stuck step fails with its own name rather than as a test timeout.
 */
const STEP_MS = 15_000;

/** `promise`, or an error naming `what` once `ms` have passed. */
async function within<T>(what: string, promise: Promise<T>, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Closes `context` without letting a slow close hide the test's own outcome. */
async function closeContext(context: BrowserContext): Promise<void> {
  await within('closing a browser context', context.close(), 5_000).catch(() => {});
}

/** A browser context whose requests to the attacker's site are recorded (and answered), never sent. */
async function contextWatchingAttacker(): Promise<{ context: BrowserContext; hits: URL[] }> {
  const context = await within('opening a browser context', browser.newContext());
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS);
  const hits: URL[] = [];
  await context.route('https://attacker.example/**', async (route) => {
    hits.push(new URL(route.request().url()));
    await route.fulfill({ status: 200, contentType: 'text/plain', body: 'attacker site' });
  });
  return { context, hits };
}

async function registerAttackerClient(): Promise<string> {
  const response = await fetch(`${server.baseUrl}/register`, {
    method: 'POST',
    signal: AbortSignal.timeout(STEP_MS),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: 'Clinic helper',
      redirect_uris: [ATTACKER_CALLBACK],
      token_endpoint_auth_method: 'none',
    }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

function authorizeUrl(clientId: string): string {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${server.baseUrl}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: ATTACKER_CALLBACK,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state: 'attacker-state',
    resource: `${server.baseUrl}/mcp`,
  }).toString();
  return url.href;
}

/** In `context`: opens our consent page, allows, and returns the Eka sign-in URL it was sent to. */
async function consentAndStopAtEka(context: BrowserContext, clientId: string): Promise<string> {
  const page = await within('opening a page', context.newPage());
  await page.goto(authorizeUrl(clientId));
  const allowed = page.waitForResponse((response) => response.url().endsWith('/oauth/consent'));
  await page.getByRole('button', { name: 'Allow and sign in' }).click();
  const ekaUrl = (await allowed).headers().location ?? '';
  expect(ekaUrl.startsWith(sandbox.issuer)).toBe(true);
  await within('closing the consent page', page.close());
  return ekaUrl;
}

describe('the consent bypass walk-through', () => {
  it('refuses the sign-in when the clinician opens an Eka link consented to in another browser', async () => {
    const attacker = await contextWatchingAttacker();
    const victim = await contextWatchingAttacker();
    try {
      const clientId = await registerAttackerClient();
      const ekaUrl = await consentAndStopAtEka(attacker.context, clientId);
      // The Eka link carries this server's state, never a code or anything of the client.
      expect(new URL(ekaUrl).searchParams.get('redirect_uri')).toBe(`${server.baseUrl}/oauth/callback`);

      // The clinician, in their own browser, signs in at Eka through the attacker's link.
      const page = await within('opening a page', victim.context.newPage());
      await page.goto(ekaUrl);
      await submitSandboxLogin(page, sandbox.clinician);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL((url) => url.href.startsWith(`${server.baseUrl}/oauth/callback`));
      await expect
        .poll(async () => page.locator('body').innerText(), { timeout: 15_000 })
        .toMatch(/not started, or not allowed on the Eka MCP consent page, in this browser/);

      // No code went anywhere: neither browser ever reached the attacker's site.
      expect(victim.hits).toEqual([]);
      expect(attacker.hits).toEqual([]);

      // The login is spent: replaying Eka's redirect in the attacker's browser gives nothing either.
      const replay = await within('opening a page', attacker.context.newPage());
      const response = await replay.goto(page.url());
      expect(response?.status()).toBe(400);
      expect(attacker.hits).toEqual([]);
    } finally {
      await closeContext(attacker.context);
      await closeContext(victim.context);
    }
  });

  it('completes when consent and sign-in happen in the same browser (the control)', async () => {
    const user = await contextWatchingAttacker();
    try {
      const clientId = await registerAttackerClient();
      const page = await within('opening a page', user.context.newPage());
      await page.goto(authorizeUrl(clientId));
      await page.getByRole('button', { name: 'Allow and sign in' }).click();
      await submitSandboxLogin(page, sandbox.clinician);
      await page.getByRole('button', { name: 'Allow' }).click();
      await expect.poll(() => user.hits.length, { timeout: 15_000 }).toBe(1);
      expect(user.hits[0]?.searchParams.get('code')).toMatch(/\S{20,}/);
      expect(user.hits[0]?.searchParams.get('state')).toBe('attacker-state');
    } finally {
      await closeContext(user.context);
    }
  });
});

/** Signs in at the sandbox as its confidential server client and gets a provider JWT for `resource`. */
async function providerTokenFor(resource: string): Promise<string> {
  const discovery = (await (await fetch(`${sandbox.issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };
  let deliver: (code: string) => void = () => {};
  const code = new Promise<string>((resolve) => {
    deliver = resolve;
  });
  const listener = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.end('ok');
    const value = url.searchParams.get('code');
    if (value) deliver(value);
  });
  const port = await listenOnLoopback(listener);
  const redirectUri = `http://127.0.0.1:${port}/cb`;
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(discovery.authorization_endpoint);
  url.search = new URLSearchParams({
    client_id: sandbox.clients.server.client_id,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: 'openid',
    state: 'x',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    resource,
  }).toString();
  const context = await within('opening a browser context', browser.newContext());
  context.setDefaultTimeout(STEP_MS);
  context.setDefaultNavigationTimeout(STEP_MS);
  try {
    const page = await within('opening a page', context.newPage());
    await signInOnSandbox(page, url.href, sandbox.clinician);
    const { client_id, client_secret } = sandbox.clients.server;
    const response = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: await within("the provider's redirect with a code", code),
        redirect_uri: redirectUri,
        code_verifier: verifier,
        resource,
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  } finally {
    await closeContext(context);
    listener.close();
  }
}

function listTools(token: string): Promise<Response> {
  return fetch(server.url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
}

describe('tokens for another audience', () => {
  it.each([
    ['another MCP server', 'http://127.0.0.1:9/mcp'],
    ['this server, minted by the provider', () => `${server.baseUrl}/mcp`],
  ])('refuses a genuine provider JWT issued for %s, with the metadata pointer', async (_what, target) => {
    const resource = typeof target === 'function' ? target() : target;
    const token = await providerTokenFor(resource);
    sandbox.requests.clear();
    const response = await listTools(token);
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('another resource');
    expect(challenge).toContain(`resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource"`);
    // Not forwarded to Eka, not even to the token check.
    expect(sandbox.requests.list()).toEqual([]);
  });
});

describe("the proxy's own tokens", () => {
  it('never reach Eka: not on tool calls, not after a refresh', async () => {
    const oauth = await BrowserOAuthClient.start(sandbox);
    try {
      sandbox.requests.clear();
      const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
      await expect(new Client({ name: 'attack-test', version: '1.0.0' }).connect(transport)).rejects.toThrow(
        /Unauthorized/i,
      );
      await transport.finishAuth(await oauth.code());
      const ours = [oauth.tokens()?.access_token, oauth.tokens()?.refresh_token];
      const client = new Client({ name: 'attack-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
      for (let i = 0; i < 3; i++) {
        expect((await client.callTool(PROBE_CALL)).isError).not.toBe(true);
      }
      await client.close();
      const info = oauth.clientInformation();
      const refreshed = await fetch(`${server.baseUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: oauth.tokens()?.refresh_token ?? '',
          client_id: info?.client_id ?? '',
          ...(info?.client_secret ? { client_secret: info.client_secret } : {}),
        }),
      });
      expect(refreshed.status).toBe(200);
      const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
      ours.push(next.access_token, next.refresh_token);
      expect((await listTools(next.access_token)).status).toBe(200);
      const again = await connectWith(next.access_token);
      expect((await again.callTool(PROBE_CALL)).isError).not.toBe(true);
      await again.close();

      const log = sandbox.requests.list();
      const toolCalls = log.filter((entry) => entry.path.startsWith('/profiles/v1/patient/search'));
      expect(toolCalls.length).toBe(4);
      for (const entry of toolCalls) expect(entry.tokenFingerprint).toMatch(/^[0-9a-f]{16}$/);
      const fingerprints = new Set(ours.map((token) => tokenFingerprint(token ?? '')));
      expect(fingerprints.size).toBe(4);
      for (const entry of log) {
        expect(entry.tokenFingerprint === undefined || !fingerprints.has(entry.tokenFingerprint)).toBe(true);
      }
      // Our tokens needed no Eka token check either.
      expect(validateCalls(sandbox)).toBe(0);
    } finally {
      await oauth.close();
    }
  });
});

async function connectWith(token: string): Promise<Client> {
  const client = new Client({ name: 'attack-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  return client;
}

describe('a verdict planted in Redis', () => {
  it('is not believed: the made-up token is checked with Eka and refused', async () => {
    const inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
    try {
      const madeUp = 'made-up-token-planted-verdict';
      const planted = JSON.stringify({ active: true, sub: 'intruder', until: Date.now() + 3_600_000 });
      // Under the old key scheme (SHA-256 of the token) and under every verdict key now in Redis.
      await inspector.set(`eka-mcp:verdict:${createHash('sha256').update(madeUp).digest('hex')}`, planted, {
        EX: 600,
      });
      for (const key of await inspector.keys('eka-mcp:verdict:*'))
        await inspector.set(key, planted, { EX: 600 });
      sandbox.requests.clear();
      const response = await listTools(madeUp);
      expect(response.status).toBe(401);
      expect(validateCalls(sandbox)).toBe(1);
    } finally {
      inspector.destroy();
    }
  });
});
