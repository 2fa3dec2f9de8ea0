// What the clinic sees and decides, in a real browser on the demo host: the
// Activity screen (rows from real tool calls, names fetched live from Eka,
// filters, CSV export) and "What assistants may do" (a preset that a running
// server applies at once, per-tool switches), each checked with axe, with
// the README's screenshots in light and dark.
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, type Page, test } from '@playwright/test';
import { type Demo, startDemo } from '../../app/demo/demo-host';
import { submitSandboxLogin } from '../support/sandbox-login';
import { expectAccessible, screenshotBothThemes } from './helpers';

let demo: Demo;
let home: string;
let claude: Client | undefined;

const DOCS = join(process.cwd(), 'docs', 'screenshots');
const ARTIFACTS = join(process.cwd(), 'artifacts', 'screenshots');

test.beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'eka-e2e-activity-'));
  await mkdir(join(home, '.config', 'Claude'), { recursive: true });
  demo = await startDemo({
    port: 0,
    home,
    keychainService: `Eka MCP E2E Activity ${randomUUID()}`,
    sandbox: { issuerPort: 0, apiPort: 0 },
  });
  expect(demo.keychainError).toBeUndefined();
});

test.afterAll(async () => {
  await claude?.close().catch(() => undefined);
  await demo?.stop();
  await rm(home, { recursive: true, force: true });
});

function nav(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });
}

/** Saves both themes as artifacts, and copies them into docs/screenshots for the README. */
async function docsScreenshots(page: Page, name: string): Promise<void> {
  await screenshotBothThemes(page, name);
  await mkdir(DOCS, { recursive: true });
  for (const scheme of ['light', 'dark']) {
    await copyFile(join(ARTIFACTS, `${name}-${scheme}.png`), join(DOCS, `${name}-${scheme}.png`));
  }
}

