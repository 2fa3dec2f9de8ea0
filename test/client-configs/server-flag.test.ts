// Client entries without the runAsNode fuse: the packaged app starts itself
// with --mcp-stdio; Windows (no stdin in a GUI program's main process) and a
// source checkout run the server bundle with a Node runtime.
import { describe, expect, it } from 'vitest';
import { buildEntry, isOurEntry, MCP_STDIO_FLAG } from '../../app/core/client-configs/entry';
import { currentInstall } from '../../app/core/client-configs/install';

const MAC_MAIN = '/Applications/Eka MCP.app/Contents/Resources/app.asar/dist/app/main.cjs';
const MAC_EXE = '/Applications/Eka MCP.app/Contents/MacOS/Eka MCP';
const LINUX_MAIN = '/opt/Eka MCP/resources/app.asar/dist/app/main.cjs';
const LINUX_EXE = '/opt/Eka MCP/eka-mcp-desktop';
const WIN_MAIN = 'C:\\Program Files\\Eka MCP\\resources\\app.asar\\dist\\app\\main.cjs';
const WIN_EXE = 'C:\\Program Files\\Eka MCP\\Eka MCP.exe';

const facts = (execPath: string, platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}) => ({
  execPath,
  electron: true,
  platform,
  env,
});

describe('how entries start the server', () => {
  it('the packaged app on macOS and Linux: its own executable with --mcp-stdio, no ELECTRON_RUN_AS_NODE', () => {
    for (const [main, exe, platform] of [
      [MAC_MAIN, MAC_EXE, 'darwin'],
      [LINUX_MAIN, LINUX_EXE, 'linux'],
    ] as const) {
      const install = currentInstall(main, facts(exe, platform));
      expect(install).toMatchObject({ runtime: exe, serverFlag: true, runAsNode: false });
      const entry = buildEntry(install, { mode: 'oidc', environment: 'production' });
      expect(entry.command).toBe(exe);
      expect(entry.args[0]).toBe(MCP_STDIO_FLAG);
      expect(entry.args.join(' ')).not.toContain('eka-mcp-server.mjs');
      expect(entry.env?.ELECTRON_RUN_AS_NODE).toBeUndefined();
      expect(isOurEntry(entry)).toBe(true);
    }
  });

  it('the packaged app on Windows runs the unpacked bundle as Node (the fuse stays on there only)', () => {
    const install = currentInstall(WIN_MAIN, facts(WIN_EXE, 'win32'));
    expect(install.serverFlag).toBeUndefined();
    expect(install.runAsNode).toBe(true);
    const entry = buildEntry(install, { mode: 'oidc', environment: 'production' });
    expect(entry.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
    expect(entry.args[0]).toBe(install.serverPath);
  });

  it('a source checkout under npm start uses the node npm ran with; plain node uses itself', () => {
    const checkout = '/src/eka/dist/app/main.cjs';
    const underNpm = currentInstall(
      checkout,
      facts('/src/eka/node_modules/electron/dist/electron', 'linux', { npm_node_execpath: '/usr/bin/node' }),
    );
    expect(underNpm).toEqual({
      runtime: '/usr/bin/node',
      serverPath: '/src/eka/dist/server/eka-mcp-server.mjs',
      runAsNode: false,
    });
    const plain = currentInstall(checkout, {
      execPath: '/usr/bin/node',
      electron: false,
      platform: 'linux',
      env: {},
    });
    expect(plain).toMatchObject({ runtime: '/usr/bin/node', runAsNode: false });
    expect(buildEntry(plain, { mode: 'open', environment: 'sandbox' }).args[0]).toBe(
      '/src/eka/dist/server/eka-mcp-server.mjs',
    );
  });

  it('does not take another program started with --mcp-stdio for ours', () => {
    expect(isOurEntry({ command: '/usr/bin/other-app', args: [MCP_STDIO_FLAG] })).toBe(false);
    expect(isOurEntry({ command: WIN_EXE, args: [MCP_STDIO_FLAG, '--env', 'production'] })).toBe(true);
  });
});
