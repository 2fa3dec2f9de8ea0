/**
 * HTTP mode's OAuth settings keep secrets off the wire in clear: the issuer
 * (which receives the client secret) and the Eka API (which receives callers'
 * tokens) must be https unless on loopback, and errors never repeat a
 * password from a URL.
 */
import { describe, expect, it } from 'vitest';
import { readAuthSettings } from '../../server/auth/auth-settings';

const BASE = {
  FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: 'https://mcp.example.com',
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: 'server-client',
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET: 'server-secret-opaque',
};

function read(env: Record<string, string>, apiBaseUrl?: string) {
  return () => readAuthSettings({ ...BASE, ...env }, { environment: 'production', apiBaseUrl });
}

describe('OAuth settings transport security', () => {
  it('refuses a plain-http issuer on the network', () => {
    expect(read({ FASTMCP_SERVER_AUTH_EKACARE_ISSUER: 'http://accounts.internal.example' })).toThrow(
      /ISSUER must be an https URL/,
    );
  });

  it('refuses a plain-http Eka API on the network', () => {
    expect(read({}, 'http://api.internal.example')).toThrow(/EKA_API_BASE_URL must be an https URL/);
  });

  it('accepts https, and plain http on loopback (the sandbox)', () => {
    expect(read({})().mode).toBe('oauth');
    const local = read(
      { FASTMCP_SERVER_AUTH_EKACARE_ISSUER: 'http://127.0.0.1:7780' },
      'http://localhost:7781',
    )();
    expect(local).toMatchObject({ issuer: 'http://127.0.0.1:7780', apiBaseUrl: 'http://localhost:7781' });
  });

  it('never repeats a password from a malformed URL in its error', () => {
    let message = '';
    try {
      read({ FASTMCP_SERVER_AUTH_EKACARE_ISSUER: 'https://user:url-pass-99@accounts.example?x=1' })();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/ISSUER must not have a query/);
    expect(message).not.toContain('url-pass-99');
  });
});
