// Home's health check is honest: it runs the server the way Claude does and
// makes one authenticated read through it, so a wrong secret shows as "Eka
// refused the credentials" instead of a green "Running".
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../app/core/controller';
import { API_KEY_ACCOUNT, CLIENT_SECRET_ACCOUNT } from '../../server/desktop/client-credentials-store';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { redactText } from '../../server/logging';
import { type Sandbox, startSandbox } from '../sandbox/index';

let sandbox: Sandbox;
let home: string;
let settingsDir: string;
let controller: Controller;
const service = `Eka MCP Health Test ${randomUUID()}`;
const secretStore = createKeytarSecretStore(service);

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  home = await mkdtemp(join(tmpdir(), 'eka-health-home-'));
  settingsDir = await mkdtemp(join(tmpdir(), 'eka-health-settings-'));
  const settings = createFileSettingsStore(settingsDir);
  await settings.update({
    mode: 'client-credentials',
    environment: 'sandbox',
    issuer: sandbox.issuer,
    apiBaseUrl: sandbox.apiBaseUrl,
  });
  controller = createController({
    settings,
    secretStore,
    settingsDir,
    openExternal: () => undefined,
    os: { platform: 'linux', homedir: home, env: { HOME: home } },
    install: {
      runtime: process.execPath,
      serverPath: join(process.cwd(), 'dist', 'server', 'eka-mcp-server.mjs'),
      runAsNode: false,
    },
    home: settingsDir,
    keychainService: service,
    redact: redactText,
  });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  for (const account of [CLIENT_SECRET_ACCOUNT, API_KEY_ACCOUNT])
    await secretStore.delete(account).catch(() => false);
  await sandbox?.stop();
  await rm(home, { recursive: true, force: true });
  await rm(settingsDir, { recursive: true, force: true });
});

describe('health check', () => {
  it('a wrong secret turns health to "Eka refused the credentials"; the right one to Ready', async () => {
    const { integrator } = sandbox.clients;
    await controller.handlers.saveCredentials({
      clientId: integrator.client_id,
      clientSecret: 'a-wrong-secret',
      apiKey: integrator.api_key,
    });
    const wrong = await controller.handlers.checkServer(undefined);
    expect(wrong.state).toBe('ok'); // the server runs and lists its tools...
    expect(wrong).toMatchObject({ verdict: 'refused', headline: 'Eka refused the credentials' });
    expect(wrong.advice).toMatch(/client secret/);
    expect((await controller.handlers.getState(undefined)).server.verdict).toBe('refused');

    await controller.handlers.saveCredentials({
      clientId: integrator.client_id,
      clientSecret: integrator.client_secret,
    });
    const right = await controller.handlers.checkServer(undefined);
    expect(right).toMatchObject({ verdict: 'ready', headline: 'Ready' });
  });

  it('open mode says calls carry no token; signed out says Signed out', async () => {
    const base = {
      environment: 'sandbox' as const,
      apiBaseUrl: sandbox.apiBaseUrl,
      issuer: sandbox.issuer,
      launchAtLogin: false,
    };
    await controller.handlers.saveSettings({ ...base, mode: 'open' });
    const open = await controller.handlers.checkServer(undefined);
    expect(open).toMatchObject({ verdict: 'open', headline: 'Open mode: calls carry no token' });

    await controller.handlers.saveSettings({ ...base, mode: 'oidc' });
    const signedOut = await controller.handlers.checkServer(undefined);
    expect(signedOut).toMatchObject({ verdict: 'signed-out', headline: 'Signed out' });
  });

  it('the health check does not count as a client using Eka MCP', async () => {
    const page = await controller.handlers.getActivity({});
    expect(page.rows.filter((r) => r.clientName === 'eka-mcp-health-check')).toEqual([]);
    const state = await controller.handlers.getState(undefined);
    expect(state.clients.every((c) => c.lastUse === undefined)).toBe(true);
  });
});