test('the Activity screen and what assistants may do', async ({ page, context }) => {
  const { clinician } = demo.sandbox!;
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });
  await page.goto(demo.url);

  // Sign in, so the Activity screen can show names from Eka.
  const loginTab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Eka' }).click();
  const tab = await loginTab;
  await tab.waitForLoadState();
  await submitSandboxLogin(tab, clinician);
  await tab.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
  await tab.close();

  // Connect Claude Desktop and run its entry as Claude does.
  const claudeCard = page.locator('[data-client="claude"]');
  await claudeCard.getByRole('button', { name: 'Connect Claude Desktop' }).click();
  await expect(claudeCard.getByText('Connected', { exact: true })).toBeVisible();
  const config = JSON.parse(
    await readFile(join(home, '.config', 'Claude', 'claude_desktop_config.json'), 'utf8'),
  ) as { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };
  const entry = config.mcpServers['eka-care']!;
  const desktopSession: Record<string, string> = {};
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME']) {
    if (process.env[key]) desktopSession[key] = process.env[key] as string;
  }
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    env: { ...getDefaultEnvironment(), ...desktopSession, ...entry.env },
    cwd: '/',
    stderr: 'ignore',
  });
  claude = new Client({ name: 'claude-ai', version: '0.14.1' });
  await claude.connect(transport);

  // A few reads, one change and one failure.
  const found = await claude.callTool({ name: 'search_patients', arguments: { prefix: 'a' } });
  const patient = (found.structuredContent as { patients: { patient_id: string; name: string }[] })
    .patients[0]!;
  await claude.callTool({
    name: 'get_comprehensive_patient_profile',
    arguments: { patient_id: patient.patient_id },
  });
  await claude.callTool({ name: 'get_business_entities', arguments: {} });
  const added = await claude.callTool({
    name: 'add_patient',
    arguments: { name: 'Synthetic Test Person', dob: '1990-01-01', gender: 'F', mobile: '+919000099999' },
  });
  expect(added.isError ?? false).toBe(false);
  await claude.callTool({
    name: 'get_comprehensive_patient_profile',
    arguments: { patient_id: 'no-such-patient' },
  });

  // Home says when Claude last used Eka MCP.
  await expect(claudeCard.getByTestId('last-use')).toContainText(
    'Claude Desktop used Eka MCP just now: 4 reads, 1 change, 1 failed',
  );

  // Activity: newest first, names from Eka for the rows on screen, ids otherwise.
  await nav(page, 'Activity').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Activity' })).toBeFocused();
  const rows = page.getByTestId('activity-row');
  await expect(rows).toHaveCount(5);
  await expect(rows.first()).toHaveAttribute('data-tool', 'get_comprehensive_patient_profile');
  await expect(rows.first()).toContainText('Failed');
  await expect(rows.nth(1)).toContainText('Add a patient');
  await expect(page.getByTestId('activity-table')).toContainText(`${patient.name} (${patient.patient_id})`);
  await expect(page.getByTestId('activity-table')).toContainText('Claude Desktop 0.14.1');
  await expect(page.getByTestId('activity-table')).toContainText(/Dr\.? Ananya Iyer \(d-ananya-iyer\)/);

  // Filters.
  await page.getByLabel('Changes only').check();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-tool', 'add_patient');
  await page.getByLabel('Changes only').uncheck();
  await page.getByLabel('Failures only').check();
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Failures only').uncheck();
  await page.getByLabel('Tool').selectOption('get_business_entities');
  await expect(rows).toHaveCount(1);
  await page.getByLabel('Tool').selectOption('');
  await page.getByLabel('Assistant').selectOption('claude-ai');
  await expect(rows).toHaveCount(5);
  await page.getByLabel('Assistant').selectOption('');

  // CSV export: ids only, never the names shown on screen.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const csv = await readFile((await (await download).path())!, 'utf8');
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(6);
  expect(csv).toContain(patient.patient_id);
  expect(csv).not.toContain(patient.name);
  expect(csv).not.toContain('Synthetic Test Person');
  expect(csv).not.toContain('9000099999');

  await expectAccessible(page, 'activity');
  await docsScreenshots(page, 'activity');

  // What assistants may do: Read only hides the write tools from the running server at once.
  await nav(page, 'Settings').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const permissions = page.getByTestId('permissions');
  await expect(permissions.getByRole('radio', { name: /Everything/ })).toBeChecked();
  await expect(permissions.locator('[data-tool="archive_patient"]').getByLabel('Ask me first')).toBeChecked();
  const listed = async () => (await claude!.listTools()).tools.map((t) => t.name);
  expect(await listed()).toContain('add_patient');
  await permissions.getByRole('radio', { name: /Read only/ }).check();
  await expect(permissions.getByTestId('permissions-status')).toContainText('Preset set to Read only');
  await expect.poll(listed, { timeout: 5000 }).not.toContain('add_patient');
  expect(await listed()).toContain('search_patients');
  const refused = await claude.callTool({
    name: 'book_appointment',
    arguments: {},
  });
  expect(refused.isError).toBe(true);
  expect(JSON.stringify(refused.content)).toContain('not allowed');
  await expect(permissions.getByRole('switch', { name: /Book an appointment/ })).not.toBeChecked();

  // One switch on top of the preset.
  await permissions.getByRole('switch', { name: /Book an appointment/ }).check();
  await expect(permissions.getByTestId('permissions-status')).toContainText('Book an appointment: on');
  await expect.poll(listed, { timeout: 5000 }).toContain('book_appointment');

  await expectAccessible(page, 'permissions');
  // The sticky header would cover part of an element screenshot.
  await page.evaluate("document.querySelector('.topbar').style.position = 'static'");
  await permissions.scrollIntoViewIfNeeded();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await mkdir(DOCS, { recursive: true });
    await permissions.screenshot({ path: join(DOCS, `permissions-${scheme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light', reducedMotion: 'reduce' });

  // Unsaved edits: leaving Settings asks first; staying keeps the edit.
  await page.getByText('Advanced', { exact: true }).click();
  await page.getByLabel('API base URL').fill('https://api.example.invalid');
  await expect(page.getByTestId('unsaved')).toBeVisible();
  page.once('dialog', (dialog) => void dialog.dismiss());
  await nav(page, 'Home').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(page.getByLabel('API base URL')).toHaveValue('https://api.example.invalid');
  page.once('dialog', (dialog) => void dialog.accept());
  await nav(page, 'Home').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();

  // Sign out, then "Sign in as someone else": Eka shows its login page again although the browser
  // still has the last clinician's session there (prompt=login); plain "Sign in" would go to consent.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Eka' })).toBeVisible();
  const plain = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Eka', exact: true }).click();
  const plainTab = await plain;
  await expect(plainTab.getByRole('button', { name: 'Allow' })).toBeVisible();
  await expect(plainTab.getByLabel('Password')).toHaveCount(0);
  await plainTab.close();
  await page.getByRole('button', { name: 'Cancel' }).click();

  const again = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in as someone else' }).click();
  const loginAgain = await again;
  const url = demo.controller?.snapshot()?.signIn.url ?? '';
  expect(new URL(url).searchParams.get('prompt')).toBe('login consent');
  await expect(loginAgain.getByLabel('Password')).toBeVisible();
  await submitSandboxLogin(loginAgain, clinician);
  await loginAgain.getByRole('button', { name: 'Allow' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeFocused();
  await expect(page.getByTestId('announcer')).toContainText('Signed in to Eka');
  // The branded success page, light and dark.
  await expect(loginAgain.getByRole('heading', { level: 1, name: 'Signed in to Eka MCP' })).toBeVisible();
  await expect(loginAgain.getByText('Eka MCP', { exact: true })).toBeVisible();
  await expectAccessible(loginAgain, 'sign-in success page');
  await screenshotBothThemes(loginAgain, 'sign-in-success');
  await loginAgain.close();
});
