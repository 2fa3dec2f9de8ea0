/**
 * Test harness: spawns the built server bundle with a real MCP client over
 * stdio, pointed at a running sandbox, and reads tool results.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Sandbox } from '../sandbox/index';

export const ROOT = join(import.meta.dirname, '..', '..');
export const SERVER_BUNDLE = join(ROOT, 'dist/server/eka-mcp-server.mjs');
/** A folder without .env files, so a developer's own settings never leak into tests. */
export const EMPTY_CWD = mkdtempSync(join(tmpdir(), 'eka-server-test-'));

export interface ServerHandle {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  close(): Promise<void>;
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

/** PATH, HOME and the session-bus variables the OS keychain needs, and nothing else from the test's environment. */
export function keychainEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME']) {
    const value = process.env[key];
    if (value) env[key] = value;
  }
  return env;
}

/** Environment for a server in client-credentials mode against the sandbox. */
export function credentialsEnv(sandbox: Sandbox): Record<string, string> {
  return {
    EKA_API_BASE_URL: sandbox.apiBaseUrl,
    EKA_CLIENT_ID: sandbox.clients.integrator.client_id,
    EKA_CLIENT_SECRET: sandbox.clients.integrator.client_secret,
    EKA_API_KEY: sandbox.clients.integrator.api_key,
  };
}

/** Environment for a server in open mode against the sandbox. */
export function openEnv(sandbox: Sandbox): Record<string, string> {
  return { EKA_API_BASE_URL: sandbox.apiBaseUrl, EKA_MCP_MODE: 'open' };
}

/** Starts the bundled server with a clean environment plus `env`, connected to an SDK client. */
export async function startServer(env: Record<string, string>, args: string[] = []): Promise<ServerHandle> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [SERVER_BUNDLE, ...args],
    env: {
      ...keychainEnv(),
      EKA_LOG_LEVEL: 'debug',
      EKA_HTTP_RETRY_BASE_MS: '20',
      ...env,
    },
    cwd: EMPTY_CWD,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'eka-mcp-tests', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    stderr: () => stderr,
    close: () => client.close(),
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult,
  };
}

/** The text of a tool result. */
export function textOf(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** The structured content of a successful tool result (throws with the text when it failed). */
export function structured<T = Record<string, unknown>>(result: CallToolResult): T {
  if (result.isError) throw new Error(`tool failed: ${textOf(result)}`);
  if (!result.structuredContent) throw new Error(`no structured content: ${textOf(result)}`);
  return result.structuredContent as T;
}

/** Today's IST date plus `days`, as YYYY-MM-DD. */
export function istDate(days = 0): string {
  return new Date(Date.now() + 5.5 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
