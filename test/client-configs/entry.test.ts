import { posix, win32 } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENTS } from '../../app/core/client-configs/clients';
import { buildEntry, entryForClient, isOurEntry } from '../../app/core/client-configs/entry';
import { entrySettingsFrom } from '../../app/core/client-configs/entry-settings';
import { serverBundleNear, unpackedPath } from '../../app/core/client-configs/install';

const NODE_INSTALL = {
  runtime: '/usr/local/bin/node',
  serverPath: '/src/eka/dist/server/eka-mcp-server.mjs',
  runAsNode: false,
};
const WINDOWS_INSTALL = {
  runtime: 'C:\\Users\\Asha Rao\\AppData\\Local\\Programs\\Eka MCP\\Eka MCP.exe',
  serverPath:
    'C:\\Users\\Asha Rao\\AppData\\Local\\Programs\\Eka MCP\\resources\\app.asar.unpacked\\dist\\server\\eka-mcp-server.mjs',
  runAsNode: true,
};

describe('the eka-care entry', () => {
  it('a source checkout runs the absolute node with the server path and environment, and no mode', () => {
    expect(buildEntry(NODE_INSTALL, { mode: 'oidc', environment: 'production' })).toEqual({
      command: '/usr/local/bin/node',
      args: ['/src/eka/dist/server/eka-mcp-server.mjs', '--env', 'production'],
    });
    // Switching mode never changes the entry.
    expect(buildEntry(NODE_INSTALL, { mode: 'open', environment: 'production' })).toEqual(
      buildEntry(NODE_INSTALL, { mode: 'client-credentials', environment: 'production' }),
    );
  });

  it('a packaged app runs its own executable as Node; Windows paths with spaces survive JSON', () => {
    const entry = buildEntry(WINDOWS_INSTALL, { mode: 'client-credentials', environment: 'development' });
    expect(entry.env).toEqual({ ELECTRON_RUN_AS_NODE: '1' });
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
    expect(entry.command).toBe(WINDOWS_INSTALL.runtime);
    expect(entry.args[0]).toBe(WINDOWS_INSTALL.serverPath);
  });

  it('passes --api-base-url only when it is not the environment default', () => {
    const same = buildEntry(NODE_INSTALL, {
      mode: 'oidc',
      environment: 'production',
      apiBaseUrl: 'https://api.eka.care/',
    });
    expect(same.args).not.toContain('--api-base-url');
    const other = buildEntry(NODE_INSTALL, {
      mode: 'open',
      environment: 'sandbox',
      apiBaseUrl: 'http://127.0.0.1:9999',
    });
    expect(other.args.slice(-2)).toEqual(['--api-base-url', 'http://127.0.0.1:9999']);
  });

  it('carries only non-secret env: EKA_MCP_HOME and the keychain service when they differ from the defaults', () => {
    const env = {
      EKA_MCP_HOME: '/tmp/eka home',
      EKA_MCP_KEYCHAIN_SERVICE: 'Eka MCP Test',
      EKA_CLIENT_SECRET: 'x',
    };
    const settings = entrySettingsFrom({ mode: 'oidc', environment: 'production' }, env, 'linux');
    const entry = buildEntry(NODE_INSTALL, settings);
    expect(entry.env).toEqual({ EKA_MCP_HOME: '/tmp/eka home', EKA_MCP_KEYCHAIN_SERVICE: 'Eka MCP Test' });
    expect(JSON.stringify(entry)).not.toContain('EKA_CLIENT_SECRET');
    const plain = entrySettingsFrom({ mode: 'oidc', environment: 'production' }, {}, 'linux');
    expect(buildEntry(NODE_INSTALL, plain).env).toBeUndefined();
  });

  it('VS Code and Claude Code entries say "type": "stdio"; the others do not', () => {
    const entry = buildEntry(NODE_INSTALL, { mode: 'oidc', environment: 'production' });
    expect(entryForClient(CLIENTS.vscode, entry).type).toBe('stdio');
    expect(entryForClient(CLIENTS['claude-code'], entry).type).toBe('stdio');
    expect(entryForClient(CLIENTS.claude, entry)).not.toHaveProperty('type');
    expect(entryForClient(CLIENTS.cursor, entry)).not.toHaveProperty('type');
  });

  it('recognises our entries by the server bundle, on any OS', () => {
    expect(isOurEntry(buildEntry(WINDOWS_INSTALL, { mode: 'oidc', environment: 'production' }))).toBe(true);
    expect(isOurEntry({ command: 'python', args: ['-m', 'eka_mcp_sdk.server'] })).toBe(false);
    expect(isOurEntry({ url: 'https://medai-tools.eka.care/mcp' })).toBe(false);
  });
});

describe('the install', () => {
  it('maps paths inside app.asar to app.asar.unpacked', () => {
    expect(
      unpackedPath('/Applications/Eka MCP.app/Contents/Resources/app.asar/dist/server/eka-mcp-server.mjs'),
    ).toBe('/Applications/Eka MCP.app/Contents/Resources/app.asar.unpacked/dist/server/eka-mcp-server.mjs');
    expect(unpackedPath('C:\\Eka MCP\\resources\\app.asar\\dist\\server\\eka-mcp-server.mjs')).toBe(
      'C:\\Eka MCP\\resources\\app.asar.unpacked\\dist\\server\\eka-mcp-server.mjs',
    );
    expect(unpackedPath('/opt/app.asar.unpacked/x.mjs')).toBe('/opt/app.asar.unpacked/x.mjs');
  });

  it('finds the server bundle beside the CLI bundle, and from source files in a checkout', () => {
    const present = new Set(['/src/eka/dist/server/eka-mcp-server.mjs']);
    const exists = (path: string) => present.has(path);
    expect(serverBundleNear('file:///src/eka/dist/cli/eka-mcp.mjs', exists)).toBe(
      posix.join('/src/eka/dist/server/eka-mcp-server.mjs'),
    );
    expect(serverBundleNear('/src/eka/app/cli/clients-command.ts', exists)).toBe(
      '/src/eka/dist/server/eka-mcp-server.mjs',
    );
    expect(serverBundleNear('/r/app.asar/dist/cli/eka-mcp.mjs', () => false)).toBe(
      '/r/app.asar.unpacked/dist/server/eka-mcp-server.mjs',
    );
    expect(win32.isAbsolute(WINDOWS_INSTALL.serverPath)).toBe(true);
  });
});
