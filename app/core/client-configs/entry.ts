import { ENVIRONMENTS } from '../../../server/config/environments';
import type { ClientDefinition } from './clients';
import type { EntrySettings, Install, McpServerEntry } from './types';

/** The file name of the bundled server; an entry running it is ours. */
export const SERVER_BUNDLE_NAME = 'eka-mcp-server.mjs';

/** The packaged app's server flag: its main process then serves MCP on stdio (no `runAsNode` fuse needed). */
export const MCP_STDIO_FLAG = '--mcp-stdio';

/** How the entry starts the server: the app's executable with the flag, or a runtime with the bundle path. */
function launchArgs(install: Install): string[] {
  return install.serverFlag ? [MCP_STDIO_FLAG] : [install.serverPath];
}

/**
 * The `eka-care` entry for this install and settings: the install's own
 * runtime, the absolute server path, the environment flag, and only
 * non-secret environment variables. It carries no mode: the server reads the
 * mode from the settings at start, so switching mode never outdates a client.
 */
export function buildEntry(install: Install, settings: EntrySettings): McpServerEntry {
  const args = [...launchArgs(install), '--env', settings.environment];
  const defaultApi = ENVIRONMENTS[settings.environment].apiBaseUrl;
  if (settings.apiBaseUrl && settings.apiBaseUrl.replace(/\/+$/, '') !== defaultApi) {
    args.push('--api-base-url', settings.apiBaseUrl);
  }
  const env: Record<string, string> = {};
  if (install.runAsNode) env.ELECTRON_RUN_AS_NODE = '1';
  if (settings.home) env.EKA_MCP_HOME = settings.home;
  if (settings.keychainService) env.EKA_MCP_KEYCHAIN_SERVICE = settings.keychainService;
  const entry: McpServerEntry = { command: install.runtime, args };
  if (Object.keys(env).length > 0) entry.env = env;
  return entry;
}

/** The entry in the shape `client` expects (VS Code and Claude Code add `"type": "stdio"`). */
export function entryForClient(client: ClientDefinition, entry: McpServerEntry): McpServerEntry {
  const { type: _type, ...rest } = entry;
  return client.typedEntries ? { type: 'stdio', ...rest } : rest;
}

/** Whether an entry was written before entries stopped carrying `--mode` (updated on the next Connect). */
export function isLegacyEntry(value: unknown): boolean {
  return (
    isOurEntry(value) &&
    Array.isArray((value as { args: unknown[] }).args) &&
    (value as { args: unknown[] }).args.includes('--mode')
  );
}

/** Whether an existing entry was written by Eka MCP (it runs our server bundle), whatever install it points at. */
export function isOurEntry(value: unknown): boolean {
  if (!isRecord(value) || !Array.isArray(value.args)) return false;
  const first = value.args[0];
  if (first === MCP_STDIO_FLAG) {
    // The packaged app's own executable: `Eka MCP` (macOS, Windows) or `eka-mcp-desktop` (Linux).
    return typeof value.command === 'string' && /(^|[\\/])eka[ -]mcp[^\\/]*$/i.test(value.command);
  }
  return typeof first === 'string' && /(^|[\\/])eka-mcp-server\.mjs$/.test(first);
}

/** The entry fields Eka MCP owns; anything else a client or user adds (`disabled`, `autoApprove`) is kept. */
const OWNED_KEYS = ['type', 'command', 'args', 'env'] as const;

function owned(value: Record<string, unknown>, key: (typeof OWNED_KEYS)[number]): unknown {
  const field = value[key];
  // An empty env is the same as none.
  if (key === 'env' && isRecord(field) && Object.keys(field).length === 0) return undefined;
  return field;
}

/** Whether an existing entry runs exactly what `expected` runs (extra fields the client added are ignored). */
export function sameEntry(current: unknown, expected: McpServerEntry): boolean {
  if (!isRecord(current)) return false;
  const want = expected as unknown as Record<string, unknown>;
  return OWNED_KEYS.every((key) => jsonEqual(owned(current, key), owned(want, key)));
}

/**
 * The entry to write over `current`: `expected`, keeping the extra fields of
 * an entry Eka MCP wrote before (a foreign entry is replaced whole).
 */
export function updatedEntry(current: unknown, expected: McpServerEntry): McpServerEntry {
  if (!isRecord(current) || !isOurEntry(current)) return expected;
  const extras = Object.fromEntries(
    Object.entries(current).filter(([key]) => !(OWNED_KEYS as readonly string[]).includes(key)),
  );
  return { ...expected, ...extras };
}

/** Whether two JSON values are equal, ignoring key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => key in b && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

/** Whether `value` is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
