/**
 * Dynamic client registration cannot be used to fill the store: a capped
 * body, client name and redirect-URI list, a short life until the first
 * token exchange, and a cap per hour across instances (Redis) that a caller
 * rotating X-Forwarded-For cannot escape.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSandbox, startTestServer, type TestServer } from '../http/harness';
import { startTestRedis, type TestRedis } from '../http/redis-server';
import type { Sandbox } from '../sandbox/types';

const LIMIT = 40;

let sandbox: Sandbox;
let redis: TestRedis;
let first: TestServer;
let second: TestServer;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  redis = await startTestRedis();
  const env = {
    // One proxy hop is believed, as behind a real load balancer.
    EKA_MCP_TRUST_PROXY: '1',
    FASTMCP_SERVER_AUTH_EKACARE_REGISTRATION_LIMIT: String(LIMIT),
  };
  first = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url, env });
  second = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url, env });
});

afterAll(async () => {
  await first?.close();
  await second?.close();
  await redis?.stop();
  await sandbox?.stop();
});

function register(server: TestServer, body: unknown, forwardedFor?: string): Promise<Response> {
  return fetch(`${server.baseUrl}/register`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const CLIENT = {
  client_name: 'Flood',
  redirect_uris: ['http://127.0.0.1/cb'],
  token_endpoint_auth_method: 'none',
};

describe('dynamic registration limits', () => {
  it('refuses an oversized body, a long client name and too many redirect URIs', async () => {
    const big = await register(first, { ...CLIENT, logo_uri: `https://x.example/${'a'.repeat(20_000)}` });
    expect(big.status).toBe(413);
    const name = await register(first, { ...CLIENT, client_name: 'n'.repeat(201) });
    expect(name.status).toBe(400);
    expect(await name.json()).toMatchObject({ error: 'invalid_client_metadata' });
    const uris = await register(first, {
      ...CLIENT,
      redirect_uris: Array.from({ length: 6 }, (_, i) => `http://127.0.0.1/cb${i}`),
    });
    expect(uris.status).toBe(400);
  });

  it('keeps an unused registration for minutes, not months', async () => {
    const inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
    try {
      const response = await register(first, CLIENT, '198.51.100.7');
      expect(response.status).toBe(201);
      const { client_id } = (await response.json()) as { client_id: string };
      const ttl = await inspector.ttl(`eka-mcp:client:${client_id}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(15 * 60);
    } finally {
      inspector.destroy();
    }
  });

  it('limits 300 registrations behind a rotating X-Forwarded-For, across both instances', async () => {
    const statuses: number[] = [];
    for (let batch = 0; batch < 30; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => {
          const n = batch * 10 + i;
          const server = n % 2 === 0 ? first : second;
          return register(server, CLIENT, `203.0.113.${n % 250}, 10.0.0.${(n * 7) % 250}`);
        }),
      );
      for (const answer of answers) {
        statuses.push(answer.status);
        await answer.body?.cancel();
      }
    }
    const created = statuses.filter((status) => status === 201).length;
    // Three registrations of this hour were counted in the tests above; the cap is shared.
    expect(created).toBeLessThanOrEqual(LIMIT - 3);
    // More than one address's limit (20 an hour) got through: the rotation did defeat that one.
    expect(created).toBeGreaterThan(20);
    expect(statuses.filter((status) => status === 429).length).toBe(300 - created);

    const inspector = createClient({ url: redis.url });
    inspector.on('error', () => {});
    await inspector.connect();
    try {
      expect((await inspector.keys('eka-mcp:client:*')).length).toBeLessThanOrEqual(LIMIT);
      const info = await inspector.info('memory');
      const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
      expect(used).toBeLessThan(5 * 1024 * 1024);
    } finally {
      inspector.destroy();
    }
  });
});
