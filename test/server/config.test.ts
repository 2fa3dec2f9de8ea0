/** Unit tests of the server's settings: flags, environment, .env files and their precedence. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEnvFiles } from '../../server/config/env-files';
import { loadServerConfig, parseServerArgs, resolveServerConfig } from '../../server/config/server-config';
import { parseLogLevel } from '../../server/logging';

const resolve = (argv: string[], env: Record<string, string | undefined> = {}) =>
  resolveServerConfig(parseServerArgs(argv).flags, env);

describe('server config', () => {
  it('defaults to stdio, open mode, production and the documented values', () => {
    const config = resolve([]);
    expect(config).toMatchObject({
      transport: 'stdio',
      mode: 'open',
      env: 'production',
      apiBaseUrl: 'https://api.eka.care',
      issuer: 'https://accounts.eka.care/oauth2',
      tokenFlow: 'connect-auth',
      host: '127.0.0.1',
      port: 8000,
      logLevel: 'info',
      requestTimeoutMs: 30_000,
      maxRetries: 2,
    });
  });

  it('picks client-credentials when EKA_CLIENT_ID and EKA_CLIENT_SECRET are set', () => {
    const config = resolve([], { EKA_CLIENT_ID: 'id', EKA_CLIENT_SECRET: 'secret', EKA_API_KEY: 'key' });
    expect(config).toMatchObject({
      mode: 'client-credentials',
      clientId: 'id',
      clientSecret: 'secret',
      apiKey: 'key',
    });
    expect(resolve([], { EKA_CLIENT_ID: 'id' }).mode).toBe('open');
    // Without a secret in the environment, client-credentials mode reads the app's settings and keychain.
    expect(resolve(['--mode', 'client-credentials'], { EKA_CLIENT_ID: 'id' })).toMatchObject({
      mode: 'client-credentials',
      clientId: 'id',
      clientSecret: undefined,
    });
  });

  it('lets flags win over environment variables', () => {
    const config = resolve(
      [
        '--env',
        'sandbox',
        '--api-base-url',
        'http://127.0.0.1:9999/',
        '--log-level',
        'DEBUG',
        '--mode',
        'open',
      ],
      {
        EKA_ENV: 'development',
        EKA_API_BASE_URL: 'https://api.dev.eka.care',
        EKA_LOG_LEVEL: 'error',
        EKA_CLIENT_ID: 'i',
        EKA_CLIENT_SECRET: 's',
      },
    );
    expect(config).toMatchObject({
      env: 'sandbox',
      apiBaseUrl: 'http://127.0.0.1:9999',
      logLevel: 'debug',
      mode: 'open',
    });
  });

  it('uses the environment defaults of --env', () => {
    expect(resolve(['--env', 'development']).apiBaseUrl).toBe('https://api.dev.eka.care');
    expect(resolve([], { EKA_ENV: 'sandbox' }).apiBaseUrl).toBe('http://127.0.0.1:7781');
  });

  it('reads host, port, timeout and token flow from the environment', () => {
    const config = resolve([], {
      EKA_MCP_SERVER_HOST: '0.0.0.0',
      EKA_MCP_SERVER_PORT: '8123',
      EKA_HTTP_TIMEOUT_MS: '5000',
      EKA_TOKEN_FLOW: 'API-TOKEN',
    });
    expect(config).toMatchObject({
      host: '0.0.0.0',
      port: 8123,
      requestTimeoutMs: 5000,
      tokenFlow: 'api-token',
    });
  });

  it.each([
    [['--transport', 'carrier-pigeon'], {}, /transport.*stdio, http/],
    [[], { EKA_MCP_SERVER_PORT: '70000' }, /port.*0 to 65535/],
    [[], { EKA_HTTP_TIMEOUT_MS: 'soon' }, /timeout.*whole number/],
    [['--api-base-url', 'ftp://example.com'], {}, /http or https/],
    [['--env', 'staging'], {}, /production, development, sandbox/],
    [[], { EKA_TOKEN_FLOW: 'magic' }, /connect-auth, api-token/],
  ] as const)('rejects %j %j with an actionable message', (argv, env, message) => {
    expect(() => resolve([...argv], { ...env })).toThrow(message);
  });

  it('rejects unknown flags and flags without values', () => {
    expect(() => parseServerArgs(['--nope'])).toThrow(/--help/);
    expect(() => parseServerArgs(['--mode'])).toThrow(/argument missing/);
    expect(parseServerArgs(['-h']).help).toBe(true);
  });

  it('accepts log level names the way users write them', () => {
    expect(parseLogLevel('INFO')).toBe('info');
    expect(parseLogLevel('Warning')).toBe('warn');
    expect(parseLogLevel('CRITICAL')).toBe('error');
    expect(parseLogLevel('trace')).toBe('debug');
    expect(parseLogLevel('loud')).toBeUndefined();
  });
});

describe('.env files', () => {
  function folder(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'eka-env-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return dir;
  }

  it('layers .env, then .env.<env>, then the real environment', async () => {
    const dir = folder({
      '.env': 'EKA_ENV=development\nEKA_CLIENT_ID=from-dotenv\nEKA_LOG_LEVEL=INFO\n',
      '.env.development': 'EKA_CLIENT_ID=from-development\nEKA_API_BASE_URL=https://api.dev.eka.care\n',
      '.env.production': 'EKA_CLIENT_ID=from-production\n',
    });
    const env = await loadEnvFiles(dir, { EKA_LOG_LEVEL: 'DEBUG' });
    expect(env).toMatchObject({
      EKA_CLIENT_ID: 'from-development',
      EKA_API_BASE_URL: 'https://api.dev.eka.care',
      EKA_LOG_LEVEL: 'DEBUG',
    });
    expect((await loadEnvFiles(dir, {}, 'production')).EKA_CLIENT_ID).toBe('from-production');
  });

  it('works without any .env file', async () => {
    expect(await loadEnvFiles(folder({}), { A: '1' })).toEqual({ A: '1' });
  });

  it('feeds .env values into the config, with --env choosing the file', async () => {
    const dir = folder({
      '.env.production': 'EKA_CLIENT_ID=prod-id\nEKA_CLIENT_SECRET=prod-secret\n',
      '.env.development': 'EKA_API_BASE_URL=http://127.0.0.1:7781\n',
    });
    const prod = await loadServerConfig({ argv: ['--env', 'production'], env: {}, cwd: dir });
    expect(prod.config).toMatchObject({ mode: 'client-credentials', clientId: 'prod-id' });
    const dev = await loadServerConfig({ argv: ['--env', 'development'], env: {}, cwd: dir });
    expect(dev.config).toMatchObject({ mode: 'open', apiBaseUrl: 'http://127.0.0.1:7781' });
  });
});
