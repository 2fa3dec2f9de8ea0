// The controller the UI drives, with the real keychain, settings file, client
// configs and the Eka sandbox (sign-in itself is covered by the browser journey).
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../app/core/controller';
import type { EventPayloads } from '../../app/ipc/contract';
import { API_KEY_ACCOUNT, CLIENT_SECRET_ACCOUNT } from '../../server/desktop/client-credentials-store';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { SESSION_ACCOUNT, writeSessionRecord } from '../../server/desktop/session';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { redactText } from '../../server/logging';
import { type Sandbox, startSandbox } from '../sandbox/index';

let sandbox: Sandbox;
let home: string;
let settingsDir: string;
let controller: Controller;
const service = `Eka MCP Controller Test ${randomUUID()}`;
const secretStore = createKeytarSecretStore(service);
const opened: string[] = [];
const notices: EventPayloads['notice'][] = [];
const states: EventPayloads['state'][] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  home = await mkdtemp(join(tmpdir(), 'eka-controller-home-'));
  settingsDir = await mkdtemp(join(tmpdir(), 'eka-controller-settings-'));
  await mkdir(join(home, '.config', 'Claude'), { recursive: true });
  const settings = createFileSettingsStore(settingsDir);
  await settings.update({ environment: 'sandbox', issuer: sandbox.issuer, apiBaseUrl: sandbox.apiBaseUrl });
  controller = createController({
    settings,
    secretStore,
    settingsDir,
    openExternal: (url) => {
      opened.push(url);
    },
    os: { platform: 'linux', homedir: home, env: { HOME: home } },
    install: {
      runtime: process.execPath,
      serverPath: join(process.cwd(), 'dist', 'server', 'eka-mcp-server.mjs'),
      runAsNode: false,
    },
    home: settingsDir,
    keychainService: service,
    redact: redactText,
    superviseServer: false,
  });
  controller.on('notice', (n) => notices.push(n));
  controller.on('state', (s) => states.push(s));
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  for (const account of [CLIENT_SECRET_ACCOUNT, API_KEY_ACCOUNT, SESSION_ACCOUNT])
    await secretStore.delete(account).catch(() => false);
  await sandbox?.stop();
  await rm(home, { recursive: true, force: true });
  await rm(settingsDir, { recursive: true, force: true });
});

