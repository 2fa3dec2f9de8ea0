import { defineConfig } from '@playwright/test';

/** The real Electron app, driven by Playwright's `_electron` (npm test and npm run test:electron run it). */
export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  outputDir: '../../test-results/electron',
  reporter: 'list',
});
