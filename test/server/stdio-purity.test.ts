/**
 * stdout is the protocol: whatever arrives on stdin (garbage, half-written
 * JSON, non-JSON-RPC objects, a line larger than the limit, huge valid
 * requests) the server keeps answering valid requests and every line it
 * writes to stdout is a JSON-RPC message. Startup failures write to stderr
 * only.
 */
import { spawn } from 'node:child_process';
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index';
import { EMPTY_CWD, SERVER_BUNDLE } from './harness';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundle, feeds `chunks` to stdin one by one, closes stdin and waits for the exit. */
/** The test run's settings folder (global-setup.ts), so the server's journal stays out of the user's. */
function testHome(): Record<string, string> {
  return process.env.EKA_MCP_HOME ? { EKA_MCP_HOME: process.env.EKA_MCP_HOME } : {};
}

function runServer(args: string[], env: Record<string, string>, chunks: (string | Buffer)[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER_BUNDLE, ...args], {
      cwd: EMPTY_CWD,
      env: { PATH: process.env.PATH ?? '', ...testHome(), ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    // 'close', not 'exit': the process can exit before its stdout and stderr have been read to the end.
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    (async () => {
      for (const chunk of chunks) {
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
      // Give the server time to answer before stdin closes.
      await waitFor(() => stdout.includes('"id":"last"'));
      child.stdin.end();
    })().catch(reject);
  });
}

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

const line = (message: unknown) => `${JSON.stringify(message)}\n`;
const initialize = line({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'purity', version: '1' } },
});
const initialized = line({ jsonrpc: '2.0', method: 'notifications/initialized' });
const last = line({ jsonrpc: '2.0', id: 'last', method: 'ping' });

function parseAll(stdout: string) {
  const lines = stdout.split('\n').filter((l) => l !== '');
  return lines.map((l) => {
    const parsed = JSONRPCMessageSchema.safeParse(JSON.parse(l));
    expect(parsed.success, l.slice(0, 200)).toBe(true);
    return parsed.data as {
      id?: string | number;
      result?: Record<string, unknown>;
      error?: { code: number };
    };
  });
}

const ENV = { EKA_MCP_MODE: 'open', EKA_API_BASE_URL: 'http://127.0.0.1:9', EKA_LOG_LEVEL: 'debug' };

describe('stdio purity', () => {
  it('survives garbage, half-written JSON, non-JSON-RPC objects and an over-long line', async () => {
    const overLong = Buffer.alloc(17 * 1024 * 1024, 'x');
    const run = await runServer([], ENV, [
      initialize,
      initialized,
      'this is not json\n',
      '{"jsonrpc":"2.0","id":50,"method":\n',
      '\n\r\n   \n',
      line({ id: 77, hello: 'world' }),
      line([1, 2, 3]),
      overLong,
      overLong.subarray(0, 1024),
      '\n',
      line({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
      // Half a request, then the rest in a later chunk: one valid message.
      '{"jsonrpc":"2.0","id":3,',
      '"method":"ping"}\n',
      line({
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: { name: 'search_patients', arguments: { prefix: '' } },
      }),
      line({ jsonrpc: '2.0', id: 5, method: 'no/such/method' }),
      last,
    ]);
    expect(run.code).toBe(0);
    const messages = parseAll(run.stdout);
    const byId = new Map(messages.map((m) => [m.id, m]));
    expect(byId.get(1)?.result?.serverInfo).toMatchObject({ name: 'eka-mcp' });
    expect((byId.get(2)?.result?.tools as unknown[]).length).toBe(28);
    expect(byId.get(3)?.result).toEqual({});
    expect(byId.get(4)?.result).toMatchObject({ isError: true });
    expect(byId.get(5)?.error?.code).toBe(-32601);
    expect(byId.get(77)?.error?.code).toBe(-32600);
    expect(byId.has(50)).toBe(false);
    expect(run.stderr).toMatch(/not JSON/);
    expect(run.stderr).toMatch(/longer than the limit/);
  });

  it('answers huge but valid requests with a validation error, not a crash', async () => {
    const huge = 'R'.repeat(2 * 1024 * 1024);
    const run = await runServer([], ENV, [
      initialize,
      initialized,
      line({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: { name: 'search_patients', arguments: { prefix: huge } },
      }),
      last,
    ]);
    const messages = parseAll(run.stdout);
    const reply = messages.find((m) => m.id === 9);
    expect(reply?.result).toMatchObject({ isError: true });
    expect(JSON.stringify(reply)).toMatch(/too long/);
    expect(JSON.stringify(reply).length).toBeLessThan(10_000);
  });
});

describe('stdin closing', () => {
  it('answers the requests already received before exiting (regression: exit on EOF dropped them)', async () => {
    const sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
    try {
      sandbox.faults.add({
        method: 'GET',
        path: '/dr/v1/business/entities',
        fault: { kind: 'delay', ms: 400 },
      });
      const child = spawn(process.execPath, [SERVER_BUNDLE], {
        cwd: EMPTY_CWD,
        env: {
          PATH: process.env.PATH ?? '',
          ...testHome(),
          EKA_MCP_MODE: 'open',
          EKA_API_BASE_URL: sandbox.apiBaseUrl,
        },
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString('utf8');
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.stdin.end(
        initialize +
          initialized +
          line({
            jsonrpc: '2.0',
            id: 7,
            method: 'tools/call',
            params: { name: 'get_business_entities', arguments: {} },
          }),
      );
      expect(await exited).toBe(0);
      const reply = parseAll(stdout).find((m) => m.id === 7);
      expect(reply?.result).toMatchObject({ isError: true });
      expect(JSON.stringify(reply)).toMatch(/auth_required/);
    } finally {
      await sandbox.stop();
    }
  });
});

describe('startup failures write to stderr only', () => {
  function exitOf(args: string[], env: Record<string, string>): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [SERVER_BUNDLE, ...args], {
        cwd: EMPTY_CWD,
        env: { PATH: process.env.PATH ?? '', ...testHome(), ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c;
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c;
      });
      child.on('error', reject);
      // 'close', not 'exit': the process can exit before its stdout and stderr have been read to the end.
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });
  }

  it.each([
    [['--bogus-flag'], {}, /Unknown option '--bogus-flag'.*--help/s],
    [[], { EKA_MCP_MODE: 'sometimes' }, /mode.*must be one of open, client-credentials, oidc/],
    [['--api-base-url', 'not a url'], {}, /must be an http\(s\) URL/],
    [[], { EKA_LOG_LEVEL: 'loud' }, /log level.*error, warn, info or debug/],
  ] as const)('%j %j exits 2 with a clear message', async (args, env, message) => {
    const run = await exitOf([...args], { ...env });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  });

  it('prints --help on stderr, keeping stdout clean', async () => {
    const run = await exitOf(['--help'], {});
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Usage: eka-mcp-server/);
  });

  it('never echoes the client secret in a startup error', async () => {
    const run = await exitOf(['--mode', 'client-credentials', '--log-level', 'loud'], {
      EKA_CLIENT_ID: 'id',
      EKA_CLIENT_SECRET: 'super-secret-value',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain('super-secret-value');
  });
});