describe('controller', () => {
  it('starts signed out in Eka account mode, with every client listed', async () => {
    const state = await controller.handlers.getState(undefined);
    expect(state.session.signedIn).toBe(false);
    expect(state.settings).toMatchObject({
      mode: 'oidc',
      environment: 'sandbox',
      apiBaseUrl: sandbox.apiBaseUrl,
    });
    expect(state.clients.map((c) => c.id)).toEqual(['claude', 'cursor', 'vscode', 'windsurf', 'claude-code']);
    expect(state.clients[0]).toMatchObject({ name: 'Claude Desktop', state: 'not-connected' });
    // What the UI was sent at start says the same.
    expect(states.at(-1)?.session.signedIn).toBe(false);
    expect(states.at(-1)?.clients.map((c) => c.id)).toEqual(state.clients.map((c) => c.id));
  });

  it('connects Claude Desktop with an entry for the current settings and says to restart it', async () => {
    const view = await controller.handlers.connectClient({ client: 'claude' });
    expect(view).toMatchObject({ id: 'claude', state: 'connected', restartNeeded: true });
    const config = JSON.parse(await readFile(view.configPath, 'utf8'));
    const entry = config.mcpServers['eka-care'];
    expect(entry.command).toBe(process.execPath);
    // The entry carries no mode: the server reads it from the settings when it starts.
    expect(entry.args.slice(1)).toEqual(['--env', 'sandbox', '--api-base-url', sandbox.apiBaseUrl]);
    expect(entry.env).toMatchObject({ EKA_MCP_HOME: settingsDir, EKA_MCP_KEYCHAIN_SERVICE: service });
    expect(notices.at(-1)).toMatchObject({ kind: 'connected', title: 'Connected to Claude Desktop' });
  });

  it('refuses to sign in outside Eka account mode', async () => {
    await controller.handlers.saveSettings({
      mode: 'client-credentials',
      environment: 'sandbox',
      apiBaseUrl: sandbox.apiBaseUrl,
      issuer: sandbox.issuer,
      launchAtLogin: false,
    });
    await expect(controller.handlers.signIn(undefined)).rejects.toMatchObject({ code: 'wrong-mode' });
  });

  it('turns sign-in from tool calls off and on, and leaves it as it is when not given', async () => {
    const base = {
      mode: 'oidc',
      environment: 'sandbox',
      apiBaseUrl: sandbox.apiBaseUrl,
      issuer: sandbox.issuer,
      launchAtLogin: false,
    } as const;
    expect(
      (await controller.handlers.saveSettings({ ...base, signInFromTools: false })).signInFromTools,
    ).toBe(false);
    expect((await createFileSettingsStore(settingsDir).read()).signInFromTools).toBe(false);
    expect((await controller.handlers.saveSettings(base)).signInFromTools).toBe(false);
    expect((await controller.handlers.saveSettings({ ...base, signInFromTools: true })).signInFromTools).toBe(
      true,
    );
    await controller.handlers.saveSettings({ ...base, mode: 'client-credentials' });
  });

  it('a mode change leaves the connected entry as it was, still connected', async () => {
    const state = await controller.handlers.getState(undefined);
    const claude = state.clients.find((c) => c.id === 'claude')!;
    const config = JSON.parse(await readFile(claude.configPath, 'utf8'));
    expect(config.mcpServers['eka-care'].args).not.toContain('--mode');
    expect(claude.state).toBe('connected');
    // Its running server read the old mode at start: the card says to restart it.
    expect(claude.restartNeeded).toBe(true);
  });

  it('keeps client secrets in the keychain and tests them against Eka', async () => {
    const { integrator } = sandbox.clients;
    const settings = await controller.handlers.saveCredentials({
      clientId: integrator.client_id,
      clientSecret: integrator.client_secret,
      apiKey: integrator.api_key,
    });
    expect(settings).toMatchObject({
      clientId: integrator.client_id,
      hasClientSecret: true,
      hasApiKey: true,
    });
    expect(await secretStore.get(CLIENT_SECRET_ACCOUNT)).toBe(integrator.client_secret);
    const file = await readFile(join(settingsDir, 'settings.json'), 'utf8');
    expect(file).not.toContain(integrator.client_secret);
    expect(file).not.toContain(integrator.api_key);

    expect(await controller.handlers.testCredentials({ clientId: integrator.client_id })).toEqual({
      ok: true,
      message: `Eka accepted these credentials for ${integrator.client_id}. Press Save to use them.`,
    });

    const refused = await controller.handlers.testCredentials({
      clientId: integrator.client_id,
      clientSecret: 'not-the-secret',
    });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^Eka refused these credentials/);
    expect(refused.message).toMatch(/Nothing was saved/);
    expect(refused.message).not.toContain('not-the-secret');
    expect(refused.message).not.toMatch(/eka-mcp |credentials set/);
  });

  it('Test credentials with a wrong secret changes nothing: settings, keychain and every client config stay byte for byte', async () => {
    const { integrator } = sandbox.clients;
    await controller.handlers.connectClient({ client: 'claude' });
    await mkdir(join(home, '.cursor'), { recursive: true });
    await controller.handlers.connectClient({ client: 'cursor' });
    // Looking at oidc mode in the form, typing a wrong secret and testing must not switch anything.
    await controller.handlers.saveSettings({
      mode: 'oidc',
      environment: 'sandbox',
      apiBaseUrl: sandbox.apiBaseUrl,
      issuer: sandbox.issuer,
      launchAtLogin: false,
    });
    const files = [
      join(settingsDir, 'settings.json'),
      join(home, '.config', 'Claude', 'claude_desktop_config.json'),
      join(home, '.cursor', 'mcp.json'),
    ];
    const before = await Promise.all(files.map((f) => readFile(f)));
    const secretBefore = await secretStore.get(CLIENT_SECRET_ACCOUNT);
    const result = await controller.handlers.testCredentials({
      clientId: 'someone-else',
      clientSecret: 'wrong-secret-typed',
      apiKey: 'wrong-key-typed',
    });
    expect(result.ok).toBe(false);
    const after = await Promise.all(files.map((f) => readFile(f)));
    for (const [i, file] of files.entries()) expect(after[i]?.equals(before[i] as Buffer), file).toBe(true);
    expect(await secretStore.get(CLIENT_SECRET_ACCOUNT)).toBe(secretBefore);
    expect(secretBefore).toBe(integrator.client_secret);
    expect((await controller.handlers.getState(undefined)).settings.mode).toBe('oidc');
    await controller.handlers.disconnectClient({ client: 'cursor' });
  });

  it('opens only Eka pages in the browser', async () => {
    await expect(controller.handlers.openExternal({ url: 'https://evil.example/' })).rejects.toMatchObject({
      code: 'forbidden-url',
    });
    await controller.handlers.openExternal({ url: 'https://www.eka.care/' });
    expect(opened).toEqual(['https://www.eka.care/']);
  });

  it('disconnects Claude Desktop', async () => {
    const view = await controller.handlers.disconnectClient({ client: 'claude' });
    expect(view.state).toBe('not-connected');
    expect(view.restartNeeded).toBeUndefined();
    expect(view.notice).toMatchObject({ kind: 'disconnected' });
    expect(view.notice?.text).toMatch(/Quit and reopen Claude Desktop/);
    // Connect created the file and nothing else changed it since: disconnect gives back no file.
    await expect(readFile(view.configPath, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('logs what happened without secrets', async () => {
    const lines = await controller.handlers.getLogs(undefined);
    const text = lines.map((l) => l.text).join('\n');
    expect(text).toContain('Connected Claude Desktop');
    expect(text).toContain('Client credentials saved');
    expect(text).not.toContain(sandbox.clients.integrator.client_secret);
    expect(text).not.toContain('not-the-secret');
  });

  it('tells the clinician when the session ends on its own (another process found the grant gone)', async () => {
    await controller.handlers.saveSettings({
      mode: 'oidc',
      environment: 'sandbox',
      apiBaseUrl: sandbox.apiBaseUrl,
      issuer: sandbox.issuer,
      launchAtLogin: false,
    });
    const now = Date.now();
    await writeSessionRecord(secretStore, {
      state: 'signed-in',
      accessToken: 'synthetic-access',
      refreshToken: 'synthetic-refresh',
      expiresAt: now + 3_600_000,
      issuer: sandbox.issuer,
      clientId: 'eka-mcp-desktop',
      name: 'Dr. Test Clinician',
      signedInAt: now,
    });
    const signedIn = await controller.handlers.refreshClients(undefined).then(() => controller.snapshot()!);
    expect(signedIn.session).toMatchObject({ signedIn: true, name: 'Dr. Test Clinician' });
    expect(signedIn.session.expiresAt).toBe(now + 3_600_000);

    notices.length = 0;
    await writeSessionRecord(secretStore, {
      state: 'signed-out',
      reason: 'Your Eka session has expired: open Eka MCP and sign in again',
      at: Date.now(),
    });
    await controller.handlers.refreshClients(undefined);
    expect(controller.snapshot()!.session).toMatchObject({
      signedIn: false,
      lastError: expect.stringMatching(/sign in again/),
    });
    expect(notices).toEqual([
      { kind: 'signed-out', title: 'Signed out of Eka', body: 'Sign in again to keep using Eka in Claude.' },
    ]);
  });

  it('says, on the client and in the notice, that secrets of a replaced entry were removed from the backup', async () => {
    const path = join(home, '.config', 'Claude', 'claude_desktop_config.json');
    await writeFile(
      path,
      JSON.stringify({
        mcpServers: {
          'eka-care': {
            command: 'uvx',
            args: ['eka-mcp-server'],
            env: { EKA_CLIENT_SECRET: 'cs-synthetic-77' },
          },
        },
      }),
    );
    notices.length = 0;
    const view = await controller.handlers.connectClient({ client: 'claude' });
    expect(view.removedSecrets).toEqual(['EKA_CLIENT_SECRET']);
    expect(notices.at(-1)?.body).toContain('carried secrets (EKA_CLIENT_SECRET); they were removed');
    const clients = await controller.handlers.refreshClients(undefined);
    expect(clients.find((c) => c.id === 'claude')?.removedSecrets).toEqual(['EKA_CLIENT_SECRET']);
  });
});
