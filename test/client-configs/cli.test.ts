import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listBackups } from '../../app/core/client-configs';
import { FIXTURES, tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'eka-mcp.mjs');
const SERVER = join(ROOT, 'dist', 'server', 'eka-mcp-server.mjs');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function machine() {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    EKA_MCP_HOME: join(dir, 'eka home'),
    EKA_MCP_KEYCHAIN_SERVICE: 'Eka MCP CLI Test',
  };
  const cli = (...args: string[]) => {
    const run = spawnSync(process.execPath, [CLI, ...args], { env, cwd: dir, encoding: 'utf8' });
    return { code: run.status, stdout: run.stdout, stderr: run.stderr };
  };
  return { dir, env, cli };
}

describe('eka-mcp connect / disconnect / clients', () => {
  it('connect writes the entry for this install, says to restart, and a second connect changes nothing', async () => {
    const { dir, cli } = await machine();
    const path = join(dir, 'my config.json');
    await copyFile(join(FIXTURES, 'claude', 'unusual-keys.json'), path);

    const first = cli('connect', 'claude', '--config', path);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Connected Eka MCP to Claude Desktop.');
    expect(first.stdout).toContain('Quit Claude Desktop completely');
    const config = JSON.parse(await readFile(path, 'utf8'));
    expect(config.preferences.quickEntryShortcut).toBe('double-tap-option');
    const original = JSON.parse(await readFile(join(FIXTURES, 'claude', 'unusual-keys.json'), 'utf8'));
    expect(config.mcpServers['brave-search']).toEqual(original.mcpServers['brave-search']);
    expect(config.mcpServers['eka-care']).toEqual({
      command: process.execPath,
      args: [SERVER, '--env', 'production'],
      env: { EKA_MCP_HOME: join(dir, 'eka home'), EKA_MCP_KEYCHAIN_SERVICE: 'Eka MCP CLI Test' },
    });
    expect(await listBackups(path)).toHaveLength(1);

    const second = cli('connect', 'claude', '--config', path);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('already connected');
    expect(await listBackups(path)).toHaveLength(1);
  });

  it('an unparseable file: non-zero exit, one clear line on stderr, file untouched', async () => {
    const { dir, cli } = await machine();
    const path = join(dir, 'claude_desktop_config.json');
    await copyFile(join(FIXTURES, 'claude', 'invalid-missing-comma.json'), path);
    const before = await readFile(path);
    const run = cli('connect', 'claude', '--config', path);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toContain('line 5:7');
    expect(await readFile(path)).toEqual(before);
    expect(await listBackups(path)).toEqual([]);
  });

  it('disconnect gives back the original file byte for byte', async () => {
    const { dir, cli } = await machine();
    const path = join(dir, 'mcp.json');
    await copyFile(join(FIXTURES, 'cursor', 'comments.json'), path);
    const before = await readFile(path);
    expect(cli('connect', 'cursor', '--config', path).code).toBe(0);
    const off = cli('disconnect', 'cursor', '--config', path);
    expect(off.code).toBe(0);
    expect(off.stdout).toContain('Disconnected Eka MCP from Cursor.');
    expect(await readFile(path)).toEqual(before);
    expect(cli('disconnect', 'cursor', '--config', path).stdout).toContain('Nothing changed');
  });

  it('clients --json reports each client; connect without --config uses the client folder', async () => {
    const { dir, cli } = await machine();
    await mkdir(join(dir, '.config', 'Claude'), { recursive: true });
    await mkdir(join(dir, '.config', 'Code', 'User'), { recursive: true });
    await writeFile(join(dir, '.config', 'Code', 'User', 'mcp.json'), '{ "servers": { } ');

    const notInstalled = cli('connect', 'windsurf');
    expect(notInstalled.code).toBe(1);
    expect(notInstalled.stderr).toContain('does not look installed');

    expect(cli('connect', 'claude').code).toBe(0);
    const run = cli('clients', '--json');
    expect(run.code).toBe(0);
    const states = Object.fromEntries(
      (JSON.parse(run.stdout) as Array<{ client: string; state: string }>).map((s) => [s.client, s.state]),
    );
    expect(states).toEqual({
      claude: 'connected',
      cursor: 'not-installed',
      vscode: 'unreadable',
      windsurf: 'not-installed',
      'claude-code': 'not-installed',
    });
    const table = cli('clients');
    expect(table.stdout).toMatch(/Claude Desktop\s+connected\s+.*claude_desktop_config\.json/);
  });

  it('usage mistakes exit 2 with a hint; --help exits 0', async () => {
    const { cli } = await machine();
    expect(cli('connect').code).toBe(2);
    const unknown = cli('connect', 'zed');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('claude, cursor, vscode, windsurf, claude-code');
    expect(cli('clients', '--bogus').code).toBe(2);
    const help = cli('connect', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: eka-mcp connect <client>');
  });
});
