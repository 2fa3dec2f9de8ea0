import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ParseError, parse } from 'jsonc-parser';
import type { ConnectionContext } from '../../app/core/client-configs';
import type { ClientId, EntrySettings, Install } from '../../app/core/client-configs/types';

export const FIXTURES = fileURLToPath(new URL('../fixtures/client-configs', import.meta.url));

/** The file name each client uses, so copies look like the real thing. */
export const FILE_NAMES: Record<ClientId, string> = {
  claude: 'claude_desktop_config.json',
  cursor: 'mcp.json',
  vscode: 'mcp.json',
  windsurf: 'mcp_config.json',
  'claude-code': '.claude.json',
};

/** A packaged install under a folder with spaces, as on macOS or Windows. */
export const PACKAGED_INSTALL: Install = {
  runtime: '/Applications/Eka MCP.app/Contents/MacOS/Eka MCP',
  serverPath: '/Applications/Eka MCP.app/Contents/Resources/app.asar.unpacked/dist/server/eka-mcp-server.mjs',
  runAsNode: true,
};

export const OIDC_SETTINGS: EntrySettings = { mode: 'oidc', environment: 'production' };

/** A context whose home is `home` on Linux, with the packaged install. */
export function testContext(home: string, overrides: Partial<ConnectionContext> = {}): ConnectionContext {
  return {
    os: { platform: 'linux', homedir: home, env: { XDG_CONFIG_HOME: join(home, '.config') } },
    install: PACKAGED_INSTALL,
    settings: OIDC_SETTINGS,
    ...overrides,
  };
}

/** A fresh temporary folder and its cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'eka-client-configs-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Parses config text as JSONC (BOM, comments, trailing commas), failing the test on any error. */
export function parseLoose(text: string): Record<string, unknown> {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return {};
  const errors: ParseError[] = [];
  const value = parse(body, errors, { allowTrailingComma: true });
  if (errors.length > 0) throw new Error(`test fixture does not parse: ${JSON.stringify(errors)}`);
  return value as Record<string, unknown>;
}

/** The differing middle of two texts: what was removed from `before` and added in `after`, and where. */
export function changedRegion(
  before: string,
  after: string,
): { start: number; removed: string; added: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let tail = 0;
  while (
    tail < before.length - start &&
    tail < after.length - start &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) {
    tail++;
  }
  return {
    start,
    removed: before.slice(start, before.length - tail),
    added: after.slice(start, after.length - tail),
  };
}
