/**
 * Upstream faults through the real server and sandbox: 401, 429, 500, 502,
 * 503, malformed replies, hangs and an unreachable API all come back as
 * isError results with a stable code, retried only where that is safe, and
 * the server keeps answering afterwards.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { credentialsEnv, type ServerHandle, startServer, structured, textOf } from './harness';

const SEARCH = '/profiles/v1/patient/search';
const TOKEN_PATHS = ['/connect-auth/v1/account/login', '/connect-auth/v1/account/refresh-token'];

let sandbox: Sandbox;
let server: ServerHandle;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  server = await startServer({
    ...credentialsEnv(sandbox),
    // Long enough that an ordinary call on a loaded machine never times out; only the hang fault does.
    EKA_HTTP_TIMEOUT_MS: '4000',
    EKA_HTTP_MAX_RETRY_WAIT_MS: '3000',
  });
  // Sign in once so the tests below count only their own requests.
  structured(await server.call('search_patients', { prefix: 'a' }));
});

/** Requests started before this test (e.g. the sign-in above) are not counted. */
let since = 0;
beforeEach(() => {
  since = Date.now();
});

afterEach(() => {
  sandbox.faults.clear();
  sandbox.requests.clear();
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

function requests() {
  return sandbox.requests.list().filter((r) => r.time >= since);
}

function calls(path: string) {
  return requests().filter((r) => r.path === path);
}

async function search() {
  return server.call('search_patients', { prefix: 'a' });
}

describe('upstream faults', () => {
  it('401 once: the token is replaced and the call retried once, successfully', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'status', status: 401 }, times: 1 });
    const result = await search();
    expect(result.isError).toBeFalsy();
    expect(calls(SEARCH).map((c) => c.status)).toEqual([401, 200]);
    expect(requests().filter((r) => TOKEN_PATHS.includes(r.path))).toHaveLength(1);
  });

  it('401 every time: one retry, then a clear token_rejected error', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'status', status: 401 } });
    const result = await search();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/rejected the access token.*\(token_rejected\)/s);
    expect(calls(SEARCH)).toHaveLength(2);
  });

  it('429 with Retry-After: waits and retries an idempotent call', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: SEARCH,
      fault: { kind: 'status', status: 429, retryAfter: 1 },
      times: 1,
    });
    const result = await search();
    expect(result.isError).toBeFalsy();
    const [first, second] = calls(SEARCH);
    expect([first?.status, second?.status]).toEqual([429, 200]);
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(900);
  });

  it('429 that persists: gives up after the retries with rate_limited and the wait Eka asked for', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: SEARCH,
      fault: { kind: 'status', status: 429, retryAfter: 1 },
    });
    const result = await search();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/too many requests: try again in about 1 s.*\(rate_limited\)/s);
    expect(calls(SEARCH)).toHaveLength(3);
  });

  it('429 asking for a longer wait than allowed: answers at once instead of hanging', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: SEARCH,
      fault: { kind: 'status', status: 429, retryAfter: 120 },
    });
    const result = await search();
    expect(textOf(result)).toMatch(/about 120 s.*\(rate_limited\)/s);
    expect(calls(SEARCH)).toHaveLength(1);
  });

  it('500: not retried, upstream_error', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'status', status: 500 } });
    const result = await search();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/HTTP 500.*\(upstream_error\)/s);
    expect(calls(SEARCH)).toHaveLength(1);
  });

  it.each([502, 503] as const)('%i once: retried with backoff, successfully', async (status) => {
    sandbox.faults.add({
      method: 'GET',
      path: SEARCH,
      fault: { kind: 'status', status, retryAfter: 0 },
      times: 1,
    });
    const result = await search();
    expect(result.isError).toBeFalsy();
    expect(calls(SEARCH).map((c) => c.status)).toEqual([status, 200]);
  });

  it('503 on a non-idempotent call (add_patient): not retried, upstream_unavailable', async () => {
    sandbox.faults.add({
      method: 'POST',
      path: '/profiles/v1/patient',
      fault: { kind: 'status', status: 503 },
    });
    const result = await server.call('add_patient', {
      name: 'Retry Safety',
      dob: '1980-02-02',
      gender: 'O',
      mobile: '+919000011111',
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/temporarily unavailable.*\(upstream_unavailable\)/s);
    expect(
      requests().filter((r) => r.method === 'POST' && r.path.startsWith('/profiles/v1/patient')),
    ).toHaveLength(1);
  });

  it('malformed JSON: malformed_response', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'malformed' } });
    const result = await search();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/could not be read.*\(malformed_response\)/s);
  });

  it('hang: the call times out with a clear message and the server keeps answering', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'hang' }, times: 1 });
    const result = await search();
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/did not answer within 4 s.*\(timeout\)/s);
    const after = await search();
    expect(after.isError).toBeFalsy();
  });

  it('never leaks the token or the client secret in stderr', () => {
    const log = server.stderr();
    expect(log).not.toContain(sandbox.clients.integrator.client_secret);
    expect(log).not.toContain(sandbox.clients.integrator.api_key);
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
  });
});

describe('unreachable Eka', () => {
  it('answers network_error after the retries, for the token request too', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const offline = await startServer({
      ...credentialsEnv(sandbox),
      EKA_API_BASE_URL: `http://127.0.0.1:${closedPort}`,
    });
    try {
      const result = await offline.call('search_patients', { prefix: 'a' });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Could not reach Eka.*\(network_error\)/s);
      const open = await startServer({
        EKA_API_BASE_URL: `http://127.0.0.1:${closedPort}`,
        EKA_MCP_MODE: 'open',
      });
      try {
        const direct = await open.call('get_business_entities');
        expect(textOf(direct)).toMatch(/Could not reach Eka.*\(network_error\)/s);
        expect(open.stderr()).toMatch(/retrying/);
      } finally {
        await open.close();
      }
    } finally {
      await offline.close();
    }
  });
});
