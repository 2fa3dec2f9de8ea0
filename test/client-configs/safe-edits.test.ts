import {
  chmod,
  copyFile,
  lstat,
  mkdir,
  readFile,
  readlink,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BACKUPS_KEPT,
  ClientConfigError,
  clientStatus,
  connectClient,
  disconnectClient,
  listBackups,
  listClientStatuses,
  repairConnections,
} from '../../app/core/client-configs';
import { assertUnchanged, readConfigFile } from '../../app/core/client-configs/config-file';
import { FILE_NAMES, FIXTURES, PACKAGED_INSTALL, tempDir, testContext } from './helpers';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function home() {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  return dir;
}

describe('safe edits', () => {
  it('a read-only config is refused with a clear error and left untouched', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.claude);
    await copyFile(join(FIXTURES, 'claude', 'many-servers.json'), path);
    await chmod(path, 0o444);
    const before = await readFile(path);

    const error = await connectClient('claude', testContext(dir), { configPath: path }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ClientConfigError);
    expect((error as ClientConfigError).code).toBe('read-only');
    expect((error as Error).message).toContain(path);
    expect(await readFile(path)).toEqual(before);
    expect((await stat(path)).mode & 0o777).toBe(0o444);
    expect(await listBackups(path)).toEqual([]);
  });

  it('a symlinked config: the target is written, the link stays a link, the backup sits beside the link', async () => {
    const dir = await home();
    await mkdir(join(dir, 'dotfiles'));
    await mkdir(join(dir, 'Claude'));
    const target = join(dir, 'dotfiles', 'claude.json');
    const link = join(dir, 'Claude', FILE_NAMES.claude);
    await copyFile(join(FIXTURES, 'claude', 'unusual-keys.json'), target);
    await symlink(target, link);
    const original = await readFile(target);

    const change = await connectClient('claude', testContext(dir), { configPath: link });
    expect(change.changed).toBe(true);
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(target);
    expect(JSON.parse(await readFile(target, 'utf8')).mcpServers['eka-care']).toMatchObject({
      command: PACKAGED_INSTALL.runtime,
      args: expect.arrayContaining([PACKAGED_INSTALL.serverPath]),
    });
    const backups = await listBackups(link);
    expect(backups).toHaveLength(1);
    expect(await readFile(backups[0] as string)).toEqual(original);

    await disconnectClient('claude', testContext(dir), { configPath: link });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target)).toEqual(original);
  });

  it('a dangling symlink is refused, not replaced by a file', async () => {
    const dir = await home();
    const link = join(dir, FILE_NAMES.cursor);
    await symlink(join(dir, 'gone', 'mcp.json'), link);
    await expect(connectClient('cursor', testContext(dir), { configPath: link })).rejects.toMatchObject({
      code: 'io',
    });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it('a file saved by someone else after it was read is not overwritten', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.claude);
    await copyFile(join(FIXTURES, 'claude', 'many-servers.json'), path);
    const file = await readConfigFile(path);
    await assertUnchanged(file, 'Claude Desktop');
    await writeFile(path, '{"mcpServers": {}, "savedByClaude": true}');
    await expect(assertUnchanged(file, 'Claude Desktop')).rejects.toMatchObject({
      code: 'changed-meanwhile',
    });
    const missing = await readConfigFile(join(dir, 'new.json'));
    await writeFile(join(dir, 'new.json'), '{}');
    await expect(assertUnchanged(missing, 'Claude Desktop')).rejects.toMatchObject({
      code: 'changed-meanwhile',
    });
  });

  it('keeps the file mode of the config and makes backups readable only by their owner (0600)', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.cursor);
    await copyFile(join(FIXTURES, 'cursor', 'many-servers.json'), path);
    await chmod(path, 0o640);
    const change = await connectClient('cursor', testContext(dir), { configPath: path });
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect((await stat(change.files[0]?.backupPath as string)).mode & 0o777).toBe(0o600);
  });

  it(`keeps only the last ${BACKUPS_KEPT} backups, newest last`, async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.windsurf);
    await copyFile(join(FIXTURES, 'windsurf', 'many-servers.json'), path);
    let clock = Date.parse('2026-03-01T10:00:00.000Z');
    const ctx = testContext(dir, {
      now: () => {
        clock += 1000;
        return new Date(clock);
      },
    });
    const made: string[] = [];
    for (let i = 0; i < 4; i++) {
      made.push((await connectClient('windsurf', ctx, { configPath: path })).files[0]?.backupPath as string);
      made.push(
        (await disconnectClient('windsurf', ctx, { configPath: path })).files[0]?.backupPath as string,
      );
    }
    const backups = await listBackups(path);
    expect(backups).toEqual(made.slice(-BACKUPS_KEPT));
    expect(backups[0]).toMatch(/mcp_config\.json\.eka-backup-2026-03-01T10-00-04-000Z$/);
  });

  it('two backups in the same millisecond get distinct names', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.claude);
    await copyFile(join(FIXTURES, 'claude', 'many-servers.json'), path);
    const ctx = testContext(dir, { now: () => new Date('2026-03-01T10:00:00.000Z') });
    const a = await connectClient('claude', ctx, { configPath: path });
    const b = await disconnectClient('claude', ctx, { configPath: path });
    expect(a.files[0]?.backupPath).not.toBe(b.files[0]?.backupPath);
    expect(await listBackups(path)).toHaveLength(2);
  });

  it('a file that is not UTF-8 is refused and untouched', async () => {
    const dir = await home();
    const path = join(dir, FILE_NAMES.claude);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"mcpServers":{}}', 'utf16le')]);
    await writeFile(path, utf16);
    const error = await connectClient('claude', testContext(dir), { configPath: path }).catch(
      (e: unknown) => e,
    );
    expect((error as ClientConfigError).code).toBe('unparseable');
    expect(await readFile(path)).toEqual(utf16);
  });
});

