// Runs the whole test suite the way CI does: builds, provides a throwaway
// unlocked keychain on Linux, runs Vitest and then the Playwright journeys,
// and closes with one "N passed, N failed" line.
//
//   npm test                 everything
//   npm test -- test/server  only the Vitest files matching a filter
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// On Linux the keychain is the Secret Service on D-Bus. Start a private
// session bus and an unlocked gnome-keyring with a throwaway store, then run
// this script again inside it.
if (process.platform === 'linux' && process.env.EKA_TEST_KEYRING !== '1') {
  if (!have('dbus-run-session') || !have('gnome-keyring-daemon')) {
    console.error(
      'npm test needs dbus-run-session and gnome-keyring-daemon (apt-get install dbus gnome-keyring).',
    );
    process.exit(1);
  }
  const data = mkdtempSync(join(tmpdir(), 'eka-keyring-'));
  const inner = [process.execPath, join(root, 'scripts/test.mjs'), ...filters]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(' ');
  const code = await run(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec ${inner}`,
    ],
    { EKA_TEST_KEYRING: '1', XDG_DATA_HOME: data },
  );
  rmSync(data, { recursive: true, force: true });
  process.exit(code);
}

const resultsDir = mkdtempSync(join(tmpdir(), 'eka-test-results-'));
let passed = 0;
let failed = 0;
let skipped = 0;

let code = await run(process.execPath, [join(root, 'scripts/build.mjs')]);
if (code !== 0) process.exit(code);

const vitestJson = join(resultsDir, 'vitest.json');
code = await run(
  join(root, 'node_modules/.bin/vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`, ...filters],
  { EKA_TEST_SKIP_BUILD: '1' },
);
if (existsSync(vitestJson)) {
  const report = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else if (code !== 0) {
  failed += 1;
}
let exitCode = code;

const e2eDir = join(root, 'test/e2e');
const hasE2e = existsSync(e2eDir) && readdirSync(e2eDir).some((f) => f.endsWith('.spec.ts'));
if (hasE2e && filters.length === 0) {
  const pwJson = join(resultsDir, 'playwright.json');
  code = await run(join(root, 'node_modules/.bin/playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson,
  });
  if (existsSync(pwJson)) {
    const stats = JSON.parse(readFileSync(pwJson, 'utf8')).stats ?? {};
    passed += stats.expected ?? 0;
    failed += (stats.unexpected ?? 0) + (stats.flaky ?? 0);
    skipped += stats.skipped ?? 0;
  } else if (code !== 0) {
    failed += 1;
  }
  if (code !== 0) exitCode = code;
}

rmSync(resultsDir, { recursive: true, force: true });
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode !== 0 || failed > 0 ? 1 : 0);
