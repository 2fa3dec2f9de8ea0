// Runs the whole test suite the way CI does: builds, provides a throwaway
// unlocked keychain on Linux, runs Vitest, the Playwright journeys and the
// real Electron app's tests (under xvfb-run on a Linux machine without a
// display), and closes with one "N passed, N failed" line. Where the Electron
// tests cannot run (no Electron binary), one line says why and how many.
//
//   npm test                   everything
//   npm test -- test/server    only the Vitest files matching a filter
//   npm test -- --electron     only the Electron tests (npm run test:electron)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The test runners' own entry points, run with this Node (no shell shims, so Windows works too).
const vitestCli = join(root, 'node_modules/vitest/vitest.mjs');
const playwrightCli = join(root, 'node_modules/@playwright/test/cli.js');
const args = process.argv.slice(2);
const electronOnly = args.includes('--electron');
const filters = args.filter((a) => a !== '--electron');

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
  const inner = [process.execPath, join(root, 'scripts/test.mjs'), ...args]
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

let exitCode = 0;
const vitestJson = join(resultsDir, 'vitest.json');
if (!electronOnly) {
  code = await run(
    process.execPath,
    [
      vitestCli,
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${vitestJson}`,
      ...filters,
    ],
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
  exitCode = code;

  const e2eDir = join(root, 'test/e2e');
  const hasE2e = existsSync(e2eDir) && readdirSync(e2eDir).some((f) => f.endsWith('.spec.ts'));
  if (hasE2e && filters.length === 0) {
    const pwJson = join(resultsDir, 'playwright.json');
    code = await run(process.execPath, [playwrightCli, 'test', '--reporter=list,json'], {
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
}

if (electronOnly || filters.length === 0) {
  const pwJson = join(resultsDir, 'electron.json');
  const playwright = [
    process.execPath,
    playwrightCli,
    'test',
    '-c',
    join(root, 'test/electron/playwright.config.ts'),
    '--reporter=list,json',
  ];
  const noDisplay = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
  const [cmd, ...cmdArgs] = noDisplay && have('xvfb-run') ? ['xvfb-run', '-a', ...playwright] : playwright;
  code = await run(cmd, cmdArgs, { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });
  if (existsSync(pwJson)) {
    const report = JSON.parse(readFileSync(pwJson, 'utf8'));
    const stats = report.stats ?? {};
    passed += stats.expected ?? 0;
    failed += (stats.unexpected ?? 0) + (stats.flaky ?? 0);
    skipped += stats.skipped ?? 0;
    if ((stats.expected ?? 0) === 0 && (stats.skipped ?? 0) > 0) {
      console.log(
        `\nElectron tests: ${stats.skipped} skipped: ${skipReason(report) ?? 'see the list above'}`,
      );
    }
  } else if (code !== 0) {
    failed += 1;
  }
  if (code !== 0) exitCode = code;
}

rmSync(resultsDir, { recursive: true, force: true });
console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(exitCode !== 0 || failed > 0 ? 1 : 0);

/** The first skip reason in a Playwright JSON report. */
function skipReason(node) {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = skipReason(item);
      if (found) return found;
    }
    return undefined;
  }
  if (node && typeof node === 'object') {
    if (node.type === 'skip' && typeof node.description === 'string' && node.description)
      return node.description;
    return skipReason(Object.values(node));
  }
  return undefined;
}
