// The packaging check: builds the Linux unpacked app offline and checks the
// layout the client entries point at, the fuses (runAsNode off), the entry
// the packaged app writes and its update metadata, then starts the packaged
// server bundle where Windows entries (and the extension) run it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverBundleNear } from '../../app/core/client-configs/install';

describe('package check', () => {
  let out: string;
  let result: ReturnType<typeof spawnSync>;

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'eka-package-'));
    result = spawnSync(process.execPath, ['scripts/package-check.mjs', '--out', out], {
      encoding: 'utf8',
      timeout: 240_000,
    });
  }, 300_000);

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('passes every check', () => {
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain('package check passed');
    expect(result.stdout).not.toContain('FAIL');
  });

  it('turns the runAsNode fuse off, writes entries with --mcp-stdio and the update metadata', () => {
    for (const line of [
      'ok   fuse RunAsNode off',
      'ok   client entry starts the app with --mcp-stdio',
      'ok   client entry sets no ELECTRON_RUN_AS_NODE',
      'ok   update metadata resources/app-update.yml names its feed',
    ])
      expect(result.stdout).toContain(line);
    const feed = readFileSync(join(out, 'linux-unpacked', 'resources', 'app-update.yml'), 'utf8');
    expect(feed).toMatch(/^provider: github$/m);
    expect(feed).toMatch(/^owner: eka-care$/m);
    expect(feed).toMatch(/^repo: eka-mcp-desktop$/m);
  });

  it('puts the server bundle where a client entry from the packaged app points', () => {
    const resources = join(out, 'linux-unpacked', 'resources');
    const mainBundle = join(resources, 'app.asar', 'dist', 'app', 'main.cjs');
    const serverPath = serverBundleNear(mainBundle, existsSync);
    expect(serverPath).toBe(join(resources, 'app.asar.unpacked', 'dist', 'server', 'eka-mcp-server.mjs'));
    expect(existsSync(serverPath)).toBe(true);
  });

  it('runs the unpacked server bundle on its own, outside the asar', async () => {
    const serverPath = join(
      out,
      'linux-unpacked',
      'resources',
      'app.asar.unpacked',
      'dist',
      'server',
      'eka-mcp-server.mjs',
    );
    const client = new Client({ name: 'package-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [serverPath, '--mode', 'open', '--env', 'sandbox'],
        cwd: '/',
        stderr: 'ignore',
      }),
    );
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('search_patients');
    } finally {
      await client.close();
    }
  });
});
