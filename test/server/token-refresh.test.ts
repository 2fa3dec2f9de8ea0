/**
 * Client-credential tokens with seconds-long lifetimes: a burst of 50
 * concurrent calls across an expiry makes exactly one token request and all
 * 50 succeed; a failed refresh falls back to a fresh login; the api-token
 * flow (X-API-KEY) behaves the same.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { credentialsEnv, type ServerHandle, startServer } from './harness';

/** Long enough that a 50-call burst on a loaded machine finishes well inside one token lifetime. */
const TTL_SECONDS = 4;
const LOGIN = '/connect-auth/v1/account/login';
const REFRESH = '/connect-auth/v1/account/refresh-token';
const API_TOKEN = '/api/v1/auth/token';
const TOKEN_PATHS = [LOGIN, REFRESH, API_TOKEN];

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0, clientCredentialsTtl: TTL_SECONDS });
});

afterAll(async () => {
  await sandbox?.stop();
});

function tokenRequests(since: number) {
  return sandbox.requests.list().filter((r) => r.time >= since && TOKEN_PATHS.includes(r.path));
}

async function burst(server: ServerHandle, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      server.call('search_patients', { prefix: String.fromCharCode(97 + (i % 26)) }),
    ),
  );
}

async function withServer(env: Record<string, string>, body: (server: ServerHandle) => Promise<void>) {
  const server = await startServer({ ...credentialsEnv(sandbox), ...env });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

describe('client-credential token lifecycle', () => {
  it('signs in at the first call, then 50 concurrent calls across the expiry share one refresh', async () => {
    await withServer({}, async (server) => {
      const start = Date.now();
      await server.client.listTools();
      expect(tokenRequests(start)).toHaveLength(0);

      const first = await server.call('search_patients', { prefix: 'a' });
      expect(first.isError).toBeFalsy();
      expect(tokenRequests(start).map((r) => r.path)).toEqual([LOGIN]);

      await sleep(TTL_SECONDS * 1000 + 200);
      const before = Date.now();
      const results = await burst(server, 50);
      expect(results.filter((r) => r.isError)).toEqual([]);
      const renewals = tokenRequests(before);
      expect(renewals.map((r) => r.path)).toEqual([REFRESH]);
      expect(renewals[0]!.status).toBe(200);
      expect(sandbox.requests.list().filter((r) => r.time >= before && r.status === 401)).toHaveLength(0);
    });
  });

  it('signs in again, once, when the refresh fails', async () => {
    await withServer({}, async (server) => {
      expect((await server.call('search_patients', { prefix: 'a' })).isError).toBeFalsy();
      await sleep(TTL_SECONDS * 1000 + 200);
      sandbox.faults.add({ method: 'POST', path: REFRESH, fault: { kind: 'status', status: 500 }, times: 1 });
      const before = Date.now();
      const results = await burst(server, 50);
      sandbox.faults.clear();
      expect(results.filter((r) => r.isError)).toEqual([]);
      expect(tokenRequests(before).map((r) => [r.path, r.status])).toEqual([
        [REFRESH, 500],
        [LOGIN, 200],
      ]);
    });
  });

  it('uses the api-token flow (X-API-KEY) when EKA_TOKEN_FLOW=api-token, one exchange per expiry', async () => {
    await withServer({ EKA_TOKEN_FLOW: 'api-token' }, async (server) => {
      const start = Date.now();
      expect((await server.call('search_patients', { prefix: 'a' })).isError).toBeFalsy();
      expect(tokenRequests(start).map((r) => r.path)).toEqual([API_TOKEN]);
      await sleep(TTL_SECONDS * 1000 + 200);
      const before = Date.now();
      const results = await burst(server, 50);
      expect(results.filter((r) => r.isError)).toEqual([]);
      expect(tokenRequests(before).map((r) => r.path)).toEqual([API_TOKEN]);
    });
  });

  it('answers wrong credentials with invalid_credentials and no secret in the message', async () => {
    await withServer({ EKA_CLIENT_SECRET: 'wrong-secret-value' }, async (server) => {
      const result = await server.call('get_business_entities');
      expect(result.isError).toBe(true);
      const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
      expect(text).toMatch(/refused the client credentials.*\(invalid_credentials\)/s);
      expect(text).not.toContain('wrong-secret-value');
      expect(server.stderr()).not.toContain('wrong-secret-value');
    });
  });
});
