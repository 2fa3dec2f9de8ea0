/**
 * HTTP-mode benchmark (not a test): concurrent `search_patients` tool calls
 * over Streamable HTTP, each figure a ratio measured in the same run.
 *
 * - Baseline: a minimal Node HTTP proxy (bench/proxy.mjs) making the same
 *   upstream call (JSON-RPC in, one fetch to the sandbox, JSON-RPC out).
 * - The SDK's floor: a bare server on the official SDK v2 HTTP entry
 *   (bench/sdk-floor.mjs), fronted and calling upstream as ours is, with no
 *   validation, permissions, journal or auth: against it, ours shows what
 *   our own code costs; against the proxy, it shows what the SDK's costs.
 * - Ours, open mode: the shipped bundle with client credentials, called by a
 *   2026-07-28 client (per-request envelope) and by a 2025-06-18 client
 *   (stateless requests without the envelope).
 * - Ours, OAuth mode with a cached verdict: the same 2026-07-28 calls with a
 *   direct Eka token, checked once at Eka and then answered from the cache.
 *
 * The sandbox, the proxy and each server run in processes of their own; the
 * load comes from this one, and each of our targets has a process of its own,
 * so all get the same traffic and is as warm as the others. Every target gets
 * a warm-up, then several short rounds per concurrency, interleaved (the order
 * reversed every other round) so drift on a shared machine hits all alike.
 * The rounds are pooled: throughput is every call over the time they took, p50
 * and p99 are over every call. The CPU
 * time each serving process spends per call (from /proc, Linux) is printed
 * too: on a shared machine it moves far less than throughput does.
 *
 *   npm run bench:http [-- --requests 3000 --concurrency 16,64 --warmup 1000 --rounds 6]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { poll } from '../test/support/poll';
import { freePort } from '../test/support/ports';
import { spawnServer } from '../test/support/server-bundle';
import { startSandboxProcess } from './sandbox-process';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '16,64' },
    warmup: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '6' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCIES = values.concurrency.split(',').map(Number);
const WARMUP = Number(values.warmup);
const ROUNDS = Math.max(1, Number(values.rounds));
const CALL = { name: 'search_patients', arguments: { prefix: 'a', limit: 3 } };
const MODERN = '2026-07-28';
/** The servers' settings folder for this run (their activity journal goes there, not to the user's). */
const BENCH_HOME = mkdtempSync(join(tmpdir(), 'eka-bench-home-'));
process.on('exit', () => rmSync(BENCH_HOME, { recursive: true, force: true }));

interface Target {
  label: string;
  url: string;
  /** The serving process, for its CPU time. */
  pid: number;
  headers: Record<string, string>;
  /** The JSON-RPC request with this id. */
  body(id: number): string;
}

const modernBody = (id: number) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: {
      ...CALL,
      _meta: {
        'io.modelcontextprotocol/protocolVersion': MODERN,
        'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' },
        'io.modelcontextprotocol/clientCapabilities': {},
      },
    },
  });
const legacyBody = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: CALL });
const JSON_POST = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const MODERN_HEADERS = {
  ...JSON_POST,
  'mcp-protocol-version': MODERN,
  'mcp-method': 'tools/call',
  'mcp-name': CALL.name,
};

async function call(target: Target, id: number): Promise<void> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: target.headers,
    body: target.body(id),
  });
  const text = await response.text();
  const body = JSON.parse(text) as { result?: { isError?: boolean; structuredContent?: { count?: number } } };
  if (
    response.status !== 200 ||
    !body.result ||
    body.result.isError ||
    !body.result.structuredContent?.count
  ) {
    throw new Error(`${target.label}: tool call failed: ${response.status} ${text.slice(0, 300)}`);
  }
}

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time (user + system) the serving process spent per call, in ms (Linux; NaN elsewhere). */
  cpu: number;
}

