// Backups of client configs: 0600, and never a secret the live file no longer
// has (an old "eka-care" entry from Eka's Python setup carries one in env).
import { spawnSync } from 'node:child_process';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, listBackups } from '../../app/core/client-configs';
import { entrySecrets } from '../../app/core/client-configs/backup-secrets';
import { BACKUP_MARKER } from '../../app/core/client-configs/config-file';
import { FILE_NAMES, tempDir, testContext } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'eka-mcp.mjs');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function home() {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  return dir;
}

const CLIENT_SECRET = 'cs-synthetic-5f2a9d7e41';
const API_KEY = 'ak-synthetic-0c8e3b6f';

/** A Claude Desktop config whose "eka-care" entry is Eka's Python server with its secrets in env and args. */
function pythonSetup(extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(
    {
      mcpServers: {
        'eka-care': {
          command: 'uvx',
          args: ['eka-mcp-server', '--api-key', API_KEY],
          env: { EKA_CLIENT_ID: 'synthetic-client', EKA_CLIENT_SECRET: CLIENT_SECRET, EKA_ENV: 'prod' },
        },
        notes: { command: 'notes-server', env: { NOTES_TOKEN: 'kept-by-the-live-file' } },
        ...extra,
      },
    },
    null,
    2,
  )}\n`;
}

describe('config backups', () => {
  it('a replaced entry carrying EKA_CLIENT_SECRET gives a 0600 backup without it', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.claude);
    await writeFile(path, pythonSetup());
    await chmod(path, 0o644);
    const change = await connectClient('claude', testContext(dir), { configPath: path });
    const file = change.files[0];
    expect(file?.removedSecrets).toEqual(['EKA_CLIENT_SECRET', '--api-key']);
    const backupPath = file?.backupPath as string;
    expect((await stat(backupPath)).mode & 0o777).toBe(0o600);
    const backup = await readFile(backupPath, 'utf8');
    expect(backup).not.toContain(CLIENT_SECRET);
    expect(backup).not.toContain(API_KEY);
    const kept = JSON.parse(backup).mcpServers;
    // The rest of the old entry, and the other servers, are kept as they were.
    expect(kept['eka-care'].env).toEqual({
      EKA_CLIENT_ID: 'synthetic-client',
      EKA_CLIENT_SECRET: '',
      EKA_ENV: 'prod',
    });
    expect(kept['eka-care'].args).toEqual(['eka-mcp-server', '--api-key', '']);
    expect(kept.notes.env.NOTES_TOKEN).toBe('kept-by-the-live-file');
    // The live file keeps its mode and no longer has the old secrets either.
    expect((await stat(path)).mode & 0o777).toBe(0o644);
    expect(await readFile(path, 'utf8')).not.toContain(CLIENT_SECRET);
  });

  it('cleans older backups that still hold a secret the live file no longer has, and makes them 0600', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.claude);
    await writeFile(path, pythonSetup());
    // A backup left by an earlier version: a byte copy with the secret, mode 0644.
    const older = `${path}${BACKUP_MARKER}2026-01-01T00-00-00-000Z`;
    await writeFile(older, pythonSetup());
    await chmod(older, 0o644);
    await connectClient('claude', testContext(dir), { configPath: path });
    const backups = await listBackups(path);
    expect(backups).toHaveLength(2);
    for (const backup of backups) {
      expect((await stat(backup)).mode & 0o777).toBe(0o600);
      const text = await readFile(backup, 'utf8');
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(API_KEY);
      // A secret the live file still has (another server's) is not touched.
      expect(text).toContain('kept-by-the-live-file');
    }
  });

  it('the CLI says the secrets were removed from the backup', () => {
    return (async () => {
      const dir = await home();
      const path = join(dir, 'claude config.json');
      await writeFile(path, pythonSetup());
      const run = spawnSync(process.execPath, [CLI, 'connect', 'claude', '--config', path], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          XDG_CONFIG_HOME: join(dir, '.config'),
          EKA_MCP_HOME: join(dir, 'eka home'),
          EKA_MCP_KEYCHAIN_SERVICE: 'Eka MCP Backup Test',
        },
        cwd: dir,
        encoding: 'utf8',
      });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toContain('secrets (EKA_CLIENT_SECRET, --api-key) were removed');
      expect(run.stdout).not.toContain(CLIENT_SECRET);
    })();
  });

  it('finds secrets by name in env and in --flag value / --flag=value args, and nothing else', () => {
    const found = entrySecrets({
      command: 'x',
      args: ['--token=abc', '--verbose', '--client-secret', 'def', '--port', '8080', '--password'],
      env: { PATH: '/usr/bin', MY_API_KEY: 'ghi', EKA_MCP_HOME: '/h' },
    });
    expect(found.names).toEqual(['MY_API_KEY', '--token', '--client-secret']);
    expect(found.values).toEqual(['ghi', 'abc', 'def']);
    expect(
      entrySecrets({ command: 'node', args: ['/srv/eka.mjs', '--mode', 'oidc'], env: {} }).names,
    ).toEqual([]);
  });
});
