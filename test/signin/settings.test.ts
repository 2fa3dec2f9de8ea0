import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDesktopError } from '../../server/desktop/errors';
import { keychainServiceName } from '../../server/desktop/session';
import { refreshMarginMs } from '../../server/desktop/session-refresh';
import { createFileSettingsStore, resolveEndpoints, settingsDir } from '../../server/desktop/settings';

describe('settings folder and file', () => {
  it('follows EKA_MCP_HOME, else the per-OS user data folder named "Eka MCP"', () => {
    expect(settingsDir({ EKA_MCP_HOME: '/x/y' }, 'linux')).toBe('/x/y');
    expect(settingsDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Eka MCP');
    expect(settingsDir({}, 'darwin')).toMatch(/Library\/Application Support\/Eka MCP$/);
    expect(settingsDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Eka MCP$/);
  });

  it('defaults, updates atomically with mode 0600, and resolves endpoints from the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eka-settings-'));
    try {
      const store = createFileSettingsStore(dir);
      expect(await store.read()).toEqual({
        mode: 'oidc',
        environment: 'production',
        launchAtLogin: false,
        signInFromTools: true,
        signInWaitSeconds: 45,
        autoUpdate: true,
      });
      await store.update({ environment: 'sandbox', apiBaseUrl: 'http://127.0.0.1:9999' });
      const saved = await store.read();
      expect(resolveEndpoints(saved)).toEqual({
        environment: 'sandbox',
        issuer: 'http://127.0.0.1:7780/oauth2',
        clientId: 'eka-mcp-desktop',
        apiBaseUrl: 'http://127.0.0.1:9999',
        tokenUse: 'exchange',
      });
      expect(resolveEndpoints(await store.update({ tokenUse: 'direct' })).tokenUse).toBe('direct');
      expect(resolveEndpoints({ ...saved, environment: 'production' })).toMatchObject({
        issuer: 'https://accounts.eka.care/oauth2',
        apiBaseUrl: 'http://127.0.0.1:9999',
      });
      expect(resolveEndpoints({ ...saved, environment: 'development', apiBaseUrl: undefined })).toMatchObject(
        {
          issuer: 'https://accounts.eka.care/oauth2',
          apiBaseUrl: 'https://api.dev.eka.care',
        },
      );
      const refused = await store.update({ tokenUse: 'passthrough' as never }).catch((e: unknown) => e);
      expect(isDesktopError(refused, 'settings-invalid')).toBe(true);
      expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
      await store.update({ apiBaseUrl: undefined });
      expect((await store.read()).apiBaseUrl).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad value without writing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eka-settings-'));
    try {
      const store = createFileSettingsStore(dir);
      await store.update({ mode: 'open' });
      const error = await store.update({ issuer: 'not a url' }).catch((e: unknown) => e);
      expect(isDesktopError(error, 'settings-invalid')).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8')).issuer).toBeUndefined();
      writeFileSync(join(dir, 'settings.json'), '{"mode":"open","extra":1}');
      const unknown = await store.read().catch((e: unknown) => e);
      expect(isDesktopError(unknown, 'settings-invalid')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keychain service name and refresh margin', () => {
  it('uses EKA_MCP_KEYCHAIN_SERVICE, else the dev or release name', () => {
    expect(keychainServiceName({ EKA_MCP_KEYCHAIN_SERVICE: 'Test' })).toBe('Test');
    expect(keychainServiceName({ NODE_ENV: 'production' })).toBe('Eka MCP');
    expect(keychainServiceName({})).toBe('Eka MCP Dev');
  });

  it('refreshes a quarter of the lifetime early, between 1 s and 60 s', () => {
    const base = {
      state: 'signed-in' as const,
      accessToken: 'a',
      issuer: 'http://127.0.0.1:1',
      clientId: 'c',
    };
    expect(refreshMarginMs({ ...base, signedInAt: 0, expiresAt: 4_000 })).toBe(1_000);
    expect(refreshMarginMs({ ...base, signedInAt: 0, expiresAt: 20_000 })).toBe(5_000);
    expect(refreshMarginMs({ ...base, signedInAt: 0, expiresAt: 2_000 })).toBe(1_000);
    expect(refreshMarginMs({ ...base, signedInAt: 0, expiresAt: 3_600_000 })).toBe(60_000);
    expect(refreshMarginMs({ ...base, signedInAt: 0, lastRefreshAt: 10_000, expiresAt: 50_000 })).toBe(
      10_000,
    );
  });
});
