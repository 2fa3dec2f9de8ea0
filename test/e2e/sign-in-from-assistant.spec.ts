// The clinician's journey when signed out: they ask their assistant for a
// patient, the browser opens at Eka's (sandbox) sign-in, they sign in once,
// and the same question gets its answer; no trip to the tray app. The app is
// the demo host (the real app core), the assistant a real MCP client running
// the server from the Claude Desktop entry exactly as Claude does.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, test } from '@playwright/test';
import { type Demo, startDemo } from '../../app/demo/demo-host';
import { seedPatients } from '../sandbox/seed/patients';
import { submitSandboxLogin } from '../support/sandbox-login';

let demo: Demo;
let home: string;
let claude: Client | undefined;

test.beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'eka-e2e-assistant-'));
  await mkdir(join(home, '.config', 'Claude'), { recursive: true });
  demo = await startDemo({
    port: 0,
    home,
    keychainService: `Eka MCP E2E Assistant ${randomUUID()}`,
    sandbox: { issuerPort: 0, apiPort: 0 },
    superviseServer: false,
  });
  expect(demo.keychainError).toBeUndefined();
});

test.afterAll(async () => {
  await claude?.close().catch(() => undefined);
  await demo?.stop();
  await rm(home, { recursive: true, force: true });
});

test('a signed-out clinician asks for a patient, signs in once in the browser, and gets the answer', async ({
  page,
  context,
}) => {
  const { clinician } = demo.sandbox!;
  // The app is running (here, its window is open in the browser) and Claude Desktop is connected.
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Eka' })).toBeVisible();
  await demo.controller!.handlers.connectClient({ client: 'claude' });
  const config = JSON.parse(
    await readFile(join(home, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8'),
  );
  const entry = config.mcpServers['eka-care'] as {
    command: string;
    args: string[];
    env?: Record<string, string>;
  };

  // Claude starts the server from the entry: its command, args and env, cwd /.
  const desktopSession: Record<string, string> = {};
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME']) {
    const value = process.env[key];
    if (value) desktopSession[key] = value;
  }
  claude = new Client({ name: 'claude-ai', version: '0.1.0' });
  await claude.connect(
    new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...getDefaultEnvironment(), ...desktopSession, ...entry.env },
      cwd: '/',
      stderr: 'ignore',
    }),
  );

  // The clinician asks for a patient; the browser opens at the sandbox sign-in.
  const seeded = seedPatients().find((p) => !p.arc)!;
  const prefix = seeded.fn.slice(0, 3);
  const signInTab = context.waitForEvent('page');
  const answer = claude.callTool({ name: 'search_patients', arguments: { prefix } }, undefined, {
    timeout: 120_000,
  });
  const tab = await signInTab;
  await tab.waitForLoadState();
  expect(new URL(tab.url()).origin).toBe(new URL(demo.sandbox!.issuer).origin);
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();

  // They sign in once.
  await submitSandboxLogin(tab, clinician);
  await tab.getByRole('button', { name: 'Allow' }).click();
  await expect(tab.getByRole('heading', { level: 1 })).toHaveText('Signed in to Eka MCP');

  // The same question gets its answer.
  const result = await answer;
  const patients =
    (result.structuredContent as { patients?: { patient_id: string }[] } | undefined)?.patients ?? [];
  expect(result.isError ?? false).toBe(false);
  expect(patients.map((p) => p.patient_id)).toContain(seeded.oid);
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(page.getByTestId('clinician')).toHaveText(clinician.name);
  // One sign-in: no second tab was opened.
  expect(context.pages()).toHaveLength(2);
});
