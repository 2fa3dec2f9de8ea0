import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import { freePort } from '../support/ports';
import { PROBE_CALL, startTestSandbox, startTestServer, type TestServer } from './harness';
import { startLoadBalancer, type TestLoadBalancer } from './load-balancer';
import { BrowserOAuthClient } from './oauth-browser';
import { startTestRedis, type TestRedis } from './redis-server';

describe('two instances behind a round-robin load balancer, sharing Redis', () => {
  let sandbox: Sandbox;
  let redis: TestRedis;
  let a: TestServer;
  let b: TestServer;
  let balancer: TestLoadBalancer;
  let oauth: BrowserOAuthClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    redis = await startTestRedis();
    const publicPort = await freePort();
    const baseUrl = `http://127.0.0.1:${publicPort}`;
    a = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url, baseUrl });
    b = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url, baseUrl });
    balancer = await startLoadBalancer([a.port, b.port], publicPort);
    oauth = await BrowserOAuthClient.start(sandbox);
  });

  afterAll(async () => {
    await oauth?.close();
    await balancer?.close();
    await a?.close();
    await b?.close();
    await redis?.stop();
    await sandbox?.stop();
  });

  it('completes the OAuth login and tool calls whichever instance answers each step', async () => {
    const endpoint = new URL('/mcp', balancer.url);
    const transport = new StreamableHTTPClientTransport(endpoint, { authProvider: oauth });
    await expect(new Client({ name: 'lb-test', version: '1.0.0' }).connect(transport)).rejects.toThrow(
      /Unauthorized/i,
    );
    await transport.finishAuth(await oauth.code());

    const client = new Client({ name: 'lb-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(endpoint, { authProvider: oauth }));
    for (let i = 0; i < 6; i++) {
      const result = await client.callTool(PROBE_CALL);
      expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    }
    await client.close();
    // A token issued through one instance is accepted by each of them, asked directly.
    const token = oauth.tokens()?.access_token as string;
    for (const instance of [a, b]) {
      const response = await fetch(instance.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(response.status).toBe(200);
    }
    // Both instances took part in the login and the calls.
    expect(balancer.counts[0]).toBeGreaterThan(3);
    expect(balancer.counts[1]).toBeGreaterThan(3);
  });
  it('keeps no client secret or token in clear in Redis', async () => {
    const inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
    const secret = oauth.clientInformation()?.client_secret as string;
    const refresh = oauth.tokens()?.refresh_token as string;
    const access = oauth.tokens()?.access_token as string;
    for (const value of [secret, refresh, access]) expect(value).toMatch(/^\S{16,}$/);
    const keys = await inspector.keys('eka-mcp:*');
    expect(keys.some((key) => key.startsWith('eka-mcp:client:'))).toBe(true);
    for (const key of keys) {
      const value = (await inspector.get(key)) ?? '';
      expect(value).not.toContain(secret);
      expect(value).not.toContain(refresh);
      expect(value).not.toContain(access);
      expect(key).not.toContain(refresh);
      expect(key).not.toContain(access);
    }
    inspector.destroy();
  });
});
