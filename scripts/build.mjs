// Builds every bundle the product ships: the MCP server, the CLI, the Electron
// main and preload scripts, the demo host and the React renderer.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2);

// ESM bundles still contain CommonJS dependencies that call require() or read
// __filename / __dirname (write-file-atomic names its temp files from it).
const esmBanner = {
  js: [
    "import { createRequire as __ekaCreateRequire } from 'node:module';",
    "import { fileURLToPath as __ekaFileURLToPath } from 'node:url';",
    'const require = __ekaCreateRequire(import.meta.url);',
    'const __ekaFilename = __ekaFileURLToPath(import.meta.url);',
    "const __ekaDirname = __ekaFilename.slice(0, Math.max(__ekaFilename.lastIndexOf('/'), __ekaFilename.lastIndexOf('\\\\')));",
  ].join(' '),
};
const esmDefine = { __filename: '__ekaFilename', __dirname: '__ekaDirname' };

const nodeExternals = ['keytar', 'electron', 'fsevents'];

// jsonc-parser's `main` is a UMD build whose internal require() calls esbuild
// cannot follow; its ES module build bundles cleanly.
const nodeAliases = { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' };

const targets = [
  // The server is split so the stdio path loads only what it runs: the HTTP
  // transport (express, redis, jose) and the keychain session sit in chunks
  // that only their modes import. Claude Desktop starts it at every launch.
  {
    name: 'server',
    entry: 'server/main.ts',
    outdir: 'dist/server',
    entryName: 'eka-mcp-server',
    format: 'esm',
    split: true,
  },
  { name: 'cli', entry: 'app/cli/main.ts', outfile: 'dist/cli/eka-mcp.mjs', format: 'esm' },
  { name: 'main', entry: 'app/main.ts', outfile: 'dist/app/main.cjs', format: 'cjs' },
  { name: 'preload', entry: 'app/preload.ts', outfile: 'dist/app/preload.cjs', format: 'cjs' },
];

async function buildNode(target) {
  const entry = join(root, target.entry);
  if (!existsSync(entry)) return false;
  const output = target.split
    ? {
        outdir: join(root, target.outdir),
        entryNames: target.entryName,
        chunkNames: 'chunks/[name]-[hash]',
        outExtension: { '.js': '.mjs' },
        splitting: true,
        minify: true,
        keepNames: true,
      }
    : { outfile: join(root, target.outfile) };
  if (target.split) await rm(join(root, target.outdir), { recursive: true, force: true });
  await build({
    entryPoints: [entry],
    ...output,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: target.format,
    banner: target.format === 'esm' ? esmBanner : undefined,
    external: nodeExternals,
    alias: nodeAliases,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      'process.env.EKA_MCP_BUNDLED': '"1"',
      ...(target.format === 'esm' ? esmDefine : {}),
    },
  });
  return true;
}

async function buildRenderer() {
  if (!existsSync(join(root, 'renderer/index.html'))) return false;
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
  return true;
}

const started = Date.now();
if (only.length === 0) await rm(join(root, 'dist'), { recursive: true, force: true });
const built = [];
for (const target of targets) {
  if (only.length > 0 && !only.includes(target.name)) continue;
  if (await buildNode(target)) built.push(target.name);
}
if (only.length === 0 || only.includes('renderer')) {
  if (await buildRenderer()) built.push('renderer');
}
process.stderr.write(`built ${built.join(', ') || 'nothing'} in ${Date.now() - started} ms\n`);
