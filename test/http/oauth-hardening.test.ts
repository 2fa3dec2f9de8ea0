/**
 * HTTP OAuth mode's edges: protected-resource metadata at both RFC 9728
 * paths, 403 insufficient_scope, duplicate Host headers, `trust proxy=true`,
 * `/health` with Redis up and down, and the direct-token path turned off or
 * limited to a list of client ids.
 */
import { connect } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import { launchChromium } from '../support/chromium';
import { integratorToken } from '../support/integrator-token';
import { startTestSandbox, startTestServer, type TestServer } from './harness';
import { authorizeByHand } from './manual-oauth';
import { startTestRedis, type TestRedis } from './redis-server';

function listTools(url: string, token: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
}

/** Sends `request` as raw bytes and returns the whole answer (the request asks to close). */
function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('HTTP OAuth mode hardening', () => {
  let sandbox: Sandbox;
  let redis: TestRedis;
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    redis = await startTestRedis();
    server = await startTestServer(sandbox, { oauth: true, redisUrl: redis.url });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await redis?.stop();
    await sandbox?.stop();
  });

  it('serves protected-resource metadata at both RFC 9728 paths, and CIMD support', async () => {
    for (const path of [
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-protected-resource/mcp',
    ]) {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        resource: `${server.baseUrl}/mcp`,
        authorization_servers: [`${server.baseUrl}/`],
        scopes_supported: ['mcp', 'offline_access'],
      });
    }
    const as = await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({
      client_id_metadata_document_supported: true,
      scopes_supported: ['mcp', 'offline_access'],
    });
  });

  it('answers 403 insufficient_scope to a token of ours without the mcp scope', async () => {
    const register = await fetch(`${server.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1/cb'], token_endpoint_auth_method: 'none' }),
    });
    const { client_id } = (await register.json()) as { client_id: string };
    const { code, verifier, redirectUri } = await authorizeByHand({
      browser,
      sandbox,
      authorizationEndpoint: `${server.baseUrl}/authorize`,
      clientId: client_id,
      params: { scope: 'offline_access' },
      redirectUri: (port) => `http://127.0.0.1:${port}/cb`,
    });
    const token = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        client_id,
        redirect_uri: redirectUri,
      }),
    });
    expect(token.status).toBe(200);
    const tokens = (await token.json()) as { access_token: string; scope: string };
    expect(tokens.scope).toBe('offline_access');
    const response = await listTools(server.url, tokens.access_token);
    expect(response.status).toBe(403);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain('error="insufficient_scope"');
    expect(challenge).toContain('scope="mcp"');
    expect(challenge).toContain('resource_metadata=');
  });

  it('answers 400 to two Host headers (raw socket)', async () => {
    const host = `127.0.0.1:${server.port}`;
    const body = '{"jsonrpc":"2.0","id":1,"method":"tools/list"}';
    const twice = await rawRequest(
      server.port,
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nHost: attacker.example\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(twice).toMatch(/^HTTP\/1\.1 400 /);
    expect(twice).toContain('more than one Host header');
    const health = await rawRequest(
      server.port,
      `GET /health HTTP/1.1\r\nHost: ${host}\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
    );
    expect(health).toMatch(/^HTTP\/1\.1 400 /);
    // One Host is fine (the control): the auth check answers.
    const once = await rawRequest(
      server.port,
      `POST /mcp HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(once).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('reports the store in /health: ok with Redis up, 503 with Redis down', async () => {
    const up = await fetch(`${server.baseUrl}/health`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: 'ok', auth: 'oauth', store: { kind: 'redis', ok: true } });
    await redis.stop();
    try {
      const down = await fetch(`${server.baseUrl}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({
        status: 'degraded',
        auth: 'oauth',
        store: { kind: 'redis', ok: false },
      });
    } finally {
      await redis.start();
    }
    await expect
      .poll(async () => (await fetch(`${server.baseUrl}/health`)).status, { timeout: 10_000 })
      .toBe(200);
  });
});

describe('trust proxy', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('refuses EKA_MCP_TRUST_PROXY=true and accepts a hop count or an address list', async () => {
    await expect(
      startTestServer(sandbox, { oauth: true, env: { EKA_MCP_TRUST_PROXY: 'true' } }),
    ).rejects.toThrow(/EKA_MCP_TRUST_PROXY=true would believe any X-Forwarded-For/);
    for (const value of ['1', 'loopback, 10.0.0.1']) {
      const server = await startTestServer(sandbox, { oauth: true, env: { EKA_MCP_TRUST_PROXY: value } });
      await server.close();
    }
  });
});

describe('the direct-token path', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('can be turned off: a valid Eka token is refused without asking Eka', async () => {
    const server = await startTestServer(sandbox, {
      oauth: true,
      env: { FASTMCP_SERVER_AUTH_EKACARE_DIRECT_TOKENS: 'off' },
    });
    try {
      const token = await integratorToken(sandbox);
      sandbox.requests.clear();
      const response = await listTools(server.url, token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('only tokens it issued');
      expect(sandbox.requests.list()).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("admits only the listed client ids, taken from the check's verdict", async () => {
    const token = await integratorToken(sandbox);
    const allowed = await startTestServer(sandbox, {
      oauth: true,
      env: {
        FASTMCP_SERVER_AUTH_EKACARE_DIRECT_CLIENT_IDS: `other-client, ${sandbox.clients.integrator.client_id}`,
      },
    });
    const others = await startTestServer(sandbox, {
      oauth: true,
      env: { FASTMCP_SERVER_AUTH_EKACARE_DIRECT_CLIENT_IDS: 'some-integrator' },
    });
    try {
      expect((await listTools(allowed.url, token)).status).toBe(200);
      const refused = await listTools(others.url, token);
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('not accepted by this server');
    } finally {
      await allowed.close();
      await others.close();
    }
  });

  it('uses the validate path when it is set', async () => {
    const server = await startTestServer(sandbox, {
      oauth: true,
      env: { FASTMCP_SERVER_AUTH_EKACARE_VALIDATE_PATH: '/connect-auth/v1/account/validate' },
    });
    try {
      const token = await integratorToken(sandbox);
      sandbox.requests.clear();
      expect((await listTools(server.url, token)).status).toBe(200);
      expect(sandbox.requests.list().map((entry) => entry.path)).toEqual([
        '/connect-auth/v1/account/validate',
      ]);
    } finally {
      await server.close();
    }
  });
});
