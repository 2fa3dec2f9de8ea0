import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds the bundles once so tests spawn exactly what ships, and gives the
 * run its own settings folder: a server a test starts in process without
 * naming one journals there, never in the settings folder of whoever runs
 * the tests.
 */
export default function setup(): () => void {
  let home: string | undefined;
  if (!process.env.EKA_MCP_HOME) {
    home = mkdtempSync(join(tmpdir(), 'eka-test-home-'));
    process.env.EKA_MCP_HOME = home;
  }
  if (process.env.EKA_TEST_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['scripts/build.mjs', 'server', 'cli'], { stdio: 'inherit' });
  }
  return () => {
    if (home) rmSync(home, { recursive: true, force: true });
  };
}