/** What one round measured, kept whole so rounds can be pooled. */
interface Round {
  latencies: number[];
  seconds: number;
  cpuMs: number;
}

/** The rounds of one target pooled: calls over time, percentiles over every call, CPU over every call. */
function pool(rounds: Round[]): Figures {
  const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const cpu = rounds.reduce((sum, r) => sum + r.cpuMs, 0);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), cpu: cpu / latencies.length };
}

/** user + system CPU time of a live process in ms, from /proc (Linux only). */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

async function drive(target: Target, count: number, concurrency: number): Promise<Round> {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = cpuMs(target.pid);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const id = next++;
        const t0 = performance.now();
        await call(target, id);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return {
    latencies,
    seconds: (performance.now() - started) / 1000,
    cpuMs: cpuMs(target.pid) - cpu0,
  };
}

/** Starts the shipped server bundle over HTTP and waits for its health check. */
async function startServer(
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; pid: number }> {
  const port = await freePort();
  const { child, output } = spawnServer(['--transport', 'http', '--log-level', 'warn'], {
    ...env,
    EKA_MCP_HOME: BENCH_HOME,
    EKA_MCP_SERVER_PORT: String(port),
    ...(env.FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID
      ? { FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: `http://127.0.0.1:${port}` }
      : {}),
  });
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
  return { url: `http://127.0.0.1:${port}/mcp`, child, pid: child.pid as number };
}

/** Starts a baseline (bench/proxy.mjs or bench/sdk-floor.mjs) in its own process. */
function startBaseline(
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; child: ChildProcess; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, script)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) {
        const { port } = JSON.parse(out) as { port: number };
        resolve({ url: `http://127.0.0.1:${port}/mcp`, child, pid: child.pid as number });
      }
    });
    child.on('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  });
}

const fmt = (f: Figures) =>
  `${f.rps.toFixed(0).padStart(6)} req/s   p50 ${f.p50.toFixed(1).padStart(6)} ms   p99 ${f.p99.toFixed(1).padStart(6)} ms   cpu ${f.cpu.toFixed(2)} ms/call`;
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

