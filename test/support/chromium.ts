import { type Browser, chromium, type LaunchOptions } from 'playwright-core';

/** How every test and the Playwright config launch the system Chromium: headless, no sandbox, no network chatter. */
export const chromiumLaunchOptions = {
  executablePath: process.env.EKA_TEST_CHROMIUM || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
} satisfies LaunchOptions;

/** Launches the system Chromium headless with the shared options. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}
