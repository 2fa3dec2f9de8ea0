/**
 * Server benchmark (not a test): cold start and tool-call overhead, each as a
 * ratio measured in the same run.
 *
 * - Cold start: spawn to the first `tools/list` reply, median of several
 *   interleaved runs, of the bundled server (dist/server/eka-mcp-server.mjs)
 *   against a bare one-tool McpServer started the usual unbundled way
 *   (bench/bare-server.mjs: plain node importing the SDK from node_modules).
 *   Wall-clock time and the child's CPU time (user + system, Linux) are both
 *   reported: CPU time is what the start costs; wall time also shows how busy
 *   the machine was.
 * - Tool-call overhead: `search_patients` through the server (the SDK's
 *   Client over stdio, client-credentials mode) against the sandbox vs the
 *   same HTTP request made directly with Node's fetch (keep-alive; the server
 *   uses Node's HTTP client with keep-alive, which costs less per call) to the
 *   sandbox running in a process of its own (as Eka is elsewhere), after a
 *   warm-up, over several hundred interleaved calls: median and p95. Once
 *   against the sandbox as it is and once with a simulated 20 ms upstream
 *   latency (closer to a real network). For scale, the same client calling
 *   the bare server's echo tool shows what one MCP round trip over stdio
 *   costs before any Eka work.
 *
 * The machine's load average is printed with the figures: on a busy machine
 * every figure grows, the ratios less so.
 *
 *   npm run bench [-- --runs 21 --calls 500 --bundle path/to/bundle.mjs]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { startSandboxProcess } from './sandbox-process';

const ROOT = join(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '21' },
    calls: { type: 'string', default: '500' },
    bundle: { type: 'string', default: join(ROOT, 'dist/server/eka-mcp-server.mjs') },
  },
});
const RUNS = Number(values.runs);
const CALLS = Number(values.calls);
const BUNDLE = values.bundle;
const BARE = join(ROOT, 'bench/bare-server.mjs');
const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux.
/** The servers' settings folder for this run (their activity journal goes there, not to the user's). */
const BENCH_HOME = mkdtempSync(join(tmpdir(), 'eka-bench-home-'));
process.on('exit', () => rmSync(BENCH_HOME, { recursive: true, force: true }));

interface Start {
  wallMs: number;
  cpuMs: number | undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The 95th percentile (nearest rank). */
function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

interface Latency {
  median: number;
  p95: number;
}

const latency = (values: number[]): Latency => ({ median: median(values), p95: p95(values) });

/** user + system CPU time of a live process, from /proc (Linux only). */
function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  } catch {
    return undefined;
  }
}

/** Spawns `file`, sends initialize + tools/list at once, and times the tools/list reply. */
function coldStart(file: string): Promise<Start> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [file], {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: {
        PATH: process.env.PATH ?? '',
        EKA_MCP_HOME: BENCH_HOME,
        EKA_MCP_MODE: 'open',
        EKA_API_BASE_URL: 'http://127.0.0.1:9',
      },
      cwd: ROOT,
    });
    const send = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'bench', version: '1' },
      },
    });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (!out.includes('"id":2')) return;
      const wallMs = performance.now() - started;
      const cpuMs = child.pid ? cpuTimeMs(child.pid) : undefined;
      child.kill();
      resolve({ wallMs, cpuMs });
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!out.includes('"id":2')) reject(new Error(`${file} exited (${code}) before answering tools/list`));
    });
  });
}

async function benchColdStart() {
  const ours: Start[] = [];
  const bare: Start[] = [];
  await coldStart(BUNDLE);
  await coldStart(BARE);
  for (let i = 0; i < RUNS; i++) {
    ours.push(await coldStart(BUNDLE));
    bare.push(await coldStart(BARE));
  }
  const wall = { ours: median(ours.map((s) => s.wallMs)), bare: median(bare.map((s) => s.wallMs)) };
  const wallP95 = { ours: p95(ours.map((s) => s.wallMs)), bare: p95(bare.map((s) => s.wallMs)) };
  const cpuOurs = ours.map((s) => s.cpuMs).filter((v): v is number => v !== undefined);
  const cpuBare = bare.map((s) => s.cpuMs).filter((v): v is number => v !== undefined);
  const cpu =
    cpuOurs.length === RUNS && cpuBare.length === RUNS
      ? { ours: median(cpuOurs), bare: median(cpuBare) }
      : undefined;
  return { wall, wallP95, cpu };
}

