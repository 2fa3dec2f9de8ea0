import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratorToken } from '../support/integrator-token';
import { startSandbox } from './index';
import type { Sandbox } from './types';

interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

describe('sandbox Eka API: authentication', () => {
  let sandbox: Sandbox;

  const json = (body: unknown) => ({ 'content-type': 'application/json', body: JSON.stringify(body) });
  const login = async (extra: Record<string, string> = {}) => {
    const { body, ...headers } = json({
      client_id: sandbox.clients.integrator.client_id,
      client_secret: sandbox.clients.integrator.client_secret,
      ...extra,
    });
    return fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/login`, { method: 'POST', headers, body });
  };
  const entities = (token?: string) =>
    fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
  const refresh = (pair: TokenPair) =>
    fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/refresh-token`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${pair.access_token}`,
        'client-id': sandbox.clients.integrator.client_id,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ access_token: pair.access_token, refresh_token: pair.refresh_token }),
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0, clientCredentialsTtl: 1 });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('logs the integrator in with client credentials (with and without the API key)', async () => {
    for (const extra of [{}, { api_key: sandbox.clients.integrator.api_key }] as Record<string, string>[]) {
      const res = await login(extra);
      expect(res.status).toBe(200);
      const pair = (await res.json()) as TokenPair;
      expect(pair).toEqual({
        access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        refresh_token: expect.any(String),
        expires_in: 1,
        refresh_expires_in: expect.any(Number),
      });
    }
  });

  it("refuses wrong credentials and a wrong workspace key with a 401 in Eka's {code, error} shape", async () => {
    const wrongSecret = await login({ client_secret: 'nope' });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ code: 401, error: expect.stringContaining('client secret') });
    for (const key of ['sharing_key', 'api_key']) {
      const wrongKey = await login({ [key]: 'nope' });
      expect(wrongKey.status).toBe(401);
      expect(await wrongKey.json()).toEqual({ code: 401, error: expect.stringContaining('sharing_key') });
    }
    // The published name alone opens the workspace.
    expect((await login({ sharing_key: sandbox.clients.integrator.api_key })).status).toBe(200);
    const missing = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ code: 400, error: expect.any(String) });
  });

  it('issues tokens at /api/v1/auth/token with X-API-KEY', async () => {
    const body = JSON.stringify({
      client_id: sandbox.clients.integrator.client_id,
      client_secret: sandbox.clients.integrator.client_secret,
      grant_type: 'client_credentials',
    });
    const ok = await fetch(`${sandbox.apiBaseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': sandbox.clients.integrator.api_key },
      body,
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      access_token: expect.any(String),
      expires_in: 1,
      token_type: 'Bearer',
    });
    const noKey = await fetch(`${sandbox.apiBaseUrl}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(noKey.status).toBe(401);
  });

  it('answers 401 JSON for no token, a forged token and garbage', async () => {
    const none = await entities();
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'unauthorized', message: expect.any(String) });

    const forged = await new SignJWT({ client_id: sandbox.clients.integrator.client_id })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(sandbox.apiBaseUrl)
      .setSubject(sandbox.clients.integrator.client_id)
      .setJti('forged')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-sandbox-key-not-the-sandbox-key'));
    const res = await entities(forged);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
    expect((await entities('garbage')).status).toBe(401);
  });

  it('refuses an expired client-credentials token (1 s lifetime) and accepts its refreshed successor', async () => {
    const pair = (await (await login()).json()) as TokenPair;
    // Wait until the token's exp has passed, observed through the token check itself.
    let status = 200;
    while (status === 200) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await entities(pair.access_token)).status;
    }
    expect(status).toBe(401);
    const validate = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/validate`, {
      headers: { authorization: `Bearer ${pair.access_token}` },
    });
    expect(validate.status).toBe(401);
    expect(await validate.json()).toMatchObject({ error: 'invalid_token' });

    const rotated = await refresh(pair);
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as TokenPair;
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    const before = sandbox.tokens.stats().refreshTokenReuse;
    const reused = await refresh(pair);
    expect(reused.status).toBe(401);
    expect(await reused.json()).toEqual({ code: 401, error: expect.stringContaining('already used') });
    expect(sandbox.tokens.stats().refreshTokenReuse).toBe(before + 1);

    // authorization.yml lists Client-Id as required at refresh-token.
    const noClientId = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/refresh-token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${next.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: next.access_token, refresh_token: next.refresh_token }),
    });
    expect(noClientId.status).toBe(400);
    expect(await noClientId.json()).toEqual({ code: 400, error: expect.stringContaining('Client-Id') });
    // Refused before anything was spent: the pair still renews.
    expect((await refresh(next)).status).toBe(200);
  });
});

describe('sandbox Eka API: token check with a long-lived token', () => {
  it('validates an active client-credentials token with its claims, then refuses it after revocation', async () => {
    const sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
    try {
      const accessToken = await integratorToken(sandbox, { apiKey: false });
      const headers = { authorization: `Bearer ${accessToken}` };
      const check = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/validate`, { headers });
      expect(check.status).toBe(200);
      const verdict = (await check.json()) as Record<string, unknown>;
      expect(verdict).toMatchObject({
        active: true,
        sub: sandbox.clients.integrator.client_id,
        client_id: sandbox.clients.integrator.client_id,
        aud: sandbox.apiBaseUrl,
      });
      expect(verdict.exp).toBeGreaterThan(Date.now() / 1000);
      expect((await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, { headers })).status).toBe(200);
      await sandbox.tokens.revokeAccessToken(accessToken);
      expect((await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, { headers })).status).toBe(401);
      expect(
        (await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/validate`, { headers })).status,
      ).toBe(401);
    } finally {
      await sandbox.stop();
    }
  });
});
