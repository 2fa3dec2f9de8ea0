import { describe, expect, it } from 'vitest';
import { readAuthSettings } from '../../server/auth/auth-settings';

const ALL = {
  FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: 'https://medai.example.com',
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: 'eka-mcp-server',
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET: 'not-a-real-secret',
};

describe('HTTP auth settings', () => {
  it('is open mode when no auth variable is set', () => {
    expect(readAuthSettings({}, { environment: 'production' })).toEqual({ mode: 'open' });
  });

  it('names each missing OAuth variable', () => {
    for (const missing of Object.keys(ALL)) {
      const env: Record<string, string> = { ...ALL };
      delete env[missing];
      expect(() => readAuthSettings(env, { environment: 'production' })).toThrow(missing);
    }
  });

  it('defaults the issuer, validate path and resource', () => {
    const settings = readAuthSettings(ALL, { environment: 'production' });
    expect(settings).toMatchObject({
      mode: 'oauth',
      baseUrl: 'https://medai.example.com',
      resource: 'https://medai.example.com/mcp',
      issuer: 'https://accounts.eka.care/oauth2',
      apiBaseUrl: 'https://api.eka.care',
      validatePath: '/connect-auth/v1/account/validate',
      redisUrl: undefined,
    });
    expect(readAuthSettings(ALL, { environment: 'sandbox' })).toMatchObject({
      issuer: 'http://127.0.0.1:7780/oauth2',
    });
  });

  it('refuses a storage URL that is not Redis, without echoing secrets', () => {
    const env = { ...ALL, FASTMCP_SERVER_AUTH_EKACARE_CLIENT_STORAGE_BE: 'mysql://x' };
    expect(() => readAuthSettings(env, { environment: 'production' })).toThrow(/redis:\/\//);
    try {
      readAuthSettings(env, { environment: 'production' });
    } catch (error) {
      expect((error as Error).message).not.toContain('not-a-real-secret');
    }
  });

  it('wants an https BASE_URL, except on loopback', () => {
    const plain = { ...ALL, FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: 'http://medai.example.com' };
    expect(() => readAuthSettings(plain, { environment: 'production' })).toThrow(/https/);
    const loopback = { ...ALL, FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: 'http://127.0.0.1:8000' };
    expect(readAuthSettings(loopback, { environment: 'sandbox' })).toMatchObject({
      resource: 'http://127.0.0.1:8000/mcp',
    });
  });
});
