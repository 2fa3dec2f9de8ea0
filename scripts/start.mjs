// `npm start`: builds, fetches Electron's binary when it is missing (a set-up
// made without access to GitHub), then starts the tray app.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary } from './electron-binary.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

if (!electronBinary()) {
  process.stderr.write("start: fetching Electron's binary\n");
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  const fetched = spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  if (fetched.status !== 0 || !electronBinary()) {
    process.stderr.write(
      "start: could not download Electron's binary (it comes from GitHub); try again where GitHub is reachable, or run `npm run demo` for the app in your browser\n",
    );
    process.exit(1);
  }
}

const child = spawn(electronBinary(), [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
