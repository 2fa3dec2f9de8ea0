/**
 * Test harness: spawns the built server bundle with a real MCP client over
 * stdio, pointed at a running sandbox, and reads tool results. The client is
 * the SDK v2 client speaking MCP 2026-07-28 (every tool's results then pass
 * the newest protocol's checks); test/server/protocol-versions.test.ts covers
 * the 2025-era clients.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CallToolResult, Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
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

/**
 * PATH, HOME, the session-bus variables the OS keychain needs and the test
 * run's settings folder (see global-setup.ts), and nothing else from the
 * test's environment.
 */
export function keychainEnv(): Record<string, string> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'EKA_MCP_HOME']) {
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

/**
 * The SDK's stdio transport, subclassed so the client's 2026-07-28 probe runs
 * on this connection (the SDK probes the plain class in a throwaway second
 * process, which would be a second server reading the same keychain).
 */
class OneProcessStdioTransport extends StdioClientTransport {}

/** Starts the bundled server with a clean environment plus `env`, connected to an SDK client. */
export async function startServer(env: Record<string, string>, args: string[] = []): Promise<ServerHandle> {
  const transport = new OneProcessStdioTransport({
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
  const client = new Client(
    { name: 'eka-mcp-tests', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
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
