import { execFileSync } from 'node:child_process';

/** Builds the bundles once so tests spawn exactly what ships. */
export default function setup(): void {
  if (process.env.EKA_TEST_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['scripts/build.mjs', 'server', 'cli'], { stdio: 'inherit' });
}
