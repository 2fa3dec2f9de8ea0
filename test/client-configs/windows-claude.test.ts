import { copyFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { CLAUDE_MSIX_PACKAGE } from '../../app/core/client-configs/clients';
import { connectClient, disconnectClient } from '../../app/core/client-configs/connections';
import type { OsFacts } from '../../app/core/client-configs/types';
import { FIXTURES, PACKAGED_INSTALL, tempDir, testContext } from './helpers';

// A Windows machine where Claude Desktop's classic and Store (MSIX) folders
// both exist. On this test machine the Windows paths are plain relative file
// names, so the real files sit in a temporary working folder.
const WIN_HOME = 'C:\\Users\\Asha Rao';
const WIN_ENV = { APPDATA: `${WIN_HOME}\\AppData\\Roaming`, LOCALAPPDATA: `${WIN_HOME}\\AppData\\Local` };
const CLASSIC = `${WIN_HOME}\\AppData\\Roaming\\Claude\\claude_desktop_config.json`;
const MSIX = `${WIN_HOME}\\AppData\\Local\\Packages\\${CLAUDE_MSIX_PACKAGE}\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json`;
const windows: OsFacts = { platform: 'win32', homedir: WIN_HOME, env: WIN_ENV, exists: () => true };

let dir = '';
let cleanup: () => Promise<void> = async () => {};
const startDir = process.cwd();
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(startDir);
  await cleanup();
});

it('Claude Desktop on Windows, unsure which file it reads: both get the entry, and disconnect restores both', async () => {
  await copyFile(join(FIXTURES, 'claude', 'unusual-keys.json'), join(dir, CLASSIC));
  await copyFile(join(FIXTURES, 'claude', 'many-servers.json'), join(dir, MSIX));
  const ctx = testContext(dir, { os: windows });
  const change = await connectClient('claude', ctx);
  expect(change.files.map((f) => [f.path, f.changed])).toEqual([
    [CLASSIC, true],
    [MSIX, true],
  ]);
  for (const file of [CLASSIC, MSIX]) {
    expect(JSON.parse(await readFile(join(dir, file), 'utf8')).mcpServers['eka-care']).toMatchObject({
      command: PACKAGED_INSTALL.runtime,
      args: expect.arrayContaining([PACKAGED_INSTALL.serverPath]),
    });
  }
  await disconnectClient('claude', ctx);
  expect(await readFile(join(dir, CLASSIC))).toEqual(
    await readFile(join(FIXTURES, 'claude', 'unusual-keys.json')),
  );
  expect(await readFile(join(dir, MSIX))).toEqual(
    await readFile(join(FIXTURES, 'claude', 'many-servers.json')),
  );
});

it('Claude Desktop on Windows: one broken file stops the connect before either file is written', async () => {
  await copyFile(join(FIXTURES, 'claude', 'unusual-keys.json'), join(dir, CLASSIC));
  await copyFile(join(FIXTURES, 'claude', 'invalid-trailing-comma.json'), join(dir, MSIX));
  const before = await readdir(dir);
  await expect(connectClient('claude', testContext(dir, { os: windows }))).rejects.toMatchObject({
    code: 'unparseable',
    path: MSIX,
  });
  expect(await readFile(join(dir, CLASSIC))).toEqual(
    await readFile(join(FIXTURES, 'claude', 'unusual-keys.json')),
  );
  expect(await readdir(dir)).toEqual(before);
});
