import { describe, expect, it } from 'vitest';
import { CLAUDE_MSIX_PACKAGE, configLocations, parseClientId } from '../../app/core/client-configs/clients';
import { ClientConfigError } from '../../app/core/client-configs/errors';
import type { OsFacts } from '../../app/core/client-configs/types';

function facts(
  platform: NodeJS.Platform,
  homedir: string,
  existing: string[],
  env: OsFacts['env'] = {},
): OsFacts {
  return { platform, homedir, env, exists: (path) => existing.includes(path) };
}

const WIN_HOME = 'C:\\Users\\Asha Rao';
const WIN_ENV = { APPDATA: `${WIN_HOME}\\AppData\\Roaming`, LOCALAPPDATA: `${WIN_HOME}\\AppData\\Local` };
const CLASSIC_DIR = `${WIN_HOME}\\AppData\\Roaming\\Claude`;
const PACKAGE_DIR = `${WIN_HOME}\\AppData\\Local\\Packages\\${CLAUDE_MSIX_PACKAGE}`;
const CLASSIC = `${CLASSIC_DIR}\\claude_desktop_config.json`;
const MSIX = `${PACKAGE_DIR}\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json`;

describe('config locations', () => {
  it('Claude Desktop on macOS lives in Application Support; the app bundle counts as installed', () => {
    const os = facts('darwin', '/Users/asha', ['/Applications/Claude.app']);
    expect(configLocations('claude', os)).toEqual([
      { path: '/Users/asha/Library/Application Support/Claude/claude_desktop_config.json', installed: true },
    ]);
  });

  it('Claude Desktop on Linux follows XDG_CONFIG_HOME, else ~/.config', () => {
    expect(configLocations('claude', facts('linux', '/home/asha', [], { XDG_CONFIG_HOME: '/xdg' }))).toEqual([
      { path: '/xdg/Claude/claude_desktop_config.json', installed: false },
    ]);
    expect(configLocations('claude', facts('linux', '/home/asha', ['/home/asha/.config/Claude']))).toEqual([
      { path: '/home/asha/.config/Claude/claude_desktop_config.json', installed: true },
    ]);
  });

  it('Claude Desktop on Windows: the classic file for the classic install', () => {
    expect(configLocations('claude', facts('win32', WIN_HOME, [CLASSIC_DIR], WIN_ENV))).toEqual([
      { path: CLASSIC, installed: true },
    ]);
  });

  it('Claude Desktop on Windows: the Store (MSIX) package reads its virtualised copy', () => {
    expect(configLocations('claude', facts('win32', WIN_HOME, [PACKAGE_DIR], WIN_ENV))).toEqual([
      { path: MSIX, installed: true },
    ]);
  });

  it('Claude Desktop on Windows: both files when both or neither are there', () => {
    expect(configLocations('claude', facts('win32', WIN_HOME, [PACKAGE_DIR, CLASSIC_DIR], WIN_ENV))).toEqual([
      { path: CLASSIC, installed: true },
      { path: MSIX, installed: true },
    ]);
    expect(configLocations('claude', facts('win32', WIN_HOME, [], WIN_ENV)).map((l) => l.path)).toEqual([
      CLASSIC,
      MSIX,
    ]);
  });

  it('Windows without APPDATA falls back to the profile folders', () => {
    expect(configLocations('vscode', facts('win32', WIN_HOME, [])).map((l) => l.path)).toEqual([
      `${WIN_HOME}\\AppData\\Roaming\\Code\\User\\mcp.json`,
    ]);
  });

  it('VS Code user mcp.json per OS', () => {
    expect(
      configLocations(
        'vscode',
        facts('darwin', '/Users/asha', ['/Users/asha/Library/Application Support/Code']),
      ),
    ).toEqual([{ path: '/Users/asha/Library/Application Support/Code/User/mcp.json', installed: true }]);
    expect(configLocations('vscode', facts('linux', '/home/asha', [])).map((l) => l.path)).toEqual([
      '/home/asha/.config/Code/User/mcp.json',
    ]);
    expect(configLocations('vscode', facts('win32', WIN_HOME, [], WIN_ENV)).map((l) => l.path)).toEqual([
      `${WIN_HOME}\\AppData\\Roaming\\Code\\User\\mcp.json`,
    ]);
  });

  it('Cursor, Windsurf and Claude Code live in the home folder on every OS', () => {
    const linux = facts('linux', '/home/asha', ['/home/asha/.cursor', '/home/asha/.claude']);
    expect(configLocations('cursor', linux)).toEqual([
      { path: '/home/asha/.cursor/mcp.json', installed: true },
    ]);
    expect(configLocations('windsurf', linux)).toEqual([
      { path: '/home/asha/.codeium/windsurf/mcp_config.json', installed: false },
    ]);
    expect(configLocations('claude-code', linux)).toEqual([
      { path: '/home/asha/.claude.json', installed: true },
    ]);
    const win = facts('win32', WIN_HOME, [], WIN_ENV);
    expect(configLocations('cursor', win)[0]?.path).toBe(`${WIN_HOME}\\.cursor\\mcp.json`);
    expect(configLocations('windsurf', win)[0]?.path).toBe(
      `${WIN_HOME}\\.codeium\\windsurf\\mcp_config.json`,
    );
    expect(configLocations('claude-code', win)[0]?.path).toBe(`${WIN_HOME}\\.claude.json`);
  });

  it('client names and aliases; an unknown name is a clear error', () => {
    expect(parseClientId('claude')).toBe('claude');
    expect(parseClientId('Claude-Desktop')).toBe('claude');
    expect(parseClientId('code')).toBe('vscode');
    expect(parseClientId('claude-code')).toBe('claude-code');
    expect(() => parseClientId('zed')).toThrow(ClientConfigError);
    expect(() => parseClientId('zed')).toThrow(/claude, cursor, vscode, windsurf, claude-code/);
  });
});
