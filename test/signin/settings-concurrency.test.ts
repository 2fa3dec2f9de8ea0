// Settings changes made at the same time, by one process or by several, all
// land: each change is applied to the settings as they are on disk at that
// moment, under the settings lock.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileSettingsStore, SETTINGS_LOCK_NAME } from '../../server/desktop/settings';
import { isToolEnabled, TOOL_CATALOG, withSwitch } from '../../server/permissions';
import { root, runCli } from './helpers';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eka-settings-race-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Tools on by default that can be switched off one by one. */
const TOOLS = TOOL_CATALOG.map((tool) => tool.name);

function runWriter(start: number, tools: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/settings-writer.ts', dir, String(start), ...tools],
      { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

describe('settings changed at the same time', () => {
  it('keeps every change made at once in one process, patches and computed changes alike', async () => {
    const store = createFileSettingsStore(dir);
    const denied = TOOLS.slice(0, 8);
    await Promise.all([
      store.update({ mode: 'open' }),
      store.update({ environment: 'sandbox' }),
      store.update({ signInWaitSeconds: 90 }),
      ...denied.map((tool) =>
        store.update((current) => ({ toolPermissions: withSwitch(current.toolPermissions, [tool], false) })),
      ),
    ]);
    const settings = await store.read();
    expect(settings).toMatchObject({ mode: 'open', environment: 'sandbox', signInWaitSeconds: 90 });
    for (const tool of denied) expect(isToolEnabled(settings.toolPermissions, tool)).toBe(false);
    expect(TOOLS.filter((tool) => !isToolEnabled(settings.toolPermissions, tool)).sort()).toEqual(
      [...denied].sort(),
    );
  });

  it('keeps every change four processes make at once, and leaves no lock behind', async () => {
    const groups = [0, 1, 2, 3].map((i) => TOOLS.slice(i * 4, i * 4 + 4));
    expect(groups.flat()).toHaveLength(16);
    const start = Date.now() + 2_500;
    const codes = await Promise.all(groups.map((tools) => runWriter(start, tools)));
    expect(codes).toEqual([0, 0, 0, 0]);
    const settings = await createFileSettingsStore(dir).read();
    expect(TOOLS.filter((tool) => !isToolEnabled(settings.toolPermissions, tool)).sort()).toEqual(
      groups.flat().sort(),
    );
    expect(existsSync(join(dir, `${SETTINGS_LOCK_NAME}.lock`))).toBe(false);
  });

  it('waits while another process holds the settings lock, then lands its change', async () => {
    const store = createFileSettingsStore(dir);
    await store.update({ mode: 'open' });
    const release = await lockfile.lock(join(dir, SETTINGS_LOCK_NAME), { realpath: false });
    let landed = false;
    const change = store.update({ environment: 'sandbox' }).then((settings) => {
      landed = true;
      return settings;
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(landed).toBe(false);
    expect((await store.read()).environment).toBe('production');
    await release();
    expect(await change).toMatchObject({ mode: 'open', environment: 'sandbox' });
    expect(await store.read()).toMatchObject({ mode: 'open', environment: 'sandbox' });
  });

  it('keeps every `eka-mcp tools deny` run at once', async () => {
    const env = { ...process.env, EKA_MCP_HOME: dir };
    const denied = TOOLS.slice(0, 5);
    const results = await Promise.all(denied.map((tool) => runCli(['tools', 'deny', tool], env)));
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    const settings = await createFileSettingsStore(dir).read();
    expect(TOOLS.filter((tool) => !isToolEnabled(settings.toolPermissions, tool)).sort()).toEqual(
      [...denied].sort(),
    );
  });
});
