// The clinician's journey in a real browser, on the demo host, against the Eka
// sandbox and the real keychain: sign in, connect Claude Desktop, use the
// written entry exactly as Claude would, sign out, then client credentials.
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, type Page, test } from '@playwright/test';
import { type Demo, startDemo } from '../../app/demo/demo-host';
import { submitSandboxLogin } from '../support/sandbox-login';
import { expectAccessible, screenshotBothThemes } from './helpers';

interface ClaudeConfig {
  mcpServers?: Record<string, { command: string; args: string[]; env?: Record<string, string> }>;
}

let demo: Demo;
let home: string;
let claude: Client | undefined;

test.beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'eka-e2e-home-'));
  // Claude Desktop is "installed": its config folder exists, the file does not yet.
  await mkdir(join(home, '.config', 'Claude'), { recursive: true });
  demo = await startDemo({
    port: 0,
    home,
    keychainService: `Eka MCP E2E ${randomUUID()}`,
    sandbox: { issuerPort: 0, apiPort: 0 },
  });
  expect(demo.keychainError).toBeUndefined();
});

test.afterAll(async () => {
  await claude?.close().catch(() => undefined);
  await demo?.stop();
  await rm(home, { recursive: true, force: true });
});

/** Starts the server from the config entry the way Claude Desktop does: its command, args and env, cwd /. */
async function startLikeClaude(entry: { command: string; args: string[]; env?: Record<string, string> }) {
  const desktopSession: Record<string, string> = {};
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME']) {
    const value = process.env[key];
    if (value) desktopSession[key] = value;
  }
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    env: { ...getDefaultEnvironment(), ...desktopSession, ...entry.env },
    cwd: '/',
    stderr: 'ignore',
  });
  const client = new Client({ name: 'claude-ai', version: '0.1.0' });
  await client.connect(transport);
  return client;
}

/** A button of the main navigation. */
function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
}