async function benchOverhead() {
  const { info: sandbox, child: sandboxProcess } = await startSandboxProcess();
  const { client_id, client_secret, api_key } = sandbox.clients.integrator;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BUNDLE],
    env: {
      PATH: process.env.PATH ?? '',
      EKA_MCP_HOME: BENCH_HOME,
      EKA_API_BASE_URL: sandbox.apiBaseUrl,
      EKA_CLIENT_ID: client_id,
      EKA_CLIENT_SECRET: client_secret,
      EKA_API_KEY: api_key,
      EKA_LOG_LEVEL: 'warn',
    },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(transport);
  // As a real client does: list the tools first (the SDK's Client then checks
  // every structuredContent against the tool's output schema).
  await client.listTools();

  const login = (await (
    await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id, client_secret, api_key }),
    })
  ).json()) as { access_token: string };
  const directUrl = `${sandbox.apiBaseUrl}/profiles/v1/patient/search?prefix=a&limit=10&select=dob%2Cgen%2Cabha`;
  const headers = {
    authorization: `Bearer ${login.access_token}`,
    'client-id': client_id,
    accept: 'application/json',
  };

  const viaServer = async () => {
    const t = performance.now();
    const result = await client.callTool({ name: 'search_patients', arguments: { prefix: 'a', limit: 10 } });
    if (result.isError) throw new Error('search_patients failed during the benchmark');
    return performance.now() - t;
  };
  const direct = async () => {
    const t = performance.now();
    const response = await fetch(directUrl, { headers });
    const body = (await response.json()) as unknown[];
    if (!response.ok || !Array.isArray(body)) throw new Error('direct search failed during the benchmark');
    return performance.now() - t;
  };

  // The bare SDK server's echo tool through the same kind of client: one MCP
  // round trip over stdio with no upstream call, for scale.
  const bare = new Client({ name: 'bench', version: '1' });
  await bare.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [BARE],
      env: { PATH: process.env.PATH ?? '' },
      stderr: 'ignore',
    }),
  );
  await bare.listTools();
  const echo = async () => {
    const t = performance.now();
    await bare.callTool({ name: 'echo', arguments: { text: 'a' } });
    return performance.now() - t;
  };

  const WARM_UP = 50;
  const measure = async (calls: number) => {
    const a: number[] = [];
    const b: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < WARM_UP; i++) {
      await viaServer();
      await direct();
      await echo();
    }
    for (let i = 0; i < calls; i++) {
      a.push(await viaServer());
      b.push(await direct());
      c.push(await echo());
    }
    return { server: latency(a), direct: latency(b), echo: latency(c) };
  };

  try {
    const local = await measure(CALLS);
    const added = await fetch(`${sandbox.apiBaseUrl}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'GET',
        path: '/profiles/v1/patient/search',
        fault: { kind: 'delay', ms: 20 },
      }),
    });
    if (added.status !== 201) throw new Error(`the sandbox refused the delay fault (${added.status})`);
    const delayed = await measure(Math.max(100, Math.floor(CALLS / 2)));
    return { local, delayed };
  } finally {
    await client.close();
    await bare.close();
    sandboxProcess.kill();
  }
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
console.log(`Load average at start (1, 5, 15 min): ${load()}   cores: ${availableParallelism()}`);
const cold = await benchColdStart();
console.log(`Cold start, spawn to first tools/list reply (median of ${RUNS} interleaved runs)`);
console.log(
  `  bundled server   wall ${fmt(cold.wall.ours)} (p95 ${fmt(cold.wallP95.ours)})${cold.cpu ? `   cpu ${fmt(cold.cpu.ours)}` : ''}`,
);
console.log(
  `  bare SDK server  wall ${fmt(cold.wall.bare)} (p95 ${fmt(cold.wallP95.bare)})${cold.cpu ? `   cpu ${fmt(cold.cpu.bare)}` : ''}`,
);
console.log(
  `  ratio            wall ${(cold.wall.ours / cold.wall.bare).toFixed(2)}${cold.cpu ? `   cpu ${(cold.cpu.ours / cold.cpu.bare).toFixed(2)}` : ''}   (aim <= 0.60)`,
);

const overhead = await benchOverhead();
const row = (label: string, r: { server: Latency; direct: Latency; echo: Latency }, aim = '') =>
  [
    `  ${label}`,
    `    via server  median ${fmt(r.server.median)}   p95 ${fmt(r.server.p95)}`,
    `    direct      median ${fmt(r.direct.median)}   p95 ${fmt(r.direct.p95)}`,
    `    ratio       median ${(r.server.median / r.direct.median).toFixed(2)}   p95 ${(r.server.p95 / r.direct.p95).toFixed(2)}${aim}`,
    `    added       median ${fmt(r.server.median - r.direct.median)}   (bare SDK echo tool round trip: median ${fmt(r.echo.median)})`,
  ].join('\n');
console.log(
  `Tool-call overhead, search_patients via the server vs the same request direct (${CALLS} and ${Math.max(100, Math.floor(CALLS / 2))} interleaved calls after a warm-up)`,
);
console.log(row('sandbox as is', overhead.local, '   (aim < 1.2)'));
console.log(row('+20 ms upstream latency', overhead.delayed));
console.log(`Load average at end (1, 5, 15 min): ${load()}`);
