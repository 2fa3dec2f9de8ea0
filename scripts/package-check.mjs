// Builds the Linux unpacked app offline with electron-builder and checks the
// layout the client entries rely on: the server bundle and keytar's native
// module unpacked from app.asar, the Electron fuses as configured (runAsNode
// off), the client entry the packaged app writes (its executable with
// --mcp-stdio) and the update metadata electron-updater reads (app-update.yml).
//
//   node scripts/package-check.mjs [--keep] [--out DIR] [--no-build]
//
// --out DIR keeps the unpacked app in DIR/linux-unpacked (tests inspect it).
//
// Electron's own binary is not downloaded: electron-builder gets a stand-in
// folder (an executable named `electron` carrying a fuse wire, and a
// `version` file), which is enough to assemble and check the package.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const keep = process.argv.includes('--keep');
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : undefined;
const electronVersion = JSON.parse(
  readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'),
).version;

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const FUSE_NAMES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges',
];
const ENABLE = 49;
const DISABLE = 48;
const EXPECTED_FUSES = {
  RunAsNode: DISABLE,
  EnableCookieEncryption: ENABLE,
  EnableNodeOptionsEnvironmentVariable: DISABLE,
  EnableNodeCliInspectArguments: DISABLE,
  EnableEmbeddedAsarIntegrityValidation: ENABLE,
  OnlyLoadAppFromAsar: ENABLE,
};

const failures = [];
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
}

const work = mkdtempSync(join(tmpdir(), 'eka-package-check-'));
try {
  // Stand-in Electron: a shell script with Electron's fuse wire (all fuses at
  // Electron's defaults: on, except the ones Electron ships off).
  const dist = join(work, 'electron-dist');
  mkdirSync(dist);
  const wire = Buffer.from([
    1,
    FUSE_NAMES.length,
    ...[ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE],
  ]);
  const script = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# stand-in for Electron ${electronVersion}\nexit 0\n# `),
    Buffer.from(FUSE_SENTINEL),
    wire,
    Buffer.from('\n'),
  ]);
  writeFileSync(join(dist, 'electron'), script);
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'version'), `v${electronVersion}`);
  writeFileSync(join(dist, 'LICENSE'), 'stand-in\n');

  if (!process.argv.includes('--no-build')) {
    // Named targets only: a full build would empty dist/ under other running tests.
    const targets = ['main', 'preload', 'renderer'];
    if (!existsSync(join(root, 'dist/server/eka-mcp-server.mjs'))) targets.push('server');
    const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), ...targets], {
      cwd: root,
      stdio: 'inherit',
    });
    if (built.status !== 0) throw new Error('the build failed');
  }

  const output = outDir ?? join(work, 'release');
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--config',
      'electron-builder.yml',
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${dist}`,
      `-c.electronVersion=${electronVersion}`,
      `-c.directories.output=${output}`,
    ],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_BUILDER_OFFLINE: '1', CSC_IDENTITY_AUTO_DISCOVERY: 'false' },
    },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(`electron-builder exited with ${result.status}`);
  }

  const app = join(output, 'linux-unpacked');
  const resources = join(app, 'resources');
  const executable = join(app, 'eka-mcp-desktop');
  check(existsSync(executable), `app executable ${executable}`);
  check(existsSync(join(resources, 'app.asar')), 'resources/app.asar');
  // The client entry's server path: the bundle next to dist/app/main.cjs,
  // rewritten from app.asar to app.asar.unpacked.
  const server = join(resources, 'app.asar.unpacked', 'dist', 'server', 'eka-mcp-server.mjs');
  check(existsSync(server), 'server bundle at app.asar.unpacked/dist/server/eka-mcp-server.mjs');
  const keytarNode = join(
    resources,
    'app.asar.unpacked',
    'node_modules',
    'keytar',
    'build',
    'Release',
    'keytar.node',
  );
  check(
    existsSync(keytarNode),
    'keytar native module at app.asar.unpacked/node_modules/keytar/build/Release/keytar.node',
  );
  const keytarJs = join(resources, 'app.asar.unpacked', 'node_modules', 'keytar', 'lib', 'keytar.js');
  check(
    existsSync(keytarJs),
    'keytar loadable by the unpacked server (app.asar.unpacked/node_modules/keytar)',
  );

  const asar = require('@electron/asar');
  const files = asar.listPackage(join(resources, 'app.asar')).map((f) => f.replaceAll('\\', '/'));
  check(files.includes('/dist/app/main.cjs'), 'main process bundle in app.asar');
  check(files.includes('/dist/app/preload.cjs'), 'preload bundle in app.asar');
  check(files.includes('/dist/renderer/index.html'), 'renderer in app.asar');
  check(files.includes('/node_modules/keytar/lib/keytar.js'), 'keytar JavaScript in app.asar');
  check(!files.some((f) => f.endsWith('.map')), 'no source maps shipped');
  check(
    !files.some((f) => f.startsWith('/node_modules/@modelcontextprotocol')),
    'bundled dependencies not shipped twice',
  );
  const pkg = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString('utf8'));
  check(pkg.main === 'dist/app/main.cjs', 'package.json main points at the main bundle');

  // The update feed electron-updater reads at run time.
  const updateYml = join(resources, 'app-update.yml');
  const feed = existsSync(updateYml) ? readFileSync(updateYml, 'utf8') : '';
  check(
    /^provider: (github|generic)$/m.test(feed),
    'update metadata resources/app-update.yml names its feed',
  );
  check(/^updaterCacheDirName: /m.test(feed), 'app-update.yml names the updater cache folder');

  // The entry the packaged app writes into Claude's config, computed by the
  // app's own code for this layout: the executable with the server flag.
  const entryScript = [
    "const { currentInstall } = await import('./app/core/client-configs/install.ts');",
    "const { buildEntry } = await import('./app/core/client-configs/entry.ts');",
    'const [main, exe] = process.argv.slice(-2);',
    "const install = currentInstall(main, { execPath: exe, electron: true, platform: 'linux', env: {} });",
    "process.stdout.write(JSON.stringify(buildEntry(install, { mode: 'oidc', environment: 'production' })));",
  ].join('\n');
  const entryRun = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      entryScript,
      join(resources, 'app.asar', 'dist', 'app', 'main.cjs'),
      executable,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  let entry;
  try {
    entry = JSON.parse(entryRun.stdout);
  } catch {
    entry = undefined;
  }
  check(
    entry?.command === executable,
    `client entry command is the app executable (${entry?.command ?? entryRun.stderr.trim()})`,
  );
  check(entry?.args?.[0] === '--mcp-stdio', 'client entry starts the app with --mcp-stdio');
  check(
    entry !== undefined && !('ELECTRON_RUN_AS_NODE' in (entry.env ?? {})),
    'client entry sets no ELECTRON_RUN_AS_NODE',
  );
  const mainBundle = asar.extractFile(join(resources, 'app.asar'), 'dist/app/main.cjs').toString('utf8');
  check(mainBundle.includes('"--mcp-stdio"'), 'the main bundle answers --mcp-stdio');

  // The fuses, read back from the packaged executable.
  if (existsSync(executable)) {
    const bytes = readFileSync(executable);
    const at = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
    const length = bytes[at + 1];
    const states = Object.fromEntries(
      FUSE_NAMES.slice(0, length).map((name, i) => [name, bytes[at + 2 + i]]),
    );
    for (const [name, expected] of Object.entries(EXPECTED_FUSES)) {
      check(states[name] === expected, `fuse ${name} ${expected === ENABLE ? 'on' : 'off'}`);
    }
  }
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
  console.error(`package check failed: ${failures.at(-1)}`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('\npackage check passed');
