// Builds the bundles, then the installers with electron-builder.
//
//   npm run package                           installers for this OS
//   npm run package -- --mac --arm64          extra flags go to electron-builder
//   EKA_UPDATE_URL=https://… npm run package  update feed from a generic server
//                                             instead of GitHub Releases
//
// Windows builds keep the runAsNode fuse on: a GUI program's main process has
// no stdin on Windows, so clients there run the server bundle with the app's
// executable as Node (ELECTRON_RUN_AS_NODE=1) instead of --mcp-stdio.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);

const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (built.status !== 0) process.exit(built.status ?? 1);

const overrides = [];
const feed = process.env.EKA_UPDATE_URL;
if (feed) {
  if (!/^https:\/\//.test(feed)) {
    console.error(`EKA_UPDATE_URL must be an https URL (got ${feed})`);
    process.exit(2);
  }
  overrides.push('-c.publish.provider=generic', `-c.publish.url=${feed}`);
}
const forWindows =
  args.includes('--win') || (process.platform === 'win32' && !args.some((a) => /^--(mac|linux)$/.test(a)));
if (forWindows) overrides.push('-c.electronFuses.runAsNode=true');

const result = spawnSync(
  process.execPath,
  [require.resolve('electron-builder/cli.js'), '--config', 'electron-builder.yml', ...overrides, ...args],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