function text(result: unknown): string {
  const content = ((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[];
  return content.map((c) => c.text ?? '').join('\n');
}

test('sign in, connect Claude Desktop, use it, sign out, then client credentials', async ({
  page,
  context,
}) => {
  const { clinician, clients } = demo.sandbox!;
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });

  // Open the app: the Sign in screen.
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Eka' })).toBeVisible();
  await expect(page.getByTestId('server-state')).toHaveCount(0);
  await expectAccessible(page, 'sign in');
  await screenshotBothThemes(page, 'sign-in');

  // Sign in with Eka: the sandbox's login page opens in a new tab.
  const loginTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Eka' }).click();
  const tab = await loginTab;
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  await expectAccessible(page, 'sign in (waiting)');
  await screenshotBothThemes(page, 'sign-in-waiting');

  await tab.waitForLoadState();
  await submitSandboxLogin(tab, clinician);
  // The sandbox always asks for consent; click() waits for the button (isVisible() would not).
  await tab.getByRole('button', { name: 'Allow' }).click();

  // Home shows the clinician and the token's expiry; focus is on its heading and the change is announced.
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeFocused();
  await expect(page.getByTestId('announcer')).toHaveText(`Signed in to Eka as ${clinician.name}.`);
  await expect(page.getByTestId('clinician')).toHaveText(clinician.name);
  await expect(page.getByTestId('token-expiry')).toContainText(/Expires in/);
  // The health check made a real read through the server with the session: Ready.
  await expect(page.getByTestId('health')).toHaveAttribute('data-verdict', 'ready');
  await expect(page.getByTestId('health')).toContainText('Ready');
  await tab.close();

  // Connect to Claude Desktop: the config in the temp HOME holds the entry.
  // Claude Desktop comes first and says "Start here".
  const claudeCard = page.locator('[data-client="claude"]');
  await expect(page.locator('[data-client]').first()).toHaveAttribute('data-client', 'claude');
  await expect(claudeCard.getByText('Start here')).toBeVisible();
  await claudeCard.getByRole('button', { name: 'Connect Claude Desktop' }).click();
  await expect(claudeCard.getByText('Connected', { exact: true })).toBeVisible();
  await expect(claudeCard.getByTestId('client-notice')).toContainText(
    `Quit and reopen Claude Desktop, then ask: "Show today's appointments"`,
  );
  await expectAccessible(page, 'home');
  await screenshotBothThemes(page, 'home');

  const configPath = join(home, '.config', 'Claude', 'claude_desktop_config.json');
  const config = JSON.parse(await readFile(configPath, 'utf8')) as ClaudeConfig;
  const entry = config.mcpServers?.['eka-care'];
  expect(entry).toBeDefined();
  expect(JSON.stringify(entry)).not.toMatch(/secret|token|password/i);

  // Spawn that entry exactly as Claude would and search patients through it.
  claude = await startLikeClaude(entry!);
  const found = await claude.callTool({ name: 'search_patients', arguments: { prefix: 'a' } });
  expect(found.isError ?? false, text(found)).toBe(false);
  const patients = (found.structuredContent as { patients?: { name: string }[] } | undefined)?.patients ?? [];
  expect(patients.length).toBeGreaterThan(0);
  for (const patient of patients) expect(patient.name).toMatch(/(^|\s)a/i);

  // The card confirms from the activity journal that Claude called, and says when; the notice can be dismissed.
  await expect(claudeCard.getByTestId('client-notice')).toContainText('Claude Desktop is using Eka MCP');
  await expect(claudeCard.getByTestId('last-use')).toContainText(
    'Claude Desktop used Eka MCP just now: 1 read',
  );
  await claudeCard.getByRole('button', { name: 'Dismiss this message about Claude Desktop' }).click();
  await expect(claudeCard.getByTestId('client-notice')).toHaveCount(0);

  // Cursor is not installed: Connect asks before creating anything.
  const cursorCard = page.locator('[data-client="cursor"]');
  await cursorCard.getByRole('button', { name: 'Connect Cursor' }).click();
  await expect(cursorCard.getByRole('alertdialog')).toContainText('does not seem to be installed');
  await cursorCard.getByRole('button', { name: 'Cancel' }).click();
  await expect(cursorCard.getByText('Not installed', { exact: true })).toBeVisible();

  // Sign out: the same call now asks the app to sign in again (a new tab, the waiting state);
  // the clinician cancels in the app and the call says so.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Eka' })).toBeVisible();
  const againTab = context.waitForEvent('page');
  const refusedCall = claude.callTool({ name: 'search_patients', arguments: { prefix: 'a' } });
  const again = await againTab;
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();
  const refused = await refusedCall;
  expect(refused.isError).toBe(true);
  expect(text(refused)).toContain('Sign-in to Eka was cancelled');
  await again.close();

  // Settings: client credentials with the sandbox integrator's keys; the test succeeds.
  await nav(page, 'Settings').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await page.getByRole('radio', { name: /Client credentials/ }).check();
  await page.getByLabel('Client id', { exact: true }).fill(clients.integrator.client_id);
  await page.getByLabel('Client secret', { exact: true }).fill(clients.integrator.client_secret);
  await page.getByLabel('API key (optional)', { exact: true }).fill(clients.integrator.api_key);
  // Test credentials checks what is typed and saves nothing.
  const settingsFile = join(demo.ekaMcpHome, 'settings.json');
  const beforeTest = await readFile(settingsFile, 'utf8').catch(() => '');
  await page.getByRole('button', { name: 'Test credentials' }).click();
  await expect(page.getByTestId('credentials-result')).toContainText('Eka accepted these credentials');
  expect(await readFile(settingsFile, 'utf8').catch(() => '')).toBe(beforeTest);
  await expect(page.getByTestId('unsaved')).toHaveCount(0); // the result replaces the reminder
  await expectAccessible(page, 'settings');
  await screenshotBothThemes(page, 'settings');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(/^Settings saved/)).toBeVisible();
  await expect(page.getByLabel('Client secret', { exact: true })).toHaveValue('');

  // Home in client-credentials mode: the Claude entry carries no mode, so it did not change.
  await nav(page, 'Home').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await expect(page.getByText('Client credentials', { exact: true })).toBeVisible();
  const updated = JSON.parse(await readFile(configPath, 'utf8')) as ClaudeConfig;
  expect(updated.mcpServers?.['eka-care']).toEqual(entry);
  expect(JSON.stringify(updated)).not.toContain(clients.integrator.client_secret);
  await expect(claudeCard.getByText('Connected', { exact: true })).toBeVisible();
  await expect(page.getByTestId('health')).toHaveAttribute('data-verdict', 'ready');

  // Logs: redacted lines, no secret anywhere on the screen.
  await nav(page, 'Logs').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Logs' })).toBeVisible();
  await expect(page.getByRole('log')).toContainText('Signed in to Eka');
  const logText = (await page.getByRole('log').textContent()) ?? '';
  expect(logText).not.toContain(clients.integrator.client_secret);
  expect(logText).not.toContain(clients.integrator.api_key);
  await expectAccessible(page, 'logs');
  await screenshotBothThemes(page, 'logs');
});
