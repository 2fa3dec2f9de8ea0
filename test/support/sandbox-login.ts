import type { Page } from 'playwright-core';

/** The sandbox clinician's login. */
export interface SandboxLogin {
  username: string;
  password: string;
}

/** Fills the sandbox's login page already shown in `page` and submits it. */
export async function submitSandboxLogin(page: Page, login: SandboxLogin): Promise<void> {
  await page.getByLabel('Username').fill(login.username);
  await page.getByLabel('Password').fill(login.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens `authorizationUrl`, signs in on the sandbox's login page and answers its consent page. */
export async function signInOnSandbox(
  page: Page,
  authorizationUrl: string,
  login: SandboxLogin,
  consent: 'Allow' | 'Cancel' = 'Allow',
): Promise<void> {
  await page.goto(authorizationUrl);
  await submitSandboxLogin(page, login);
  await page.getByRole('button', { name: consent }).click();
}
