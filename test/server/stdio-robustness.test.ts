/**
 * The stdio server never outlives its client and never spins. Regression:
 * after the demo stopped, a server whose stderr had closed looped at 100%
 * CPU and ignored SIGTERM, because its crash handler logged the EPIPE to
 * the stderr that had just failed.
 *
 * CPU use is read from /proc/<pid>/stat (user + system clock ticks), so the
 * check does not depend on how busy the machine is.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_CWD, SERVER_BUNDLE } from './harness';

const linux = process.platform === 'linux';

/** user + system CPU time of a live process, in clock ticks (1/100 s on Linux). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const line = (message: unknown) => `${JSON.stringify(message)}\n`;
const initialize = line({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'robustness', version: '1' },
  },
});
const toolsList = (id: number) => line({ jsonrpc: '2.0', id, method: 'tools/list' });

interface Running {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the wall time at which the process exited. */
  exited: Promise<number>;
  stdout(): string;
  /** Resolves once stdout holds the reply to request `id`. */
  reply(id: number): Promise<void>;
}

const started: Running[] = [];

afterEach(() => {
  for (const { child } of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Starts the bundle in open mode, debug logging (so it writes to stderr often), and waits until it is ready. */
async function startServer(): Promise<Running> {
  const child = spawn(process.execPath, [SERVER_BUNDLE], {
    cwd: EMPTY_CWD,
    env: {
      PATH: process.env.PATH ?? '',
      EKA_MCP_MODE: 'open',
      EKA_API_BASE_URL: 'http://127.0.0.1:9',
      EKA_LOG_LEVEL: 'debug',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
  let stdout = '';
  const waiters: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const wake of waiters.splice(0)) wake();
  });
  const running: Running = {
    child,
    exited,
    stdout: () => stdout,
    reply: (id) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (stdout.includes(`"id":${id}`)) resolve();
          else if (child.exitCode !== null) reject(new Error(`the server exited before answering ${id}`));
          else waiters.push(check);
        };
        check();
      }),
  };
  started.push(running);
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    const onData = (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('ready on stdio')) {
        child.stderr.off('data', onData);
        resolve();
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`the server exited (${code}) before it was ready: ${stderr}`)),
    );
  });
  child.stdin.write(initialize);
  await running.reply(1);
  return running;
}

/** Closes the read end of the server's stderr, then makes it log (a garbage line, a request) until it has hit the closed pipe. */
async function closeStderr(server: Running): Promise<void> {
  server.child.stderr.destroy();
  for (let id = 2; id < 5; id++) {
    server.child.stdin.write('this is not JSON\n');
    server.child.stdin.write(toolsList(id));
    await server.reply(id);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(linux)('stdio server robustness', { timeout: 20_000 }, () => {
  it('with stderr closed it keeps answering, uses no CPU while idle, and exits within a second of stdin closing', async () => {
    const server = await startServer();
    await closeStderr(server);
    const pid = server.child.pid as number;

    const before = cpuTicks(pid);
    await sleep(1500);
    const after = cpuTicks(pid);
    // Idle means a tick or two of timer noise at most, nowhere near the 150 ticks a spinning loop burns here.
    expect(after - before).toBeLessThanOrEqual(3);

    // Still serving over stdout.
    server.child.stdin.write(toolsList(9));
    await server.reply(9);

    const closedAt = performance.now();
    server.child.stdin.end();
    const exitedAt = await server.exited;
    expect(exitedAt - closedAt).toBeLessThan(1000);
    expect(server.child.exitCode).toBe(0);
  });

  it('SIGTERM ends it', async () => {
    const server = await startServer();
    const sentAt = performance.now();
    server.child.kill('SIGTERM');
    const exitedAt = await server.exited;
    expect(exitedAt - sentAt).toBeLessThan(1000);
  });

  it('SIGTERM ends it with stderr closed', async () => {
    const server = await startServer();
    await closeStderr(server);
    const sentAt = performance.now();
    server.child.kill('SIGTERM');
    const exitedAt = await server.exited;
    expect(exitedAt - sentAt).toBeLessThan(1000);
  });

  it('exits within a second once stdout is gone, even with stdin still open', async () => {
    const server = await startServer();
    server.child.stdout.destroy();
    const sentAt = performance.now();
    // The answer hits the closed pipe (EPIPE): no client can read us any more.
    server.child.stdin.write(toolsList(2));
    const exitedAt = await server.exited;
    expect(exitedAt - sentAt).toBeLessThan(1000);
    expect(server.child.stdin.writableEnded).toBe(false);
  });
});
