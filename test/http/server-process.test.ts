import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../bin/eka-mcp-server.mjs');

/** Environment without any inherited Eka or auth settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('EKA_') && !key.startsWith('FASTMCP_')) env[key] = value;
  }
  return { ...env, EKA_ENV: 'sandbox', ...extra };
}

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

function run(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('eka-mcp-server --transport http (the shipped bundle)', () => {
  it('refuses to start when an OAuth variable is missing, naming it', async () => {
    const { exited, output } = run(['--transport', 'http', '--port', '0'], {
      FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: 'https://medai.example.com',
      FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: 'eka-mcp-server',
    });
    const code = await exited;
    expect(code).not.toBe(0);
    expect(output().stderr).toContain('FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET');
    expect(output().stdout).toBe('');
  });

  it('prints its URL on stderr, serves /health and exits cleanly on SIGTERM', async () => {
    const { child, exited, output } = run(['--transport', 'http', '--port', '0'], {});
    let url: string | undefined;
    for (let attempt = 0; attempt < 100 && !url; attempt++) {
      url = /listening on (http:\/\/\S+\/mcp)/.exec(output().stderr)?.[1];
      if (!url) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(url).toBeDefined();
    expect(output().stderr).toContain('running without auth');
    const health = await fetch(new URL('/health', url));
    expect(await health.json()).toMatchObject({ status: 'ok', auth: 'open' });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output().stdout).toBe('');
  });
});
