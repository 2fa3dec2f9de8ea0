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
      tokenCheck: { kind: 'read', path: '/dr/v1/business/entities' },
      directTokens: true,
      directClientIds: [],
      tokenUse: 'exchange',
      accessTokenTtl: 600,
      registrationLimit: 100,
      registrationsPerAddress: 20,
      cimdAllowPrivate: false,
      redisUrl: undefined,
    });
    expect(readAuthSettings(ALL, { environment: 'sandbox' })).toMatchObject({
      issuer: 'http://127.0.0.1:7780/oauth2',
    });
  });

  it('reads the direct-token settings: validate path, off, client-id list', () => {
    const settings = readAuthSettings(
      {
        ...ALL,
        FASTMCP_SERVER_AUTH_EKACARE_VALIDATE_PATH: '/connect-auth/v1/account/validate',
        FASTMCP_SERVER_AUTH_EKACARE_DIRECT_TOKENS: 'off',
        FASTMCP_SERVER_AUTH_EKACARE_DIRECT_CLIENT_IDS: 'a, b',
        FASTMCP_SERVER_AUTH_EKACARE_TOKEN_USE: 'direct',
      },
      { environment: 'production' },
    );
    expect(settings).toMatchObject({
      tokenCheck: { kind: 'validate', path: '/connect-auth/v1/account/validate' },
      directTokens: false,
      directClientIds: ['a', 'b'],
      tokenUse: 'direct',
    });
    expect(() =>
      readAuthSettings(
        { ...ALL, FASTMCP_SERVER_AUTH_EKACARE_DIRECT_TOKENS: 'maybe' },
        { environment: 'production' },
      ),
    ).toThrow(/DIRECT_TOKENS must be one of on, off/);
    expect(() =>
      readAuthSettings(
        { ...ALL, FASTMCP_SERVER_AUTH_EKACARE_CHECK_PATH: 'dr/v1' },
        { environment: 'production' },
      ),
    ).toThrow(/CHECK_PATH must be a path/);
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
