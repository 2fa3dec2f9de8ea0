// Sets up a fresh checkout with nothing but Node: the system packages the
// tests and the keychain need (Debian and Ubuntu), then `npm ci`. Where
// Electron's binary cannot be downloaded (no access to GitHub), it installs
// everything else and says how to fetch the binary later.
//
//   npm run setup              system packages (as root) or the one sudo line, then npm ci
//   npm run setup -- --no-apt  skip the system packages
//   npm run setup -- --force   run npm ci even when node_modules matches package-lock.json
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skipApt = process.argv.includes('--no-apt');

/** What `npm test` and the keychain need on Debian and Ubuntu. */
export const SYSTEM_PACKAGES = [
  'chromium',
  'dbus',
  'dbus-x11',
  'gnome-keyring',
  'libsecret-1-dev',
  'redis-server',
  'python3',
  'make',
  'g++',
];

function say(line) {
  process.stderr.write(`setup: ${line}\n`);
}

function isDebianLike() {
  if (process.platform !== 'linux' || !existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release) && have('apt-get');
}

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function missingPackages() {
  return SYSTEM_PACKAGES.filter((name) => {
    const query = spawnSync('dpkg', ['-s', name], { encoding: 'utf8' });
    return query.status !== 0 || !query.stdout.includes('Status: install ok installed');
  });
}

function runInherit(cmd, args, env = {}) {
  return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;
}

/** Runs a command, showing its output as it comes, and resolves its exit code and the output. */
function runTee(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      output += chunk;
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

let missingSystem = [];
if (!skipApt && isDebianLike()) {
  missingSystem = missingPackages();
  if (missingSystem.length === 0) {
    say('system packages present');
  } else if (process.getuid?.() === 0) {
    say(`installing ${missingSystem.join(' ')}`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (runInherit('apt-get', ['update', '-qq'], env) !== 0) {
      say('apt-get update failed');
      process.exit(1);
    }
    if (
      runInherit('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missingSystem], env) !== 0
    ) {
      say('apt-get install failed');
      process.exit(1);
    }
    missingSystem = [];
  } else {
    say('the tests and the keychain need these system packages; install them with:');
    process.stdout.write(`sudo apt-get install -y ${missingSystem.join(' ')}\n`);
  }
} else if (!skipApt && process.platform === 'linux') {
  say(
    `not Debian or Ubuntu: install ${SYSTEM_PACKAGES.join(', ')} (or your distribution's names for them) yourself`,
  );
}

const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
const ciArgs = [...npm[1], 'ci', '--no-audit', '--no-fund'];

// npm ci starts from scratch every time; a second `npm run setup` (the
// README's test line after its demo line) skips it while package-lock.json
// is what was installed.
const stamp = join(root, 'node_modules', '.eka-setup');
const lockHash = createHash('sha256')
  .update(readFileSync(join(root, 'package-lock.json')))
  .digest('hex');
const installed = existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lockHash;
if (installed && !process.argv.includes('--force')) {
  say('node_modules is installed for this package-lock.json (--force reinstalls)');
  if (!electronBinary() && !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    const env = { ...process.env };
    spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
      cwd: root,
      stdio: 'ignore',
      env,
    });
  }
} else {
  let result = await runTee(npm[0], ciArgs);
  if (
    result.code !== 0 &&
    !process.env.ELECTRON_SKIP_BINARY_DOWNLOAD &&
    electronDownloadFailed(result.output)
  ) {
    say("Electron's binary could not be downloaded (no access to GitHub?); installing without it");
    result = await runTee(npm[0], ciArgs, { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' });
  }
  if (result.code !== 0) {
    say('npm ci failed (see above)');
    process.exit(result.code);
  }
  writeFileSync(stamp, `${lockHash}\n`);
}

if (electronBinary()) {
  say('Electron binary present: npm start runs the tray app');
} else {
  say(
    "installed without Electron's binary: the demo, the build and the tests work; " +
      'fetch it later with `node node_modules/electron/install.js` (npm start does it for you)',
  );
}
if (missingSystem.length > 0) say('done, once the system packages above are installed');
else say('done: npm run demo, npm test');

/** Whether npm ci failed in Electron's postinstall download (rather than anything else). */
function electronDownloadFailed(output) {
  const inElectron = /node_modules[\\/]electron\b|electron@\d|@electron\/get/.test(output);
  const network =
    /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|RequestError|HTTPError|certificate/i.test(
      output,
    );
  return inElectron && network;
}
