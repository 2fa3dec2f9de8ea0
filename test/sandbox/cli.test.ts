import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';

const children: ChildProcess[] = [];

function startCli(args: string[]) {
  // Node with the tsx loader, so the signal reaches the CLI itself (npx would not pass it on).
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/sandbox/cli.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`the sandbox CLI exited (${code}) before printing`)));
  });
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run sandbox', () => {
  it('prints exactly one JSON line with --json, serves discovery, and stops on SIGTERM', async () => {
    const { child, exited } = startCli(['--json', '--issuer-port', '0', '--api-port', '0']);
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const info = JSON.parse(await firstLine(child)) as Record<string, unknown> & {
      issuer: string;
      apiBaseUrl: string;
    };
    expect(info).toEqual({
      issuer: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/oauth2$/),
      apiBaseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
      clinician: {
        username: expect.any(String),
        password: expect.any(String),
        name: expect.any(String),
        email: expect.any(String),
      },
      clients: {
        desktop: { client_id: 'eka-mcp-desktop' },
        server: { client_id: 'eka-mcp-server', client_secret: expect.any(String) },
        integrator: {
          client_id: expect.any(String),
          client_secret: expect.any(String),
          api_key: expect.any(String),
        },
      },
    });
    const discovery = await fetch(`${info.issuer}/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(
      ((await discovery.json()) as { code_challenge_methods_supported: string[] })
        .code_challenge_methods_supported,
    ).toContain('S256');
    expect((await fetch(`${info.apiBaseUrl}/profiles/v1/patient/search?prefix=a`)).status).toBe(401);

    child.kill('SIGTERM');
    const { code } = await exited;
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    await expect(fetch(`${info.issuer}/.well-known/openid-configuration`)).rejects.toThrow();
  });

  it('refuses an unknown flag and a bad port with a clear message', async () => {
    for (const args of [['--no-such-flag'], ['--api-port', 'abc']]) {
      const { child, exited } = startCli(args);
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const { code } = await exited;
      expect(code).toBe(2);
      expect(stderr).toContain('Usage: npm run sandbox');
    }
  });
});
