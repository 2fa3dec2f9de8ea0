// `npm run mcpb`: the Claude Desktop extension, dist/eka-mcp-<platform>-<arch>.mcpb,
// packed and validated with the official MCP Bundle CLI (@anthropic-ai/mcpb).
//
//   node mcpb/build.mjs [--no-build] [--out DIR]
//
// The bundle holds the server bundle (dist/server), the manifest made from
// mcpb/manifest.template.json with the tool list the built server itself
// answers, the icon and, for Eka account mode, this platform's keytar module.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const argv = process.argv.slice(2);
const outIndex = argv.indexOf('--out');
const outDir = outIndex >= 0 ? argv[outIndex + 1] : join(root, 'dist');
const target = `${process.platform}-${process.arch}`;
const bundleFile = join(outDir, `eka-mcp-${target}.mcpb`);
const mcpbCli = join(dirname(require.resolve('@anthropic-ai/mcpb')), 'cli', 'cli.js');
const serverDir = join(root, 'dist', 'server');

function say(line) {
  process.stderr.write(`mcpb: ${line}\n`);
}

function run(args, what) {
  const result = spawnSync(process.execPath, [mcpbCli, ...args], { cwd: root, encoding: 'utf8' });
  process.stderr.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  if (result.status !== 0) throw new Error(`${what} failed (mcpb ${args[0]} exited ${result.status})`);
  return result.stdout;
}

/** The tools the built server lists, asked over MCP like any client (open mode, a throwaway settings folder). */
async function toolsOfBuiltServer() {
  const home = mkdtempSync(join(tmpdir(), 'eka-mcpb-tools-'));
  const client = new Client({ name: 'mcpb-build', version: '1.0.0' });
  try {
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [join(serverDir, 'eka-mcp-server.mjs'), '--mode', 'open', '--env', 'sandbox'],
        env: { PATH: process.env.PATH ?? '', EKA_MCP_HOME: home },
        cwd: home,
        stderr: 'ignore',
      }),
    );
    const { tools } = await client.listTools();
    return tools.map((tool) => ({
      name: tool.name,
      description: firstSentence(tool.description ?? tool.name),
    }));
  } finally {
    await client.close().catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
}

function firstSentence(text) {
  const line = text.split('\n')[0].trim();
  const end = line.search(/\.(\s|$)/);
  return end > 0 ? line.slice(0, end + 1) : line;
}

if (!argv.includes('--no-build') || !existsSync(join(serverDir, 'eka-mcp-server.mjs'))) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'server'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const stage = mkdtempSync(join(tmpdir(), 'eka-mcpb-'));
try {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const tools = await toolsOfBuiltServer();
  if (tools.length === 0) throw new Error('the built server lists no tools');
  const manifest = JSON.parse(
    readFileSync(join(root, 'mcpb', 'manifest.template.json'), 'utf8').replace('{{version}}', pkg.version),
  );
  manifest.tools = tools;
  writeFileSync(join(stage, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // The app's icon at the size Claude Desktop shows best (512 px).
  cpSync(join(root, 'build', 'icons', '512x512.png'), join(stage, 'icon.png'));
  cpSync(serverDir, join(stage, 'server'), { recursive: true, filter: (src) => !src.endsWith('.map') });

  // Eka account mode reads the session from the OS keychain through keytar.
  const keytar = join(root, 'node_modules', 'keytar');
  const keytarNode = join(keytar, 'build', 'Release', 'keytar.node');
  if (existsSync(keytarNode)) {
    const to = join(stage, 'node_modules', 'keytar');
    mkdirSync(join(to, 'build', 'Release'), { recursive: true });
    cpSync(join(keytar, 'package.json'), join(to, 'package.json'));
    cpSync(join(keytar, 'lib'), join(to, 'lib'), { recursive: true });
    cpSync(keytarNode, join(to, 'build', 'Release', 'keytar.node'));
    say(`carries keytar for ${target} (Eka account mode)`);
  } else {
    say(`no keytar build for ${target}: Eka account mode will say the keychain is unavailable`);
  }

  run(['validate', join(stage, 'manifest.json')], 'manifest validation');
  mkdirSync(outDir, { recursive: true });
  rmSync(bundleFile, { force: true });
  run(['pack', stage, bundleFile], 'packing');
  if (!existsSync(bundleFile)) throw new Error(`mcpb pack wrote no ${bundleFile}`);
  say(`${tools.length} tools; wrote ${bundleFile}`);
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  rmSync(stage, { recursive: true, force: true });
}
