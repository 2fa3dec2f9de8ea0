import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, expect, it } from 'vitest';
import type { McpServerEntry } from '../../app/core/client-configs';
import { toolManifest } from '../../server/tools/tool-manifest';
import { tempDir } from './helpers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'cli', 'eka-mcp.mjs');

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Starts `transport` with only what a client passes on: no PATH, HOME the given folder. */
async function connectBare(client: Client, transport: StdioClientTransport, home: string): Promise<void> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) delete process.env[key];
  process.env.HOME = home;
  try {
    await client.connect(transport);
  } finally {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

it('the entry eka-mcp connect writes starts the server as Claude Desktop would, and tools/list works', async () => {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const ekaHome = join(dir, 'eka home');
  await mkdir(ekaHome);
  await writeFile(join(ekaHome, 'settings.json'), JSON.stringify({ mode: 'open', environment: 'sandbox' }));
  const config = join(dir, 'Claude', 'claude_desktop_config.json');
  const run = spawnSync(process.execPath, [CLI, 'connect', 'claude', '--config', config], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, EKA_MCP_HOME: ekaHome },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);

  const entry = JSON.parse(await readFile(config, 'utf8')).mcpServers['eka-care'] as McpServerEntry;
  // No mode in the entry: the server reads "open" from the settings it is pointed at.
  expect(entry.args.slice(1)).toEqual(['--env', 'sandbox']);
  expect(entry.env).toEqual({ EKA_MCP_HOME: ekaHome });

  const stderr: string[] = [];
  const transport = new StdioClientTransport({
    command: entry.command,
    args: entry.args,
    env: entry.env,
    cwd: '/',
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' });
  try {
    await connectBare(client, transport, dir);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      toolManifest()
        .tools.map((tool) => tool.name)
        .sort(),
    );
  } catch (error) {
    throw new Error(`server failed: ${String(error)}\n${stderr.join('')}`);
  } finally {
    await client.close();
  }
});