describe('status and repair', () => {
  it('reports not-installed, not-connected, connected, outdated and unreadable per client', async () => {
    const dir = await home();
    const ctx = testContext(dir);
    const all = await listClientStatuses(ctx);
    expect(all.map((s) => [s.client, s.state])).toEqual([
      ['claude', 'not-installed'],
      ['cursor', 'not-installed'],
      ['vscode', 'not-installed'],
      ['windsurf', 'not-installed'],
      ['claude-code', 'not-installed'],
    ]);
    await expect(connectClient('claude', ctx)).rejects.toMatchObject({ code: 'not-installed' });

    await mkdir(join(dir, '.config', 'Claude'), { recursive: true });
    await mkdir(join(dir, '.cursor'));
    await mkdir(join(dir, '.config', 'Code', 'User'), { recursive: true });
    await mkdir(join(dir, '.codeium', 'windsurf'), { recursive: true });
    await writeFile(join(dir, '.codeium', 'windsurf', 'mcp_config.json'), '{ "mcpServers": { oops } }');
    await copyFile(join(FIXTURES, 'claude-code', 'typical.json'), join(dir, '.claude.json'));
    expect((await clientStatus('claude', ctx)).state).toBe('not-connected');

    await connectClient('claude', ctx);
    await connectClient('cursor', ctx);
    await connectClient('claude-code', ctx);
    // The app moves: Cursor's entry now points at the old install.
    const moved = testContext(dir, {
      install: {
        ...PACKAGED_INSTALL,
        serverPath: PACKAGED_INSTALL.serverPath.replace('/Applications/', '/Users/asha/Apps/'),
        runtime: PACKAGED_INSTALL.runtime.replace('/Applications/', '/Users/asha/Apps/'),
      },
    });
    const states = Object.fromEntries((await listClientStatuses(moved)).map((s) => [s.client, s]));
    expect(states.claude?.state).toBe('outdated');
    expect(states.claude?.detail).toContain('/Applications/Eka MCP.app');
    expect(states.vscode?.state).toBe('not-connected');
    expect(states.windsurf?.state).toBe('unreadable');
    expect(states.windsurf?.detail).toMatch(/line 1:\d+/);
    expect(states['claude-code']?.state).toBe('outdated');

    const { repaired, failed } = await repairConnections(moved);
    expect(repaired.map((r) => r.client).sort()).toEqual(['claude', 'claude-code', 'cursor']);
    expect(failed).toEqual([]);
    for (const result of repaired) expect(result.files[0]?.backupPath).toBeDefined();
    const after = Object.fromEntries((await listClientStatuses(moved)).map((s) => [s.client, s.state]));
    expect(after).toEqual({
      claude: 'connected',
      cursor: 'connected',
      vscode: 'not-connected',
      windsurf: 'unreadable',
      'claude-code': 'connected',
    });
    // Nothing left to repair: a second run writes nothing.
    expect((await repairConnections(moved)).repaired).toEqual([]);
  });

  it('a changed mode leaves the entry connected; a changed environment makes it outdated and repair rewrites it', async () => {
    const dir = await home();
    await mkdir(join(dir, '.cursor'));
    const ctx = testContext(dir);
    await connectClient('cursor', ctx);
    const open = testContext(dir, { settings: { mode: 'open', environment: ctx.settings.environment } });
    expect((await clientStatus('cursor', open)).state).toBe('connected');
    const other = ctx.settings.environment === 'sandbox' ? 'development' : 'sandbox';
    const moved = testContext(dir, { settings: { mode: 'open', environment: other } });
    const status = await clientStatus('cursor', moved);
    expect(status.state).toBe('outdated');
    expect(status.detail).toContain('settings');
    await repairConnections(moved);
    const written = JSON.parse(await readFile(join(dir, '.cursor', 'mcp.json'), 'utf8'));
    expect(written.mcpServers['eka-care'].args.slice(1)).toEqual(['--env', other]);
  });

  it('an entry written with --mode by an earlier version is recognised as ours and updated on Connect', async () => {
    const dir = await home();
    await mkdir(join(dir, '.cursor'));
    const ctx = testContext(dir);
    const legacy = {
      mcpServers: {
        'eka-care': {
          command: ctx.install.runtime,
          args: [ctx.install.serverPath, '--mode', 'oidc', '--env', ctx.settings.environment],
        },
      },
    };
    await writeFile(join(dir, '.cursor', 'mcp.json'), `${JSON.stringify(legacy, null, 2)}\n`);
    const status = await clientStatus('cursor', ctx);
    expect(status.state).toBe('outdated');
    expect(status.detail).toMatch(/earlier Eka MCP/);
    const change = await connectClient('cursor', ctx);
    expect(change.changed).toBe(true);
    expect(change.files[0]?.replacedForeign).toBeFalsy();
    const written = JSON.parse(await readFile(join(dir, '.cursor', 'mcp.json'), 'utf8'));
    expect(written.mcpServers['eka-care'].args).not.toContain('--mode');
    expect((await clientStatus('cursor', ctx)).state).toBe('connected');
  });

  it('fields a client or user added to our entry (disabled, autoApprove) count as connected and survive a repair', async () => {
    const dir = await home();
    await mkdir(join(dir, '.codeium', 'windsurf'), { recursive: true });
    const path = join(dir, '.codeium', 'windsurf', 'mcp_config.json');
    const ctx = testContext(dir);
    await connectClient('windsurf', ctx);
    const config = JSON.parse(await readFile(path, 'utf8'));
    config.mcpServers['eka-care'].disabled = true;
    config.mcpServers['eka-care'].disabledTools = ['book_appointment'];
    config.mcpServers['eka-care'].env = {};
    await writeFile(path, JSON.stringify(config, null, 2));
    const plain = testContext(dir, { install: { ...PACKAGED_INSTALL, runAsNode: false } });
    expect((await clientStatus('windsurf', ctx)).state).toBe('outdated');
    await writeFile(path, JSON.stringify(config, null, 2));
    expect((await clientStatus('windsurf', plain)).state).toBe('connected');
    expect((await connectClient('windsurf', plain)).changed).toBe(false);

    const moved = testContext(dir, {
      install: { ...PACKAGED_INSTALL, serverPath: '/opt/Eka MCP/eka-mcp-server.mjs' },
    });
    expect((await repairConnections(moved)).repaired.map((r) => r.client)).toEqual(['windsurf']);
    const entry = JSON.parse(await readFile(path, 'utf8')).mcpServers['eka-care'];
    expect(entry.args[0]).toBe('/opt/Eka MCP/eka-mcp-server.mjs');
    expect(entry.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
    expect(entry.disabled).toBe(true);
    expect(entry.disabledTools).toEqual(['book_appointment']);
  });

  it('repair leaves a foreign eka-care entry alone and status says connect would replace it', async () => {
    const dir = await home();
    await copyFile(join(FIXTURES, 'claude-code', 'foreign-eka-care.json'), join(dir, '.claude.json'));
    const before = await readFile(join(dir, '.claude.json'));
    const ctx = testContext(dir);
    const status = await clientStatus('claude-code', ctx);
    expect(status.state).toBe('not-connected');
    expect(status.files[0]?.foreignEntry).toBe(true);
    expect((await repairConnections(ctx)).repaired).toEqual([]);
    expect(await readFile(join(dir, '.claude.json'))).toEqual(before);
    // Disconnect does not remove an entry Eka MCP did not write.
    expect((await disconnectClient('claude-code', ctx)).changed).toBe(false);
    expect(await readFile(join(dir, '.claude.json'))).toEqual(before);
  });

  it('Claude Code: only the top-level (user scope) mcpServers changes, never a project one', async () => {
    const dir = await home();
    const path = join(dir, '.claude.json');
    await copyFile(join(FIXTURES, 'claude-code', 'typical.json'), path);
    const before = JSON.parse(await readFile(path, 'utf8'));
    await connectClient('claude-code', testContext(dir));
    const after = JSON.parse(await readFile(path, 'utf8'));
    expect(after.projects).toEqual(before.projects);
    expect(after.mcpServers['eka-care'].type).toBe('stdio');
  });
});
