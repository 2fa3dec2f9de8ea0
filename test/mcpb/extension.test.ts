// The Claude Desktop extension: `npm run mcpb` packs a bundle the official
// MCP Bundle CLI validates; unpacked and started with the manifest's
// mcp_config, its variables substituted by the MCPB library Claude Desktop
// itself uses, the server lists the tools, searches patients in the sandbox
// with user_config in client-credentials mode, and (this platform's keytar
// being in the bundle) uses the Eka account session from the keychain.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { getMcpConfigForManifest, type McpbManifestAny } from '@anthropic-ai/mcpb';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolManifest } from '../../server/tools/tool-manifest';
import { isolate, signInWithCli, useSandboxAndBrowser } from '../signin/helpers';
import { clearService } from '../signin/keychain';
import { resultText } from '../signin/mcp-client';

const root = join(import.meta.dirname, '..', '..');
const mcpbCli = join(dirname(createRequire(import.meta.url).resolve('@anthropic-ai/mcpb')), 'cli', 'cli.js');
const target = `${process.platform}-${process.arch}`;

let out: string;
let unpacked: string;
let manifest: McpbManifestAny;
let build: ReturnType<typeof spawnSync>;
const clients: Client[] = [];

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'eka-mcpb-'));
  build = spawnSync(process.execPath, ['mcpb/build.mjs', '--no-build', '--out', out], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  unpacked = join(out, 'unpacked');
  const unpack = spawnSync(
    process.execPath,
    [mcpbCli, 'unpack', join(out, `eka-mcp-${target}.mcpb`), unpacked],
    {
      encoding: 'utf8',
    },
  );
  if (unpack.status !== 0) throw new Error(`mcpb unpack failed: ${unpack.stderr}${unpack.stdout}`);
  manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as McpbManifestAny;
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  rmSync(out, { recursive: true, force: true });
});

/** Starts the unpacked bundle's server the way Claude Desktop does: mcp_config with its variables filled in. */
async function startLikeClaude(userConfig: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const config = await getMcpConfigForManifest({
    manifest,
    extensionPath: unpacked,
    systemDirs: {
      HOME: tmpdir(),
      DATA: tmpdir(),
      DOCUMENTS: tmpdir(),
      DOWNLOADS: tmpdir(),
      DESKTOP: tmpdir(),
    },
    userConfig,
    pathSeparator: '/',
  });
  if (!config) throw new Error('no mcp_config for this user_config');
  expect(JSON.stringify(config)).not.toContain('${');
  // Claude runs `node` with its own built-in Node; here, this Node.
  const command = config.command === 'node' ? process.execPath : config.command;
  const client = new Client({ name: 'claude-ai', version: '0.1.0' });
  await client.connect(
    new StdioClientTransport({
      command,
      args: config.args ?? [],
      env: { PATH: process.env.PATH ?? '', ...(config.env ?? {}), ...extraEnv },
      cwd: unpacked,
      stderr: 'ignore',
    }),
  );
  clients.push(client);
  return client;
}

