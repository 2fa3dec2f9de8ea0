import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../support/poll';
import { spawnServer } from '../support/server-bundle';
import { PROBE_CALL, startTestSandbox } from './harness';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>) {
  const server = spawnServer(args, env);
  children.push(server.child);
  return server;
}

describe('eka-mcp-server --transport http (the shipped bundle)', () => {
  it('refuses to start when an OAuth variable is missing, naming it', async () => {
    const { exited, output } = run(['--transport', 'http', '--port', '0'], {
      FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: 'https://medai.example.com',
      FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: 'eka-mcp-server',
    });
    const code = await exited;
    expect(code).not.toBe(0);
    expect(output().stderr).toContain('FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET');
    expect(output().stdout).toBe('');
  });

  it('prints its URL on stderr, serves /health and exits cleanly on SIGTERM', async () => {
    const { child, exited, output } = run(['--transport', 'http', '--port', '0'], {});
    const url = await poll(() => /listening on (http:\/\/\S+\/mcp)/.exec(output().stderr)?.[1]);
    expect(url).toBeDefined();
    expect(output().stderr).toContain('running without auth');
    const health = await fetch(new URL('/health', url));
    expect(await health.json()).toMatchObject({ status: 'ok', auth: 'open' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().stdout).toBe('');
  });

  it('finishes a request in flight before exiting on SIGTERM', async () => {
    const sandbox = await startTestSandbox();
    try {
      const { child, exited, output } = run(['--transport', 'http', '--port', '0'], {
        EKA_API_BASE_URL: sandbox.apiBaseUrl,
        EKA_CLIENT_ID: sandbox.clients.integrator.client_id,
        EKA_CLIENT_SECRET: sandbox.clients.integrator.client_secret,
        EKA_API_KEY: sandbox.clients.integrator.api_key,
      });
      const url = await poll(() => /listening on (http:\/\/\S+\/mcp)/.exec(output().stderr)?.[1]);
      expect(url).toBeDefined();
      sandbox.faults.add({
        method: 'GET',
        path: '/profiles/v1/patient/search',
        fault: { kind: 'delay', ms: 3000 },
        times: 1,
      });
      const pending = fetch(url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: PROBE_CALL }),
      });
      // The sandbox takes the delay rule when the call arrives; it logs the call only once it has answered.
      const isSearch = (entry: { path: string }) => entry.path.startsWith('/profiles/v1/patient/search');
      expect(
        await poll(() => (sandbox.faults.list().length === 0 ? true : undefined), { intervalMs: 20 }),
      ).toBe(true);
      expect(sandbox.requests.list().some(isSearch)).toBe(false);
      child.kill('SIGTERM');
      const response = await pending;
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        result?: { isError?: boolean; structuredContent?: { patients?: { name: string }[] } };
      };
      expect(body.result?.isError).not.toBe(true);
      expect(body.result?.structuredContent?.patients?.length).toBeGreaterThan(0);
      expect(
        sandbox.requests
          .list()
          .filter(isSearch)
          .map((entry) => entry.status),
      ).toEqual([200]);
      expect(await exited).toBe(0);
    } finally {
      await sandbox.stop();
    }
  });
});