const { info: sandbox, child: sandboxProcess } = await startSandboxProcess();
const children: ChildProcess[] = [sandboxProcess];
try {
  const { client_id, client_secret, api_key } = sandbox.clients.integrator;
  const login = async () => {
    const response = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id, client_secret, api_key }),
    });
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const base = { EKA_API_BASE_URL: sandbox.apiBaseUrl };
  const proxy = await startBaseline('proxy.mjs', {
    ...base,
    EKA_TOKEN: await login(),
    EKA_CLIENT_ID: client_id,
  });
  const floor = await startBaseline('sdk-floor.mjs', {
    ...base,
    EKA_TOKEN: await login(),
    EKA_CLIENT_ID: client_id,
  });
  const openEnv = {
    ...base,
    EKA_CLIENT_ID: client_id,
    EKA_CLIENT_SECRET: client_secret,
    EKA_API_KEY: api_key,
  };
  // One process per target of ours, so each gets the same traffic and is as warm as the others.
  const open = await startServer(openEnv);
  const openLegacy = await startServer(openEnv);
  const oauth = await startServer({
    ...base,
    FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: sandbox.clients.server.client_id,
    FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET: sandbox.clients.server.client_secret,
    FASTMCP_SERVER_AUTH_EKACARE_ISSUER: sandbox.issuer,
  });
  children.push(proxy.child, floor.child, open.child, openLegacy.child, oauth.child);
  const token = await login();

  const targets = {
    proxy: {
      label: 'minimal Node proxy',
      url: proxy.url,
      pid: proxy.pid,
      headers: JSON_POST,
      body: legacyBody,
    },
    floor: {
      label: `SDK v2 floor, ${MODERN}`,
      url: floor.url,
      pid: floor.pid,
      headers: MODERN_HEADERS,
      body: modernBody,
    },
    modern: {
      label: `ours, open, ${MODERN}`,
      url: open.url,
      pid: open.pid,
      headers: MODERN_HEADERS,
      body: modernBody,
    },
    legacy: {
      label: 'ours, open, 2025-06-18',
      url: openLegacy.url,
      pid: openLegacy.pid,
      headers: { ...JSON_POST, 'mcp-protocol-version': '2025-06-18' },
      body: legacyBody,
    },
    oauth: {
      label: `ours, OAuth cached, ${MODERN}`,
      url: oauth.url,
      pid: oauth.pid,
      headers: { ...MODERN_HEADERS, authorization: `Bearer ${token}` },
      body: modernBody,
    },
  } satisfies Record<string, Target>;
  const all = Object.values(targets);

  // Token checks at Eka while OAuth calls are measured (the sandbox's request log, cleared before each round).
  let checks = 0;
  const log = `${sandbox.apiBaseUrl}/__sandbox/requests`;
  const measure = async (target: Target, count: number, concurrency: number): Promise<Round> => {
    if (target !== targets.oauth) return drive(target, count, concurrency);
    await fetch(log, { method: 'DELETE' });
    const figures = await drive(target, count, concurrency);
    const logged = (await (await fetch(log)).json()) as { requests: { path: string }[] };
    checks += logged.requests.filter((e) => e.path === '/connect-auth/v1/account/validate').length;
    return figures;
  };

  console.log(`Load average at start (1, 5, 15 min): ${load()}   cores: ${availableParallelism()}`);
  console.log(
    `Eka MCP HTTP benchmark: ${REQUESTS} tools/call (${CALL.name}) per target and concurrency, sandbox, proxy and servers in their own processes`,
  );
  for (const target of all) await drive(target, WARMUP, 16);

  for (const concurrency of CONCURRENCIES) {
    // ROUNDS rounds of about REQUESTS / ROUNDS calls per target, the order reversed every other round.
    const rounds = new Map<Target, Round[]>(all.map((target) => [target, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const count = Math.floor(REQUESTS / ROUNDS) + (round < REQUESTS % ROUNDS ? 1 : 0);
      for (const target of round % 2 === 0 ? all : [...all].reverse()) {
        rounds.get(target)?.push(await measure(target, count, concurrency));
      }
    }
    const result = new Map<Target, Figures>(all.map((target) => [target, pool(rounds.get(target) ?? [])]));
    const baseline = result.get(targets.proxy) as Figures;
    const floorF = result.get(targets.floor) as Figures;
    console.log(`concurrency ${concurrency}`);
    for (const target of all) {
      const f = result.get(target) as Figures;
      const ratios =
        target === targets.proxy
          ? ''
          : `   vs proxy: throughput ${(f.rps / baseline.rps).toFixed(2)} (aim >= 0.85), p99 ${(f.p99 / baseline.p99).toFixed(2)} (aim <= 1.5), cpu ${(f.cpu / baseline.cpu).toFixed(2)}${
              target === targets.floor
                ? ''
                : `   vs SDK floor: throughput ${(f.rps / floorF.rps).toFixed(2)}, cpu ${(f.cpu / floorF.cpu).toFixed(2)}`
            }`;
      console.log(`  ${target.label.padEnd(30)} ${fmt(f)}${ratios}`);
    }
    const openF = result.get(targets.modern) as Figures;
    const oauthF = result.get(targets.oauth) as Figures;
    console.log(
      `  OAuth cached / open (${MODERN}): throughput ${(oauthF.rps / openF.rps).toFixed(2)} (aim >= 0.95), p99 ${(oauthF.p99 / openF.p99).toFixed(2)}`,
    );
  }
  console.log(`Eka token checks during the measured OAuth calls: ${checks}`);
  console.log(`Load average at end (1, 5, 15 min): ${load()}`);
} finally {
  for (const child of children) child.kill('SIGTERM');
}
