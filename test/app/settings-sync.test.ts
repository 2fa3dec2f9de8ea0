// Settings on conf across processes: a change the CLI writes reaches a running
// app core, an old-format file migrates and keeps its original as a backup,
// and a broken file is reported and never overwritten.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../app/core/controller';
import type { AppState } from '../../app/ipc/contract';
import { isDesktopError } from '../../server/desktop/errors';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import {
  createFileSettingsStore,
  SETTINGS_SCHEMA_VERSION,
  settingsBackupName,
} from '../../server/desktop/settings';
import { redactText } from '../../server/logging';
import { runCli } from '../signin/helpers';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eka-settings-sync-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings across processes', () => {
  let controller: Controller | undefined;

  afterEach(async () => {
    await controller?.stop();
    controller = undefined;
  });

  it('a mode change made with the CLI reaches a running app core within a second', async () => {
    const service = `Eka MCP Settings Sync ${randomUUID()}`;
    controller = createController({
      settings: createFileSettingsStore(dir),
      secretStore: createKeytarSecretStore(service),
      settingsDir: dir,
      openExternal: () => undefined,
      os: { platform: 'linux', homedir: dir, env: { HOME: dir } },
      install: {
        runtime: process.execPath,
        serverPath: join(process.cwd(), 'dist', 'server', 'eka-mcp-server.mjs'),
        runAsNode: false,
      },
      home: dir,
      keychainService: service,
      redact: redactText,
      superviseServer: false,
      pollMs: 3_600_000,
    });
    const states: AppState[] = [];
    controller.on('state', (state) => states.push(state));
    await controller.start();
    expect(states.at(-1)?.settings.mode).toBe('oidc');

    const seen = new Promise<number>((resolve) => {
      controller?.on('state', (state) => {
        if (state.settings.mode === 'open') resolve(Date.now());
      });
    });
    const cli = await runCli(['mode', 'open'], {
      ...process.env,
      EKA_MCP_HOME: dir,
      EKA_MCP_KEYCHAIN_SERVICE: service,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const written = Date.now();
    const deadline = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 1_000));
    const outcome = await Promise.race([seen, deadline]);
    expect(outcome, 'the app core did not see the CLI change within a second').not.toBe('late');
    expect((outcome as number) - written).toBeLessThan(1_000);
  });

  it('tells the app core when the file turns malformed, and keeps running', async () => {
    const store = createFileSettingsStore(dir);
    await store.update({ mode: 'open' });
    const errors: unknown[] = [];
    const changes: string[] = [];
    const stop = store.watch?.(
      (settings) => changes.push(settings.mode),
      (error) => errors.push(error),
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      writeFileSync(join(dir, 'settings.json'), '{\n  "mode": "oidc",\n');
      await waitFor(() => errors.length > 0);
      expect(isDesktopError(errors[0], 'settings-invalid')).toBe(true);
      expect(String((errors[0] as Error).message)).toMatch(/line \d+:\d+/);
      writeFileSync(join(dir, 'settings.json'), '{ "mode": "client-credentials" }\n');
      await waitFor(() => changes.includes('client-credentials'));
    } finally {
      stop?.();
    }
  });
});

describe('settings file format', () => {
  it('migrates an old-format file at its first change, keeping the original as a backup; reading alone writes nothing', async () => {
    const file = join(dir, 'settings.json');
    const original = `${JSON.stringify(
      {
        mode: 'client-credentials',
        environment: 'sandbox',
        ccClientId: 'clinic-integration',
        launchAtLogin: true,
      },
      null,
      2,
    )}\n`;
    writeFileSync(file, original, { mode: 0o600 });

    const store = createFileSettingsStore(dir);
    const read = await store.read();
    expect(read).toEqual({
      mode: 'client-credentials',
      environment: 'sandbox',
      ccClientId: 'clinic-integration',
      launchAtLogin: true,
      autoUpdate: true,
      signInFromTools: true,
      signInWaitSeconds: 45,
    });
    expect(readFileSync(file, 'utf8')).toBe(original);
    expect(existsSync(join(dir, settingsBackupName(SETTINGS_SCHEMA_VERSION)))).toBe(false);

    const settings = await store.update({ launchAtLogin: false });
    expect(settings).toEqual({ ...read, launchAtLogin: false });
    const migrated = JSON.parse(readFileSync(file, 'utf8'));
    expect(migrated.__internal__.migrations.version).toBe(SETTINGS_SCHEMA_VERSION);
    const backup = join(dir, settingsBackupName(SETTINGS_SCHEMA_VERSION));
    expect(readFileSync(backup, 'utf8')).toBe(original);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // Opening it again runs nothing and leaves the backup alone.
    writeFileSync(backup, 'kept');
    expect(await createFileSettingsStore(dir).read()).toEqual(settings);
    expect(readFileSync(backup, 'utf8')).toBe('kept');
  });

  it('starts a new file at the schema version, with no backup', async () => {
    const store = createFileSettingsStore(dir);
    await store.update({ mode: 'open' });
    const saved = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(saved).toMatchObject({
      mode: 'open',
      __internal__: { migrations: { version: SETTINGS_SCHEMA_VERSION } },
    });
    expect(existsSync(join(dir, settingsBackupName(SETTINGS_SCHEMA_VERSION)))).toBe(false);
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  it('reports a malformed file with line:column and never overwrites it', async () => {
    const file = join(dir, 'settings.json');
    const broken = '{\n  "mode": "open",\n  "environment": sandbox\n}\n';
    writeFileSync(file, broken);
    const store = createFileSettingsStore(dir);
    const error = await store.read().catch((e: unknown) => e);
    expect(isDesktopError(error, 'settings-invalid')).toBe(true);
    expect((error as Error).message).toContain('line 3:18');
    const update = await store.update({ mode: 'oidc' }).catch((e: unknown) => e);
    expect(isDesktopError(update, 'settings-invalid')).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });

  it('refuses a value outside the schema written by another program, naming the field', async () => {
    writeFileSync(join(dir, 'settings.json'), '{ "mode": "admin" }\n');
    const error = await createFileSettingsStore(dir)
      .read()
      .catch((e: unknown) => e);
    expect(isDesktopError(error, 'settings-invalid')).toBe(true);
    expect((error as Error).message).toMatch(/mode/);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe('{ "mode": "admin" }\n');
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
