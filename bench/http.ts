/**
 * HTTP-mode benchmark: concurrent tool calls over Streamable HTTP with a
 * cached direct Eka token (EkaCare OAuth mode) against the same tool served
 * in open mode, measured in the same run against the sandbox. Prints
 * requests/s, p50 and p99 latency, and the ratio.
 *
 *   npm run bench:http [-- --requests 2000 --concurrency 16]
 */
import type { ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startSandbox } from '../test/sandbox';
import { integratorToken } from '../test/support/integrator-token';
import { poll } from '../test/support/poll';
import { freePort } from '../test/support/ports';
import { spawnServer } from '../test/support/server-bundle';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '16' },
    warmup: { type: 'string', default: '200' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const WARMUP = Number(values.warmup);
const CALL = { name: 'search_patients', arguments: { prefix: 'a', limit: 3 } };

interface RunningServer {
  url: string;
  child: ChildProcess;
}

/** Starts the shipped server bundle over HTTP and waits for its health check. */
async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const { child, output } = spawnServer(['--transport', 'http', '--log-level', 'warn'], env);
  const port = env.EKA_MCP_SERVER_PORT;
  const ready = await poll(async () => {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    if (child.exitCode !== null) throw new Error(`server exited: ${output().stderr}`);
    return undefined;
  });
  if (!ready) throw new Error(`server did not start: ${output().stderr}`);
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

async function callTool(url: string, token: string | undefined, id: number): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: CALL }),
  });
  const body = (await response.json()) as { result?: { isError?: boolean }; error?: unknown };
  if (response.status !== 200 || !body.result || body.result.isError) {
    throw new Error(`tool call failed: ${response.status} ${JSON.stringify(body).slice(0, 200)}`);
  }
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
}

async function drive(url: string, token: string | undefined, count: number): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const id = next++;
        const t0 = performance.now();
        await callTool(url, token, id);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: count / seconds, p50: at(0.5), p99: at(0.99) };
}

const fmt = (f: Figures) =>
  `${f.rps.toFixed(0).padStart(6)} req/s   p50 ${f.p50.toFixed(1).padStart(6)} ms   p99 ${f.p99.toFixed(1).padStart(6)} ms`;

const sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
const servers: RunningServer[] = [];
try {
  const openPort = await freePort();
  const open = await startServer({
    EKA_API_BASE_URL: sandbox.apiBaseUrl,
    EKA_MCP_SERVER_PORT: String(openPort),
    EKA_CLIENT_ID: sandbox.clients.integrator.client_id,
    EKA_CLIENT_SECRET: sandbox.clients.integrator.client_secret,
    EKA_API_KEY: sandbox.clients.integrator.api_key,
  });
  servers.push(open);
  const authPort = await freePort();
  const authed = await startServer({
    EKA_API_BASE_URL: sandbox.apiBaseUrl,
    EKA_MCP_SERVER_PORT: String(authPort),
    FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: `http://127.0.0.1:${authPort}`,
    FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: sandbox.clients.server.client_id,
    FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET: sandbox.clients.server.client_secret,
    FASTMCP_SERVER_AUTH_EKACARE_ISSUER: sandbox.issuer,
  });
  servers.push(authed);
  const token = await integratorToken(sandbox);

  process.stderr.write(`warming up (${WARMUP} calls each)...\n`);
  await drive(open.url, undefined, WARMUP);
  await drive(authed.url, token, WARMUP);

  sandbox.requests.clear();
  // Interleave two rounds of each so drift on a shared machine hits both alike.
  const half = Math.floor(REQUESTS / 2);
  const openA = await drive(open.url, undefined, half);
  const authA = await drive(authed.url, token, half);
  const openB = await drive(open.url, undefined, REQUESTS - half);
  const authB = await drive(authed.url, token, REQUESTS - half);
  const validations = sandbox.requests
    .list()
    .filter((e) => e.path === '/connect-auth/v1/account/validate').length;

  const merge = (a: Figures, b: Figures): Figures => ({
    rps: (a.rps + b.rps) / 2,
    p50: (a.p50 + b.p50) / 2,
    p99: Math.max(a.p99, b.p99),
  });
  const openF = merge(openA, openB);
  const authF = merge(authA, authB);
  console.log(
    `Eka MCP HTTP benchmark: ${REQUESTS} tools/call (${CALL.name}) per mode, concurrency ${CONCURRENCY}`,
  );
  console.log(`open mode                 ${fmt(openF)}`);
  console.log(`OAuth mode, cached token  ${fmt(authF)}`);
  console.log(
    `ratio (auth / open)       throughput ${(authF.rps / openF.rps).toFixed(2)}x   p50 ${(authF.p50 / openF.p50).toFixed(2)}x   p99 ${(authF.p99 / openF.p99).toFixed(2)}x`,
  );
  console.log(`Eka token checks during the measured OAuth calls: ${validations}`);
} finally {
  for (const server of servers) server.child.kill('SIGTERM');
  await sandbox.stop();
}
