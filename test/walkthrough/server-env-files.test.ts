/**
 * The bundled server as an integrator starts it: settings in `.env` and
 * `.env.<env>` in the working folder, no flags. Guards against the bundle
 * failing to load dotenv (CommonJS) and refusing to start with any `.env`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { keychainEnv, SERVER_BUNDLE } from '../server/harness';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('eka-mcp-server with .env files', () => {
  it('reads .env and .env.<env> from its working folder and serves tools in client-credentials mode', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'eka-env-files-'));
    const integrator = sandbox.clients.integrator;
    writeFileSync(
      join(cwd, '.env'),
      [
        'EKA_ENV=development',
        `EKA_CLIENT_ID=${integrator.client_id}`,
        `EKA_CLIENT_SECRET=${integrator.client_secret}`,
        `EKA_API_KEY=${integrator.api_key}`,
        'EKA_LOG_LEVEL=info',
        '',
      ].join('\n'),
    );
    writeFileSync(join(cwd, '.env.development'), `EKA_API_BASE_URL=${sandbox.apiBaseUrl}\n`);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [SERVER_BUNDLE],
      env: keychainEnv(),
      cwd,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const client = new Client({ name: 'env-files-test', version: '1.0.0' });
    try {
      await client.connect(transport).catch((error: unknown) => {
        throw new Error(`server did not start: ${stderr}`, { cause: error });
      });
      const result = (await client.callTool({
        name: 'search_patients',
        arguments: { prefix: 'a' },
      })) as CallToolResult;
      expect(result.isError ?? false).toBe(false);
      expect(stderr).toContain('"mode":"client-credentials"');
      expect(stderr).toContain(sandbox.apiBaseUrl);
      expect(stderr).not.toContain(integrator.client_secret);
    } finally {
      await client.close();
    }
  });
});

describe('eka-mcp-server with an unreadable .env', () => {
  it('names the file and exits 2 without writing to stdout', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'eka-env-files-'));
    mkdirSync(join(cwd, '.env'));
    const result = spawnSync(process.execPath, [SERVER_BUNDLE], { cwd, env: keychainEnv(), input: '' });
    expect(result.status).toBe(2);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr.toString().trim()).toBe(
      `eka-mcp-server: Cannot read ${join(cwd, '.env')} (EISDIR): make it a readable file or move it aside.`,
    );
  });
});

describe('eka-mcp-server --transport http on a port in use', () => {
  it('says so once, on one line, and exits 2', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const cwd = mkdtempSync(join(tmpdir(), 'eka-http-busy-'));
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          [SERVER_BUNDLE, '--transport', 'http', '--port', String(port)],
          {
            cwd,
            env: { ...keychainEnv(), EKA_MCP_MODE: 'open', EKA_CLIENT_ID: 'sandbox-integrator' },
          },
        );
        let stderr = '';
        child.stderr.on('data', (d) => {
          stderr += d;
        });
        child.on('close', (code) => resolve({ code, stderr }));
      });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `eka-mcp-server: Port ${port} on 127.0.0.1 is already in use; pick another with --port or EKA_MCP_SERVER_PORT.`,
      ]);
    } finally {
      busy.close();
    }
  });
});
