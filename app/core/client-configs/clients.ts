import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';
import { ClientConfigError } from './errors';
import { CLIENT_IDS, type ClientId, type ConfigLocation, type OsFacts } from './types';

/** What differs between clients: file, section key, syntax and entry shape. */
export interface ClientDefinition {
  id: ClientId;
  label: string;
  /** The object holding the servers: `mcpServers`, or `servers` for VS Code. */
  sectionKey: 'mcpServers' | 'servers';
  /** Whether the client reads comments and trailing commas (JSONC) rather than strict JSON. */
  jsonc: boolean;
  /** Whether entries carry `"type": "stdio"`. */
  typedEntries: boolean;
  /** Shown after a change. */
  restartHint: string;
}

export const CLIENTS: Record<ClientId, ClientDefinition> = {
  claude: {
    id: 'claude',
    label: 'Claude Desktop',
    sectionKey: 'mcpServers',
    jsonc: false,
    typedEntries: false,
    restartHint:
      'Quit Claude Desktop completely (from the tray or menu bar, not just the window) and reopen it.',
  },
  cursor: {
    id: 'cursor',
    label: 'Cursor',
    sectionKey: 'mcpServers',
    jsonc: true,
    typedEntries: false,
    restartHint: 'Quit and reopen Cursor (or reload its MCP servers in Settings > MCP).',
  },
  vscode: {
    id: 'vscode',
    label: 'VS Code',
    sectionKey: 'servers',
    jsonc: true,
    typedEntries: true,
    restartHint: 'Quit and reopen VS Code (or run "MCP: List Servers" and start eka-care).',
  },
  windsurf: {
    id: 'windsurf',
    label: 'Windsurf',
    sectionKey: 'mcpServers',
    jsonc: false,
    typedEntries: false,
    restartHint: 'Quit and reopen Windsurf (or refresh its MCP servers in Cascade).',
  },
  'claude-code': {
    id: 'claude-code',
    label: 'Claude Code',
    sectionKey: 'mcpServers',
    jsonc: false,
    typedEntries: true,
    restartHint: 'Start a new Claude Code session (exit and run `claude` again).',
  },
};

/** The folder of the Microsoft Store (MSIX) package of Claude Desktop under `%LOCALAPPDATA%\Packages`. */
export const CLAUDE_MSIX_PACKAGE = 'Claude_pzs8sxrjxfjjc';

const ALIASES: Record<string, ClientId> = {
  claude: 'claude',
  'claude-desktop': 'claude',
  cursor: 'cursor',
  vscode: 'vscode',
  code: 'vscode',
  'vs-code': 'vscode',
  windsurf: 'windsurf',
  'claude-code': 'claude-code',
};

/** The client named by `name` (`claude`, `cursor`, `vscode`, `windsurf`, `claude-code`), or a clear error. */
export function parseClientId(name: string): ClientId {
  const id = ALIASES[name.toLowerCase()];
  if (!id) {
    throw new ClientConfigError(
      'unknown-client',
      `Unknown client "${name}": use one of ${CLIENT_IDS.join(', ')}`,
    );
  }
  return id;
}

function pathApi(os: OsFacts) {
  return os.platform === 'win32' ? win32 : posix;
}

function appData(os: OsFacts): string {
  return os.env.APPDATA || win32.join(os.homedir, 'AppData', 'Roaming');
}

function localAppData(os: OsFacts): string {
  return os.env.LOCALAPPDATA || win32.join(os.homedir, 'AppData', 'Local');
}

/** `$XDG_CONFIG_HOME`, else `~/.config` (Linux and other Unixes). */
function xdgConfigHome(os: OsFacts): string {
  const value = os.env.XDG_CONFIG_HOME;
  return value && posix.isAbsolute(value) ? value : posix.join(os.homedir, '.config');
}

function claudeLocations(os: OsFacts, exists: (path: string) => boolean): ConfigLocation[] {
  const file = 'claude_desktop_config.json';
  if (os.platform === 'darwin') {
    const dir = posix.join(os.homedir, 'Library', 'Application Support', 'Claude');
    const installed =
      exists(dir) ||
      exists('/Applications/Claude.app') ||
      exists(posix.join(os.homedir, 'Applications', 'Claude.app'));
    return [{ path: posix.join(dir, file), installed }];
  }
  if (os.platform === 'win32') {
    const classicDir = win32.join(appData(os), 'Claude');
    const packageDir = win32.join(localAppData(os), 'Packages', CLAUDE_MSIX_PACKAGE);
    const msixDir = win32.join(packageDir, 'LocalCache', 'Roaming', 'Claude');
    const classic = { path: win32.join(classicDir, file), installed: exists(classicDir) };
    const msix = { path: win32.join(msixDir, file), installed: exists(packageDir) };
    // The Store build reads its virtualised copy; the classic installer the real AppData. When
    // exactly one of them is present that is the one Claude reads; otherwise write both.
    if (msix.installed && !classic.installed) return [msix];
    if (classic.installed && !msix.installed) return [classic];
    return [classic, msix];
  }
  const dir = posix.join(xdgConfigHome(os), 'Claude');
  return [{ path: posix.join(dir, file), installed: exists(dir) }];
}

function vscodeLocations(os: OsFacts, exists: (path: string) => boolean): ConfigLocation[] {
  let userDir: string;
  if (os.platform === 'darwin')
    userDir = posix.join(os.homedir, 'Library', 'Application Support', 'Code', 'User');
  else if (os.platform === 'win32') userDir = win32.join(appData(os), 'Code', 'User');
  else userDir = posix.join(xdgConfigHome(os), 'Code', 'User');
  const path = pathApi(os);
  return [{ path: path.join(userDir, 'mcp.json'), installed: exists(path.dirname(userDir)) }];
}

function homeFileLocation(
  os: OsFacts,
  exists: (path: string) => boolean,
  ...segments: string[]
): ConfigLocation[] {
  const path = pathApi(os);
  const file = path.join(os.homedir, ...segments);
  return [{ path: file, installed: exists(path.dirname(file)) }];
}

/**
 * Where `client` keeps its MCP config on this OS, with whether it looks installed there.
 *
 * Claude Desktop on Windows may yield two files (classic and Microsoft Store
 * installs) when it cannot tell which one the installed app reads.
 */
export function configLocations(client: ClientId, os: OsFacts): ConfigLocation[] {
  const exists = os.exists ?? existsSync;
  switch (client) {
    case 'claude':
      return claudeLocations(os, exists);
    case 'vscode':
      return vscodeLocations(os, exists);
    case 'cursor':
      return homeFileLocation(os, exists, '.cursor', 'mcp.json');
    case 'windsurf':
      return homeFileLocation(os, exists, '.codeium', 'windsurf', 'mcp_config.json');
    case 'claude-code': {
      const path = pathApi(os);
      const file = path.join(os.homedir, '.claude.json');
      return [{ path: file, installed: exists(file) || exists(path.join(os.homedir, '.claude')) }];
    }
  }
}

/** The OS facts of this process. */
export function currentOsFacts(): OsFacts {
  return { platform: process.platform, homedir: homedir(), env: process.env };
}
