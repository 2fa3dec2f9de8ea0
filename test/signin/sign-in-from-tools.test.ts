// Sign-in started by a tool call, end to end: the bundled server spawned over
// stdio by a real MCP client, signed out, against the sandbox, the real
// keychain, and a real Chromium as the clinician's browser.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { type Controller, createController } from '../../app/core/controller';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { redactText } from '../../server/logging';
import { seedPatients } from '../sandbox/seed/patients';
import type { Sandbox } from '../sandbox/types';
import { type ClinicianBrowser, startClinicianBrowser } from '../support/browser-relay';
import { type Isolation, isolate, serverBundle, useSandboxAndBrowser } from './helpers';
import { clearService, readRawSession } from './keychain';
import { resultText } from './mcp-client';

interface Run {
  iso: Isolation;
  clinician: ClinicianBrowser;
  clients: Client[];
  controller?: Controller;
}

let runs: Run[] = [];
/** The start of a seeded (synthetic) patient's name. */
const SEARCH_PREFIX = (seedPatients().find((p) => !p.arc)?.fn ?? '').slice(0, 3);

afterEach(async () => {
  for (const run of runs) {
    await Promise.all(run.clients.map((client) => client.close().catch(() => undefined)));
    await run.controller?.stop();
    await run.clinician.close();
    await clearService(run.iso.service);
    run.iso.cleanup();
  }
  runs = [];
});

/** A signed-out clinician: settings for the sandbox in Eka account mode, an empty keychain service. */
async function signedOutClinician(
  sandbox: Sandbox,
  shared: { browser: import('playwright-core').Browser },
  settings: Record<string, unknown> = {},
): Promise<Run> {
  const iso = isolate();
  await writeFile(
    join(iso.home, 'settings.json'),
    JSON.stringify({
      mode: 'oidc',
      environment: 'sandbox',
      issuer: sandbox.issuer,
      apiBaseUrl: sandbox.apiBaseUrl,
      ...settings,
    }),
    { mode: 0o600 },
  );
  const clinician = await startClinicianBrowser(shared.browser, sandbox.clinician);
  const run: Run = { iso, clinician, clients: [] };
  runs.push(run);
  return run;
}

/** Starts the bundled server as an MCP client would, its browser being the clinician's Chromium. */
async function startServer(run: Run, sandbox: Sandbox, capabilities: Record<string, unknown> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [serverBundle, '--mode', 'oidc', '--env', 'sandbox', '--api-base-url', sandbox.apiBaseUrl],
    env: { ...(run.iso.env as Record<string, string>), ...run.clinician.env },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'signin-from-tools-test', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  run.clients.push(client);
  return client;
}

/** The app core (the tray app without Electron) serving the sign-in channel in the run's settings folder. */
async function startAppCore(run: Run): Promise<Controller> {
  const controller = createController({
    settings: createFileSettingsStore(run.iso.home),
    secretStore: createKeytarSecretStore(run.iso.service),
    settingsDir: run.iso.home,
    openExternal: (url) => run.clinician.open(url),
    os: { platform: 'linux', homedir: run.iso.home, env: { HOME: run.iso.home } },
    install: { runtime: process.execPath, serverPath: serverBundle, runAsNode: false },
    home: run.iso.home,
    keychainService: run.iso.service,
    redact: redactText,
    superviseServer: false,
  });
  await controller.start();
  run.controller = controller;
  return controller;
}

const search = (client: Client, options?: { onprogress?: (p: unknown) => void }) =>
  client.callTool({ name: 'search_patients', arguments: { prefix: SEARCH_PREFIX } }, undefined, {
    timeout: 90_000,
    ...options,
  });

