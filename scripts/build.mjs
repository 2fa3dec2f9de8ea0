// Builds every bundle the product ships: the MCP server, the CLI, the Electron
// main and preload scripts, the demo host and the React renderer.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

// The MCP SDK's Node shim imports its Ajv provider (Ajv, Ajv 2019 and 2020
// and ajv-formats, some 130 KB minified, evaluated at load) for one rarely
// used feature: checking elicitation replies against a JSON Schema. Parsing
// and loading it would cost every server start, so the server bundle leaves
// it out: the shim's import becomes a require() of dist/server/ajv-validator.cjs
// (built from the SDK's own Ajv validator next to the bundle) on first use.
// The build fails if the SDK file no longer reads as expected.
const AJV_VALIDATOR_FILE = 'ajv-validator.cjs';
const lazyAjvPlugin = {
  name: 'lazy-ajv',
  setup(pluginBuild) {
    pluginBuild.onLoad(
      { filter: /[\\/]@modelcontextprotocol[\\/]server[\\/]dist[\\/]shimsNode\.mjs$/ },
      async (args) => {
        const source = await readFile(args.path, 'utf8');
        const match = /^import \{ n as AjvJsonSchemaValidator \} from "\.\/ajvProvider-[\w-]+\.mjs";$/m.exec(
          source,
        );
        if (!match)
          throw new Error(`lazy-ajv: ${args.path} no longer imports AjvJsonSchemaValidator as expected`);
        const lazy = [
          'class AjvJsonSchemaValidator {',
          '  #args; #real;',
          '  constructor(...args) { this.#args = args; }',
          '  getValidator(schema) {',
          "    const dir = /chunks$/.test(__ekaDirname) ? __ekaDirname + '/..' : __ekaDirname;",
          `    this.#real ??= new (require(dir + '/${AJV_VALIDATOR_FILE}').AjvJsonSchemaValidator)(...this.#args);`,
          '    return this.#real.getValidator(schema);',
          '  }',
          '}',
        ].join('\n');
        return { contents: source.replace(match[0], lazy), loader: 'js', resolveDir: dirname(args.path) };
      },
    );
  },
};

/** Builds the SDK's Ajv validator beside the server bundle, for lazyAjvPlugin. */
async function buildAjvValidator() {
  await build({
    entryPoints: [join(root, 'node_modules/@modelcontextprotocol/server/dist/validators/ajv.mjs')],
    outfile: join(root, 'dist/server', AJV_VALIDATOR_FILE),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

// zod's namespace objects (`z`, `core`) re-export all of its 40-odd message
// locales, so a bundle that uses `z` as a value keeps every one of them:
// some 300 KB that the server would parse at every start and never use (it
// speaks English, zod's default). In the server bundle the namespace
// offers English only.
const englishOnlyZodPlugin = {
  name: 'zod-english-only',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) => {
      if (!/[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)) return undefined;
      return { path: join(args.resolveDir, '../locales/index.js'), namespace: 'zod-locales' };
    });
    pluginBuild.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

// The server answers tools/list from a manifest computed here from the tools'
// zod configs (server/tools/tool-manifest.ts) and baked into the bundle in
// place of server/tools/built-manifest.ts: start-up builds no schemas, and no
// generated file has to be kept in sync by hand.
async function computeToolManifest() {
  const result = await build({
    entryPoints: [join(root, 'server/tools/tool-manifest.ts')],
    outfile: 'tool-manifest.mjs',
    write: false,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    banner: esmBanner,
    define: esmDefine,
    external: nodeExternals,
    alias: nodeAliases,
    logLevel: 'warning',
  });
  const dir = await mkdtemp(join(tmpdir(), 'eka-tool-manifest-'));
  try {
    const file = join(dir, 'tool-manifest.mjs');
    await writeFile(file, result.outputFiles[0].text);
    const { toolManifest } = await import(pathToFileURL(file).href);
    const { tools } = toolManifest();
    if (!Array.isArray(tools) || tools.length === 0) throw new Error('the tool manifest came out empty');
    return tools;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function builtManifestPlugin(tools) {
  return {
    name: 'built-tool-manifest',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /[\\/]server[\\/]tools[\\/]built-manifest\.ts$/ }, () => ({
        contents: `export const BUILT_TOOL_MANIFEST = JSON.parse(${JSON.stringify(JSON.stringify(tools))});`,
        loader: 'js',
      }));
    },
  };
}

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
    plugins: async () => [
      lazyAjvPlugin,
      englishOnlyZodPlugin,
      builtManifestPlugin(await computeToolManifest()),
    ],
    after: buildAjvValidator,
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
    plugins: target.plugins ? await target.plugins() : [],
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      'process.env.EKA_MCP_BUNDLED': '"1"',
      ...(target.format === 'esm' ? esmDefine : {}),
    },
  });
  await target.after?.();
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
