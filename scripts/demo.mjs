// `npm run demo`: builds, then starts the demo host (app/demo/main.ts). On a
// Linux machine with no desktop session (a server, a container, CI) there is
// no Secret Service to keep the sign-in in, so the demo runs inside a private
// D-Bus session with a throwaway, unlocked gnome-keyring, as the tests do;
// what it stores there is gone when the demo stops.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const quote = (a) => `'${a.replaceAll("'", "'\\''")}'`;

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const demo = [process.execPath, '--import', 'tsx', join(root, 'app/demo/main.ts'), ...args];
const headless =
  process.platform === 'linux' &&
  !process.env.DBUS_SESSION_BUS_ADDRESS &&
  have('dbus-run-session') &&
  have('gnome-keyring-daemon');

let child;
let data;
if (headless) {
  process.stderr.write('demo: no desktop session here; using a throwaway keychain for this run\n');
  data = mkdtempSync(join(tmpdir(), 'eka-demo-keyring-'));
  child = spawn(
    'dbus-run-session',
    [
      '--',
      'sh',
      '-c',
      `printf pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec ${demo.map(quote).join(' ')}`,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, XDG_DATA_HOME: data } },
  );
} else {
  child = spawn(demo[0], demo.slice(1), { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  if (data) rmSync(data, { recursive: true, force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
