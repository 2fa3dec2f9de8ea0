import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import { integratorToken } from '../support/integrator-token';
import {
  connectClient,
  PROBE_CALL,
  startTestSandbox,
  startTestServer,
  type TestServer,
  TOKEN_CHECK_PATH,
  validateCalls,
} from './harness';
import { startTestRedis, type TestRedis } from './redis-server';

/** A clock the test moves by hand. */
function manualClock() {
  let now = Date.now();
  return {
    clock: () => now,
    advanceSeconds(seconds: number) {
      now += seconds * 1000;
    },
  };
}

/** One raw JSON-RPC `tools/list` with `token`; returns the HTTP status. */
async function listToolsStatus(url: string, token: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
  await response.body?.cancel();
  return response.status;
}

describe('direct Eka token (memory cache)', () => {
  let sandbox: Sandbox;
  let server: TestServer;
  const time = manualClock();

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer(sandbox, { oauth: true, clock: time.clock });
  });

  afterAll(async () => {
    await server?.close();
    await sandbox?.stop();
  });

  it(
    '1,000 tool calls with one valid token make one validation request per 5 minutes',
    { timeout: 240_000 },
    async () => {
      const token = await integratorToken(sandbox);
      sandbox.requests.clear();
      const client = await connectClient(server.url, token);
      for (let batch = 0; batch < 100; batch++) {
        const results = await Promise.all(Array.from({ length: 10 }, () => client.callTool(PROBE_CALL)));
        for (const result of results) expect(result.isError).not.toBe(true);
      }
      expect(validateCalls(sandbox)).toBe(1);

      time.advanceSeconds(4 * 60);
      await client.callTool(PROBE_CALL);
      expect(validateCalls(sandbox)).toBe(1);

      time.advanceSeconds(61);
      await client.callTool(PROBE_CALL);
      expect(validateCalls(sandbox)).toBe(2);
      await client.close();
    },
  );

  it('re-checks an invalid token only after 30 seconds', async () => {
    sandbox.requests.clear();
    const bogus = 'not-an-eka-token-0123456789';
    expect(await listToolsStatus(server.url, bogus)).toBe(401);
    expect(validateCalls(sandbox)).toBe(1);
    time.advanceSeconds(29);
    expect(await listToolsStatus(server.url, bogus)).toBe(401);
    expect(await listToolsStatus(server.url, bogus)).toBe(401);
    expect(validateCalls(sandbox)).toBe(1);
    time.advanceSeconds(2);
    expect(await listToolsStatus(server.url, bogus)).toBe(401);
    expect(validateCalls(sandbox)).toBe(2);
  });

  it('caches no verdict when the check answers something other than 2xx, 401 or 403', async () => {
    const token = await integratorToken(sandbox);
    sandbox.requests.clear();
    sandbox.faults.add({
      method: 'GET',
      path: TOKEN_CHECK_PATH,
      fault: { kind: 'status', status: 502 },
      times: 1,
    });
    expect(await listToolsStatus(server.url, token)).toBe(503);
    expect(await listToolsStatus(server.url, token)).toBe(200);
    expect(await listToolsStatus(server.url, token)).toBe(200);
    expect(validateCalls(sandbox)).toBe(2);
  });

  it('checks a raw token with the read Eka publishes, not an unpublished validate path', async () => {
    const token = await integratorToken(sandbox);
    time.advanceSeconds(5 * 60 + 1);
    sandbox.requests.clear();
    expect(await listToolsStatus(server.url, token)).toBe(200);
    expect(sandbox.requests.list().map((entry) => `${entry.method} ${entry.path} ${entry.status}`)).toEqual([
      'GET /dr/v1/business/entities 200',
    ]);
  });

  it('refuses a token revoked in the sandbox within 5 minutes', async () => {
    const token = await integratorToken(sandbox);
    expect(await listToolsStatus(server.url, token)).toBe(200);
    expect(await sandbox.tokens.revokeAccessToken(token)).toBe(true);
    time.advanceSeconds(5 * 60 + 1);
    expect(await listToolsStatus(server.url, token)).toBe(401);
  });

  it('answers 401 with the metadata pointer and no token echo', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        authorization: 'Bearer secret-looking-value-42',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain(
      `resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource"`,
    );
    expect(await response.text()).not.toContain('secret-looking-value-42');
  });
});

describe('direct Eka token (Redis cache)', () => {
  let sandbox: Sandbox;
  let redis: TestRedis;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    redis = await startTestRedis();
    first = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url });
    second = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url });
  });

  afterEach(async () => {
    await redis.start().catch(() => {});
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await redis?.stop();
    await sandbox?.stop();
  });

  it('shares verdicts between instances', async () => {
    const token = await integratorToken(sandbox);
    sandbox.requests.clear();
    expect(await listToolsStatus(first.url, token)).toBe(200);
    expect(await listToolsStatus(second.url, token)).toBe(200);
    expect(await listToolsStatus(first.url, token)).toBe(200);
    expect(validateCalls(sandbox)).toBe(1);
  });

  it('keeps validating live while Redis is down, and lets nothing through', async () => {
    const before = await integratorToken(sandbox);
    const warm = await connectClient(first.url, before);
    await warm.callTool(PROBE_CALL);
    await warm.close();

    await redis.stop();
    // A token this instance has not seen: no verdict can be kept while the store is down.
    const token = await integratorToken(sandbox);
    expect(token).not.toBe(before);
    const client = await connectClient(first.url, token);
    sandbox.requests.clear();
    for (let i = 0; i < 5; i++) {
      const result = await client.callTool(PROBE_CALL);
      expect(result.isError).not.toBe(true);
    }
    // Every call was checked with the Eka API, none waved through from a cache.
    expect(validateCalls(sandbox)).toBeGreaterThanOrEqual(5);
    expect(await listToolsStatus(first.url, 'forged-token-while-redis-down')).toBe(401);

    expect(await sandbox.tokens.revokeAccessToken(token)).toBe(true);
    expect(await listToolsStatus(first.url, token)).toBe(401);
    expect(first.logger.lines.some((line) => line.includes('validating tokens live'))).toBe(true);
    await client.close();
  });
});
