import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './test/support/chromium';

/** End-to-end journeys in Chromium on the demo host (npm test runs them inside the keyring wrapper). */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 20_000 },
  outputDir: 'test-results',
  reporter: 'list',
  use: {
    headless: true,
    viewport: { width: 1100, height: 820 },
    launchOptions: chromiumLaunchOptions,
    trace: 'off',
    screenshot: 'off',
  },
});
