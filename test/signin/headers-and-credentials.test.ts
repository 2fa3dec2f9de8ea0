/**
 * The `client-id` header and the workspace key, as Eka specifies them: the
 * header goes on every call whenever a client id is known (open mode takes
 * EKA_CLIENT_ID; unknown is said once at start), and EKA_API_KEY reaches the
 * client-credential login as `sharing_key` (authorization.yml) and as
 * `api_key` (what Eka's SDK sends).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClientCredentialsTokenSource } from '../../server/eka/token-sources/client-credentials';
import { createLogger } from '../../server/logging';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { openEnv, startServer } from '../server/harness';

const UNKNOWN = /No Eka client id is known \(set EKA_CLIENT_ID\)/g;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('client-id header', () => {
  it('open mode with EKA_CLIENT_ID sends it on every call and says nothing about it', async () => {
    const server = await startServer({ ...openEnv(sandbox), EKA_CLIENT_ID: 'sandbox-open-client' });
    try {
      sandbox.requests.clear();
      await server.call('search_patients', { prefix: 'Ra' });
      await server.call('get_business_entities');
      const calls = sandbox.requests.list();
      expect(calls.length).toBeGreaterThanOrEqual(2);
      for (const call of calls) expect(call.clientId).toBe('sandbox-open-client');
      expect(server.stderr().match(UNKNOWN)).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('open mode without a client id says so once at start', async () => {
    const server = await startServer(openEnv(sandbox));
    try {
      sandbox.requests.clear();
      await server.call('search_patients', { prefix: 'Ra' });
      await server.call('search_patients', { prefix: 'Ra' });
      expect(sandbox.requests.list().every((call) => call.clientId === undefined)).toBe(true);
      expect(server.stderr().match(UNKNOWN)).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});

describe('client-credential login', () => {
  it('sends EKA_API_KEY as sharing_key and api_key, and the refresh with Authorization and client-id', async () => {
    const sent: { path: string; body: Record<string, unknown>; headers: Headers }[] = [];
    // The real sandbox answers; the wrapper only records what was sent.
    const recording: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      sent.push({
        path: url.pathname,
        body: JSON.parse(String(init?.body ?? '{}')),
        headers: new Headers(init?.headers),
      });
      return fetch(input, init);
    };
    const own = await startSandbox({ issuerPort: 0, apiPort: 0, clientCredentialsTtl: 1 });
    try {
      const source = createClientCredentialsTokenSource({
        apiBaseUrl: own.apiBaseUrl,
        clientId: own.clients.integrator.client_id,
        clientSecret: own.clients.integrator.client_secret,
        apiKey: own.clients.integrator.api_key,
        tokenFlow: 'connect-auth',
        refreshMarginSeconds: 60,
        requestTimeoutMs: 5_000,
        logger: createLogger({ level: 'error' }),
        fetch: recording,
      });
      const first = await source.getAccessToken();
      expect(sent[0]).toMatchObject({
        path: '/connect-auth/v1/account/login',
        body: {
          client_id: own.clients.integrator.client_id,
          client_secret: own.clients.integrator.client_secret,
          sharing_key: own.clients.integrator.api_key,
          api_key: own.clients.integrator.api_key,
        },
      });
      // As after a 401: the next call refreshes.
      await source.invalidate(first as string);
      const second = await source.getAccessToken();
      expect(second).not.toBe(first);
      const refresh = sent.find((entry) => entry.path === '/connect-auth/v1/account/refresh-token');
      expect(refresh?.headers.get('authorization')).toBe(`Bearer ${first}`);
      expect(refresh?.headers.get('client-id')).toBe(own.clients.integrator.client_id);
      expect(own.tokens.stats()).toMatchObject({ logins: 1, refreshes: 1, refreshTokenReuse: 0 });

      // A wrong workspace key is refused as bad credentials, under either name.
      for (const key of ['sharing_key', 'api_key']) {
        const res = await fetch(`${own.apiBaseUrl}/connect-auth/v1/account/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            client_id: own.clients.integrator.client_id,
            client_secret: own.clients.integrator.client_secret,
            [key]: 'not-the-key',
          }),
        });
        expect(res.status).toBe(401);
      }
    } finally {
      await own.stop();
    }
  });
});