describe('sign-in started by a tool call', () => {
  const shared = useSandboxAndBrowser();

  it('with the app core running, a signed-out search_patients signs in through the app and returns patients', async () => {
    const run = await signedOutClinician(shared.sandbox, shared);
    const controller = await startAppCore(run);
    const waiting: string[] = [];
    controller.on('state', (state) => {
      if (state.signIn.state === 'waiting') waiting.push(state.signIn.url ?? '');
    });
    const client = await startServer(run, shared.sandbox);
    const progress: unknown[] = [];
    const result = await search(client, { onprogress: (p) => progress.push(p) });
    expect(result.isError, resultText(result)).toBeFalsy();
    expect((result.structuredContent as { patients: unknown[] }).patients.length).toBeGreaterThan(0);
    // The app opened the browser (not the server: its relay saw only the app's open) and showed the waiting state.
    expect(run.clinician.opened).toHaveLength(1);
    expect(waiting.some((url) => url.startsWith(shared.sandbox.issuer))).toBe(true);
    expect(progress.length).toBeGreaterThan(0);
    expect(JSON.parse((await readRawSession(run.iso.service)) ?? '{}').state).toBe('signed-in');
  });

  it('with no app, the server signs in by itself in the browser', async () => {
    const run = await signedOutClinician(shared.sandbox, shared);
    const client = await startServer(run, shared.sandbox);
    const result = await search(client);
    expect(result.isError, resultText(result)).toBeFalsy();
    expect((result.structuredContent as { patients: unknown[] }).patients.length).toBeGreaterThan(0);
    expect(run.clinician.opened).toHaveLength(1);
    expect(new URL(run.clinician.opened[0] ?? '').origin).toBe(new URL(shared.sandbox.issuer).origin);
  });

  it('five server processes called at once give one browser sign-in and five answers', async () => {
    const run = await signedOutClinician(shared.sandbox, shared);
    const clients = await Promise.all(Array.from({ length: 5 }, () => startServer(run, shared.sandbox)));
    const results = await Promise.all(clients.map((client) => search(client)));
    for (const result of results) expect(result.isError, resultText(result)).toBeFalsy();
    expect(run.clinician.opened).toHaveLength(1);
  });

  it('a cancelled sign-in gives the documented isError and no second browser window during the cooldown', async () => {
    const run = await signedOutClinician(shared.sandbox, shared);
    run.clinician.setAction('Cancel');
    const client = await startServer(run, shared.sandbox);
    const first = await search(client);
    expect(first.isError).toBe(true);
    expect(resultText(first)).toContain('Sign-in to Eka was refused in the browser');
    expect(resultText(first)).toContain('Ask again to retry signing in');
    expect(resultText(first)).toContain('(sign_in_cancelled)');

    run.clinician.setAction('Allow');
    const second = await search(client);
    expect(second.isError).toBe(true);
    expect(resultText(second)).toMatch(/refused a moment ago.*Ask again in \d+ s/);
    // A second server (Claude may run several) does not open the browser either.
    const other = await startServer(run, shared.sandbox);
    expect((await search(other)).isError).toBe(true);
    expect(run.clinician.opened).toHaveLength(1);
  });

  it('a client that supports URL elicitation receives the sign-in link', async () => {
    const run = await signedOutClinician(shared.sandbox, shared);
    const client = await startServer(run, shared.sandbox, { elicitation: { url: {} } });
    const links: { mode?: string; url?: string; message?: string }[] = [];
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      links.push(request.params as { mode?: string; url?: string; message?: string });
      return { action: 'accept' };
    });
    const result = await search(client);
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(links).toHaveLength(1);
    expect(links[0]?.mode).toBe('url');
    expect(links[0]?.url).toBe(run.clinician.opened[0]);
    expect(links[0]?.message).toContain('Sign in to Eka');
  });

  it('a v2 SDK client that supports URL elicitation receives the sign-in link', async () => {
    const { Client: ClientV2 } = await import('@modelcontextprotocol/client');
    const { StdioClientTransport: StdioV2 } = await import('@modelcontextprotocol/client/stdio');
    const run = await signedOutClinician(shared.sandbox, shared);
    const client = new ClientV2(
      { name: 'signin-from-tools-v2', version: '1.0.0' },
      { capabilities: { elicitation: { url: {} } } },
    );
    const links: { mode?: string; url?: string }[] = [];
    client.setRequestHandler('elicitation/create', async (request) => {
      links.push(request.params as { mode?: string; url?: string });
      return { action: 'accept' };
    });
    await client.connect(
      new StdioV2({
        command: process.execPath,
        args: [
          serverBundle,
          '--mode',
          'oidc',
          '--env',
          'sandbox',
          '--api-base-url',
          shared.sandbox.apiBaseUrl,
        ],
        env: { ...(run.iso.env as Record<string, string>), ...run.clinician.env },
        stderr: 'ignore',
      }),
    );
    try {
      const result = await client.callTool(
        { name: 'search_patients', arguments: { prefix: SEARCH_PREFIX } },
        { timeout: 90_000 },
      );
      expect(result.isError, resultText(result)).toBeFalsy();
      expect(links).toEqual([expect.objectContaining({ mode: 'url', url: run.clinician.opened[0] })]);
    } finally {
      await client.close();
    }
  });

  it('answers "still open" at the wait limit, and the next call picks up the finished sign-in', async () => {
    const run = await signedOutClinician(shared.sandbox, shared, { signInWaitSeconds: 2 });
    run.clinician.setAction('ignore');
    const client = await startServer(run, shared.sandbox);
    const first = await search(client);
    expect(first.isError).toBe(true);
    expect(resultText(first)).toContain('Sign-in to Eka is open in your browser');
    expect(resultText(first)).toContain('ask again and this request will continue');
    // The clinician finishes the sign-in that kept waiting; the next call uses it, with no new browser window.
    expect(run.clinician.opened).toHaveLength(1);
    const page = await shared.browser.newPage();
    try {
      const { signInOnSandbox } = await import('../support/sandbox-login');
      await signInOnSandbox(page, run.clinician.opened[0] ?? '', shared.sandbox.clinician);
      await page.waitForURL((address) => address.pathname === '/callback');
    } finally {
      await page.close();
    }
    const second = await search(client);
    expect(second.isError, resultText(second)).toBeFalsy();
    expect(run.clinician.opened).toHaveLength(1);
  });

  it('with the setting off, a signed-out call keeps the "sign in again" message and opens nothing', async () => {
    const run = await signedOutClinician(shared.sandbox, shared, { signInFromTools: false });
    const client = await startServer(run, shared.sandbox);
    const result = await search(client);
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('open Eka MCP and sign in again');
    expect(run.clinician.opened).toHaveLength(0);
  });
});
