import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../sandbox/index';
import type { Sandbox } from '../sandbox/types';
import { filesUnder, isolate, runCli } from './helpers';
import { clearService } from './keychain';

describe('eka-mcp commands', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('prints help for every command and exits 0', async () => {
    const iso = isolate();
    try {
      for (const command of ['login', 'logout', 'status', 'mode', 'credentials', 'doctor']) {
        const result = await runCli([command, '--help'], iso.env);
        expect(result.code, command).toBe(0);
        expect(result.stdout).toContain(`Usage: eka-mcp ${command}`);
      }
      const top = await runCli(['--help'], iso.env);
      expect(top.code).toBe(0);
      expect(top.stdout).toContain('Commands:');
    } finally {
      iso.cleanup();
    }
  });

  it('answers an unknown command or flag with exit 2 and one line', async () => {
    const iso = isolate();
    try {
      for (const args of [['fly'], ['status', '--yaml'], ['mode', 'closed']]) {
        const result = await runCli(args, iso.env);
        expect(result.code, args.join(' ')).toBe(2);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
        expect(result.stderr).toMatch(/^eka-mcp: /);
      }
    } finally {
      iso.cleanup();
    }
  });

  it('switches modes in the settings file', async () => {
    const iso = isolate();
    try {
      expect((await runCli(['mode', 'open'], iso.env)).code).toBe(0);
      const status = JSON.parse((await runCli(['status', '--json'], iso.env)).stdout);
      expect(status.mode).toBe('open');
      expect((await runCli(['mode'], iso.env)).stdout.trim()).toBe('open');
      expect(JSON.parse(readFileSync(join(iso.home, 'settings.json'), 'utf8')).mode).toBe('open');
      expect((await runCli(['mode', 'oidc'], iso.env)).code).toBe(0);
      expect(JSON.parse(readFileSync(join(iso.home, 'settings.json'), 'utf8')).mode).toBe('oidc');
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('refuses a malformed settings file with a clear error and leaves it untouched', async () => {
    const iso = isolate();
    try {
      const file = join(iso.home, 'settings.json');
      writeFileSync(file, '{"mode": "oidc",');
      const result = await runCli(['mode', 'open'], iso.env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('is not valid JSON');
      expect(filesUnder(iso.home)[0]?.content).toBe('{"mode": "oidc",');
      writeFileSync(file, '{"mode": "magic"}');
      const invalid = await runCli(['status'], iso.env);
      expect(invalid.code).toBe(1);
      expect(invalid.stderr).toMatch(/mode: Invalid option/);
    } finally {
      iso.cleanup();
    }
  });

  it('saves client credentials (secrets in the keychain only) and tests them against Eka', async () => {
    const iso = isolate();
    const { client_id, client_secret, api_key } = sandbox.clients.integrator;
    try {
      expect((await runCli(['mode', 'client-credentials'], iso.env)).code).toBe(0);
      writeFileSync(
        join(iso.home, 'settings.json'),
        JSON.stringify({
          mode: 'client-credentials',
          environment: 'sandbox',
          apiBaseUrl: sandbox.apiBaseUrl,
        }),
      );
      const set = await runCli(
        ['credentials', 'set', '--client-id', client_id, '--client-secret-stdin', '--api-key-stdin'],
        iso.env,
        `${client_secret}\n${api_key}\n`,
      );
      expect(set.stderr).toBe('');
      expect(set.code).toBe(0);
      expect(set.stdout).not.toContain(client_secret);
      expect(await keytar.getPassword(iso.service, 'client-secret')).toBe(client_secret);
      expect(await keytar.getPassword(iso.service, 'api-key')).toBe(api_key);
      for (const file of filesUnder(iso.home)) {
        expect(file.content).not.toContain(client_secret);
        expect(file.content).not.toContain(api_key);
      }

      const ok = await runCli(['credentials', 'test'], iso.env);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('Credentials work');

      await runCli(
        ['credentials', 'set', '--client-id', client_id, '--client-secret-stdin'],
        iso.env,
        'wrong-secret\n',
      );
      const bad = await runCli(['credentials', 'test'], iso.env);
      expect(bad.code).toBe(1);
      expect(bad.stderr.trim().split('\n')).toHaveLength(1);
      expect(bad.stderr).toMatch(/^eka-mcp: Credentials test failed: /);
      expect(bad.stderr).not.toContain('wrong-secret');
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('doctor checks the keychain, settings, server bundle, Eka API and issuer', async () => {
    const iso = isolate();
    try {
      writeFileSync(
        join(iso.home, 'settings.json'),
        JSON.stringify({ environment: 'sandbox', issuer: sandbox.issuer, apiBaseUrl: sandbox.apiBaseUrl }),
      );
      const ok = await runCli(['doctor'], iso.env);
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      for (const name of ['settings', 'keychain', 'server', 'api', 'issuer'])
        expect(ok.stdout).toContain(`ok   ${name}`);
      // Discovery under the issuer's path (/oauth2), and what sign-in will ask for.
      expect(ok.stdout).toContain(
        `ok   issuer: ${sandbox.issuer} answers (sign-in asks for "openid profile email"; token use exchange)`,
      );

      // The issuer without its path is a wrong URL, said as such.
      writeFileSync(
        join(iso.home, 'settings.json'),
        JSON.stringify({
          environment: 'sandbox',
          issuer: new URL(sandbox.issuer).origin,
          apiBaseUrl: sandbox.apiBaseUrl,
        }),
      );
      const pathless = await runCli(['doctor'], iso.env);
      expect(pathless.code).toBe(1);
      expect(pathless.stdout).toContain(
        `FAIL issuer: ${new URL(sandbox.issuer).origin}/.well-known/openid-configuration answered 404`,
      );

      writeFileSync(
        join(iso.home, 'settings.json'),
        JSON.stringify({
          environment: 'sandbox',
          issuer: 'http://127.0.0.1:9',
          apiBaseUrl: sandbox.apiBaseUrl,
        }),
      );
      const down = await runCli(['doctor'], iso.env);
      expect(down.code).toBe(1);
      expect(down.stdout).toContain('FAIL issuer');
      expect(down.stdout).toContain('ok   api');
      expect(down.stderr.trim()).toBe('eka-mcp: doctor: issuer failed');
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});
