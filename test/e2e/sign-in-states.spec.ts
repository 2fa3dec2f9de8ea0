// Sign-in states driven from the keyboard: waiting, Cancel, and a refusal in
// the browser reported in plain words with nothing stored.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { type Demo, startDemo } from '../../app/demo/demo-host';
import { readRawSession } from '../signin/keychain';
import { submitSandboxLogin } from '../support/sandbox-login';
import { expectAccessible } from './helpers';

let demo: Demo;
let home: string;
const keychainService = `Eka MCP E2E ${randomUUID()}`;

test.beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'eka-e2e-home-'));
  demo = await startDemo({
    port: 0,
    home,
    keychainService,
    sandbox: { issuerPort: 0, apiPort: 0 },
    superviseServer: false,
  });
});

test.afterAll(async () => {
  await demo?.stop();
  await rm(home, { recursive: true, force: true });
});

/** Presses Tab until the focused element has `name`; fails after `max` presses. */
async function tabTo(page: Page, name: string, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate('document.activeElement && document.activeElement.textContent');
    if (typeof focused === 'string' && focused.trim() === name) return;
  }
  throw new Error(`"${name}" is not reachable with Tab`);
}

/** The focused element's outline, to check focus is visible. */
function focusOutline(page: Page): Promise<string> {
  return page.evaluate('getComputedStyle(document.activeElement).outlineStyle') as Promise<string>;
}

test('sign in from the keyboard, cancel, and see a refusal in plain words', async ({ page, context }) => {
  await page.goto(demo.url);
  await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Eka' })).toBeVisible();

  // Keyboard: reach "Sign in with Eka" with Tab, focus is visible, Enter starts.
  await tabTo(page, 'Sign in with Eka');
  expect(await focusOutline(page)).not.toBe('none');
  let tab = context.waitForEvent('page');
  await page.keyboard.press('Enter');
  const first = await tab;
  await expect(page.getByRole('heading', { name: 'Continue in your browser' })).toBeVisible();

  // Cancel from the keyboard: back to the start, no error shown.
  await tabTo(page, 'Cancel');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Sign in with Eka' })).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await first.close();

  // Refuse access on Eka's consent page: a plain-words error, still signed out.
  tab = context.waitForEvent('page');
  await page.getByRole('button', { name: 'Sign in with Eka' }).click();
  const second = await tab;
  await second.waitForLoadState();
  await submitSandboxLogin(second, demo.sandbox!.clinician);
  await second.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Access was not allowed in the browser: nothing was saved',
  );
  await expect(page.getByRole('button', { name: 'Sign in with Eka' })).toBeVisible();
  await expectAccessible(page, 'sign in (error)');
  const state = await page.evaluate('window.eka.getState()');
  expect((state as { session: { signedIn: boolean } }).session.signedIn).toBe(false);
  // Nothing was stored: the demo's keychain service holds no session.
  expect(await readRawSession(keychainService)).toBeNull();

  // The navigation works from the keyboard too.
  await tabTo(page, 'Settings');
  expect(await focusOutline(page)).not.toBe('none');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
});
