/**
 * The `eka-mcp` command line as a new user meets it from the README: usage
 * errors on one line with exit 2, `--env` meaning that environment's
 * endpoints, Ctrl-C losing nothing, and `credentials test` showing Eka's reason.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { type Isolation, isolate, runCli, serverBundle, startCliLogin } from '../signin/helpers';

let sandbox: Sandbox;
let iso: Isolation;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

afterEach(() => {
  iso?.cleanup();
});

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

describe('eka-mcp usage errors', () => {
  it('without a command prints the help on stderr, nothing on stdout, and exits 2', async () => {
    iso = isolate();
    const result = await runCli([], iso.env);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: eka-mcp <command>');
  });

  it('a flag followed by a dash value gets one line saying how to pass it', async () => {
    iso = isolate();
    const result = await runCli(['login', '--timeout', '-5'], iso.env);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `eka-mcp: login: Option '--timeout' needs a value (for a value that starts with "-", write --timeout=VALUE) (see eka-mcp login --help)`,
    ]);
  });

  it('login --timeout 0 is refused instead of timing out at once', async () => {
    iso = isolate();
    const result = await runCli(['login', '--timeout', '0'], iso.env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout must be a whole number from 1 to 86400');
  });

  it('eka-mcp-server answers a dash value with one line and exit 2', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [serverBundle, '--timeout-ms', '-1'], {
        env: { PATH: process.env.PATH ?? '' },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end();
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(`Option '--timeout-ms' needs a value`);
  });
});

describe('eka-mcp login --env', () => {
  it('uses the named environment’s client id over a stale saved one, and Ctrl-C leaves the settings as they were', async () => {
    iso = isolate();
    const settingsPath = join(iso.home, 'settings.json');
    const saved = `${JSON.stringify(
      { mode: 'open', environment: 'sandbox', clientId: 'stale-client', apiBaseUrl: 'http://127.0.0.1:1' },
      null,
      2,
    )}\n`;
    writeFileSync(settingsPath, saved);
    const login = startCliLogin(['--env', 'sandbox', '--issuer', sandbox.issuer], iso.env);
    const url = new URL(await login.url);
    expect(url.searchParams.get('client_id')).toBe('eka-mcp-desktop');
    login.child.kill('SIGINT');
    const done = await login.done;
    expect(done.code).toBe(130);
    expect(readFileSync(settingsPath, 'utf8')).toBe(saved);
  });
});

describe('eka-mcp credentials test', () => {
  it('shows Eka’s reason for refusing, on one line, without the secret', async () => {
    iso = isolate();
    writeFileSync(
      join(iso.home, 'settings.json'),
      JSON.stringify({ mode: 'client-credentials', environment: 'sandbox', apiBaseUrl: sandbox.apiBaseUrl }),
    );
    const wrongSecret = 'not-the-integrator-secret-4711';
    const set = await runCli(
      ['credentials', 'set', '--client-id', sandbox.clients.integrator.client_id, '--client-secret-stdin'],
      iso.env,
      `${wrongSecret}\n`,
    );
    expect(set.code).toBe(0);
    const result = await runCli(['credentials', 'test'], iso.env);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(
      `refused the client credentials for ${sandbox.clients.integrator.client_id}`,
    );
    // Eka's own words from its {code, error} reply.
    expect(result.stderr).toContain('HTTP 401 The client id or client secret is not correct.');
    expect(result.stderr).not.toContain(wrongSecret);
  });
});

describe('eka-mcp credentials test against an unreachable API', () => {
  it('names the API base URL it could not reach', async () => {
    iso = isolate();
    writeFileSync(
      join(iso.home, 'settings.json'),
      JSON.stringify({
        mode: 'client-credentials',
        environment: 'sandbox',
        apiBaseUrl: 'http://127.0.0.1:1',
      }),
    );
    const set = await runCli(
      ['credentials', 'set', '--client-id', sandbox.clients.integrator.client_id, '--client-secret-stdin'],
      iso.env,
      `${sandbox.clients.integrator.client_secret}\n`,
    );
    expect(set.code).toBe(0);
    const result = await runCli(['credentials', 'test'], iso.env);
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'eka-mcp: Credentials test failed: Could not reach Eka at http://127.0.0.1:1: check the API base URL and the connection, then try again',
    ]);
  });
});

describe('a malformed settings file', () => {
  it('is reported with line:column and left byte for byte as it was', async () => {
    iso = isolate();
    const settingsPath = join(iso.home, 'settings.json');
    const broken = '{\n  "mode": "oidc",\n  "environment": "sandbox",\n}\n';
    writeFileSync(settingsPath, broken);
    for (const args of [['status'], ['mode', 'open'], ['login', '--env', 'sandbox']]) {
      const result = await runCli(args, iso.env);
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toContain(`The settings file ${settingsPath} is not valid JSON at line 4:1`);
    }
    expect(readFileSync(settingsPath, 'utf8')).toBe(broken);
  });
});

describe('a settings folder that is not usable', () => {
  it('EKA_MCP_HOME naming a file: one line with the reason and what to do', async () => {
    iso = isolate();
    const notAFolder = join(iso.home, 'a-file');
    writeFileSync(notAFolder, 'kept\n');
    const result = await runCli(['mode', 'open'], { ...iso.env, EKA_MCP_HOME: notAFolder });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toEqual([
      `eka-mcp: Cannot read the settings file ${join(notAFolder, 'settings.json')} (ENOTDIR): ${notAFolder} must be a folder you can read (set EKA_MCP_HOME to move it)`,
    ]);
    expect(readFileSync(notAFolder, 'utf8')).toBe('kept\n');
  });

  it('a folder that cannot be written: one line saying nothing was changed', async () => {
    iso = isolate();
    // /proc/self reads as a folder without settings.json, but no file can be created in it, even by root.
    const result = await runCli(['mode', 'open'], { ...iso.env, EKA_MCP_HOME: '/proc/self' });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^eka-mcp: Cannot save the settings file \/proc\/self\/settings\.json \(E[A-Z]+\): .*nothing was changed$/m,
    );
  });
});

describe('eka-mcp doctor', () => {
  it('checks the Eka API, and the sign-in service only in oidc mode', async () => {
    iso = isolate();
    const settingsPath = join(iso.home, 'settings.json');
    writeFileSync(
      settingsPath,
      JSON.stringify({
        mode: 'client-credentials',
        environment: 'sandbox',
        issuer: 'http://127.0.0.1:9',
        apiBaseUrl: sandbox.apiBaseUrl,
      }),
    );
    const cc = await runCli(['doctor'], iso.env);
    expect(cc.code).toBe(0);
    expect(cc.stdout).toContain(`ok   api: ${sandbox.apiBaseUrl} answers`);
    expect(cc.stdout).not.toContain('issuer');

    writeFileSync(
      settingsPath,
      JSON.stringify({
        mode: 'oidc',
        environment: 'sandbox',
        issuer: sandbox.issuer,
        apiBaseUrl: 'http://127.0.0.1:9',
      }),
    );
    const oidc = await runCli(['doctor'], iso.env);
    expect(oidc.code).toBe(1);
    expect(oidc.stdout).toContain('FAIL api: http://127.0.0.1:9 is not reachable');
    expect(oidc.stdout).toContain(`ok   issuer: ${sandbox.issuer} answers`);
    expect(lines(oidc.stderr)).toEqual(['eka-mcp: doctor: api failed']);
  });
});