describe('the Claude Desktop extension', () => {
  const shared = useSandboxAndBrowser();

  it('npm run mcpb packs a bundle that mcpb validate accepts', () => {
    expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
    expect(existsSync(join(out, `eka-mcp-${target}.mcpb`))).toBe(true);
    const validate = spawnSync(process.execPath, [mcpbCli, 'validate', join(unpacked, 'manifest.json')], {
      encoding: 'utf8',
    });
    expect(validate.status, `${validate.stdout}${validate.stderr}`).toBe(0);
    expect(validate.stdout).toContain('Manifest schema validation passes');
  });

  it('declares a node server on the bundled server, the tools from the server manifest, icon, privacy and compatibility', () => {
    expect(manifest.server.type).toBe('node');
    expect(manifest.server.entry_point).toBe('server/eka-mcp-server.mjs');
    expect(existsSync(join(unpacked, manifest.server.entry_point))).toBe(true);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the manifest's own variable syntax
    expect(manifest.server.mcp_config.args).toEqual(['${__dirname}/server/eka-mcp-server.mjs']);
    const expected = toolManifest()
      .tools.map((t) => t.name)
      .sort();
    expect((manifest.tools ?? []).map((t) => t.name).sort()).toEqual(expected);
    expect(manifest.icon).toBe('icon.png');
    expect(existsSync(join(unpacked, 'icon.png'))).toBe(true);
    expect((manifest as { privacy_policies?: string[] }).privacy_policies).toEqual([
      'https://www.eka.care/privacy-policy',
    ]);
    expect(manifest.compatibility?.platforms).toEqual(['darwin', 'win32', 'linux']);
    const config = manifest.user_config ?? {};
    expect(Object.keys(config)).toEqual(
      expect.arrayContaining(['mode', 'environment', 'client_id', 'client_secret', 'api_key']),
    );
    expect(config.client_secret?.sensitive).toBe(true);
    expect(config.api_key?.sensitive).toBe(true);
    expect(config.client_id?.sensitive).toBeFalsy();
    // The platform's keychain module, for Eka account mode.
    expect(existsSync(join(unpacked, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'))).toBe(
      true,
    );
  });

  it('started with the manifest mcp_config in open mode, lists every tool', async () => {
    const client = await startLikeClaude({
      mode: 'open',
      environment: 'sandbox',
      api_base_url: shared.sandbox.apiBaseUrl,
    });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual((manifest.tools ?? []).map((t) => t.name).sort());
  });

  it('searches patients in the sandbox with user_config in client-credentials mode', async () => {
    const integrator = shared.sandbox.clients.integrator;
    const client = await startLikeClaude({
      mode: 'client-credentials',
      environment: 'sandbox',
      client_id: integrator.client_id,
      client_secret: integrator.client_secret,
      api_key: integrator.api_key,
      api_base_url: shared.sandbox.apiBaseUrl,
    });
    const found = await client.callTool({ name: 'search_patients', arguments: { prefix: 'a' } });
    expect(found.isError ?? false, resultText(found)).toBe(false);
    const patients = (found.structuredContent as { patients?: unknown[] } | undefined)?.patients ?? [];
    expect(patients.length).toBeGreaterThan(0);
  });

  it('refuses client-credentials mode with a wrong secret, with a clear error and no crash', async () => {
    const client = await startLikeClaude({
      mode: 'client-credentials',
      environment: 'sandbox',
      client_id: shared.sandbox.clients.integrator.client_id,
      client_secret: 'not-the-secret',
      api_base_url: shared.sandbox.apiBaseUrl,
    });
    const refused = await client.callTool({ name: 'search_patients', arguments: { prefix: 'a' } });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).not.toContain('not-the-secret');
    const { tools } = await client.listTools();
    expect(tools.length).toBeGreaterThan(0);
  });

  it('in Eka account mode uses the keychain session through the keytar it carries', async () => {
    const iso = isolate();
    try {
      expect((await signInWithCli(shared.browser, shared.sandbox, iso.env)).code).toBe(0);
      const client = await startLikeClaude(
        { mode: 'oidc', environment: 'sandbox', api_base_url: shared.sandbox.apiBaseUrl },
        {
          // The test's own profile instead of the user's: settings folder and keychain service.
          EKA_MCP_HOME: iso.home,
          EKA_MCP_KEYCHAIN_SERVICE: iso.service,
          ...desktopSession(),
        },
      );
      const found = await client.callTool({ name: 'search_patients', arguments: { prefix: 'a' } });
      expect(found.isError ?? false, resultText(found)).toBe(false);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});

/** The D-Bus session the Secret Service is on (Linux). */
function desktopSession(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME', 'HOME']) {
    const value = process.env[key];
    if (value) out[key] = value;
  }
  return out;
}
