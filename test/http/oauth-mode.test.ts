import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import {
  PROBE_CALL,
  startTestSandbox,
  startTestServer,
  type TestServer,
  tokenFingerprint,
  validateCalls,
} from './harness';
import { BrowserOAuthClient } from './oauth-browser';

/** One raw JSON-RPC `tools/list`, optionally with a bearer token. */
async function listTools(url: string, token?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
  });
}

describe('HTTP transport, EkaCare OAuth mode', () => {
  let sandbox: Sandbox;
  let server: TestServer;
  let other: TestServer;
  let oauth: BrowserOAuthClient;
  let now = Date.now();
  const clock = () => now;
  let rotatedAway = '';

  beforeAll(async () => {
    sandbox = await startTestSandbox({ accessTokenTtl: 600 });
    server = await startTestServer(sandbox, { oauth: true, clock });
    other = await startTestServer(sandbox, { oauth: true });
    oauth = await BrowserOAuthClient.start(sandbox);
  });

  afterAll(async () => {
    await oauth?.close();
    await server?.close();
    await other?.close();
    await sandbox?.stop();
  });

  it('refuses an unauthenticated call with 401 and the metadata pointer', async () => {
    const response = await listTools(server.url);
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate') ?? '';
    expect(challenge).toContain(`resource_metadata="${server.baseUrl}/.well-known/oauth-protected-resource"`);

    const metadata = await (await fetch(`${server.baseUrl}/.well-known/oauth-protected-resource`)).json();
    expect(metadata).toMatchObject({
      resource: `${server.baseUrl}/mcp`,
      authorization_servers: [`${server.baseUrl}/`],
    });
    const as = await (await fetch(`${server.baseUrl}/.well-known/oauth-authorization-server`)).json();
    expect(as).toMatchObject({
      registration_endpoint: `${server.baseUrl}/register`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('signs in through the browser (discovery, registration, PKCE, token exchange) and calls a tool', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
    const first = new Client({ name: 'eka-oauth-test', version: '1.0.0' });
    await expect(first.connect(transport)).rejects.toThrow(/Unauthorized/i);
    await transport.finishAuth(await oauth.code());
    // The client holds this server's own tokens, not Eka's.
    const tokens = oauth.tokens();
    expect(tokens?.access_token).toMatch(/^ekamcp_at_/);
    expect(tokens?.refresh_token).toMatch(/^ekamcp_rt_/);
    expect(tokens?.scope?.split(' ')).toContain('mcp');

    sandbox.requests.clear();
    const client = new Client({ name: 'eka-oauth-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
    const result = await client.callTool(PROBE_CALL);
    expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    // The tool reached Eka with the sign-in's Eka token, kept on the server; ours never left it.
    const calls = sandbox.requests
      .list()
      .filter((entry) => entry.path.startsWith('/profiles/v1/patient/search'));
    expect(calls.length).toBeGreaterThan(0);
    for (const entry of calls) {
      expect(entry.tokenFingerprint).toBeDefined();
      expect(entry.tokenFingerprint).not.toBe(tokenFingerprint(tokens?.access_token ?? ''));
    }
    expect(validateCalls(sandbox)).toBe(0);
    await client.close();
  });

  it("refuses one server's token at another server (no passthrough)", async () => {
    const token = oauth.tokens()?.access_token as string;
    sandbox.requests.clear();
    const response = await listTools(other.url, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('resource_metadata=');
    // Refused outright: not sent to the Eka token check either.
    expect(validateCalls(sandbox)).toBe(0);
    expect(sandbox.requests.list()).toEqual([]);
  });

  it('refuses a token with the provider as issuer but not signed by it', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ client_id: 'eka-mcp-server', scope: 'openid' })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged' })
      .setIssuer(sandbox.issuer)
      .setAudience(`${server.baseUrl}/mcp`)
      .setSubject('someone')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    sandbox.requests.clear();
    const response = await listTools(server.url, forged);
    expect(response.status).toBe(401);
    expect(validateCalls(sandbox)).toBe(0);
  });

  it('refuses an expired token', async () => {
    const token = oauth.tokens()?.access_token as string;
    expect((await listTools(server.url, token)).status).toBe(200);
    now += ((oauth.tokens()?.expires_in as number) + 1) * 1000;
    const response = await listTools(server.url, token);
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('not valid or has expired');
  });

  it('refreshes through the proxy with the client registered here', async () => {
    now = Date.now();
    const before = oauth.tokens();
    const client = oauth.clientInformation();
    const refresh = () =>
      fetch(`${server.baseUrl}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: before?.refresh_token ?? '',
          client_id: client?.client_id ?? '',
          client_secret: client?.client_secret ?? '',
        }),
      });
    const response = await refresh();
    expect(response.status).toBe(200);
    const tokens = (await response.json()) as { access_token: string; refresh_token?: string };
    expect(tokens.access_token).not.toBe(before?.access_token);
    expect((await listTools(server.url, tokens.access_token)).status).toBe(200);
    expect(tokens.refresh_token).not.toBe(before?.refresh_token);
    rotatedAway = before?.refresh_token ?? '';
    oauth.saveTokens({ ...tokens, token_type: 'Bearer' });
  });

  it('refuses a refresh token presented by another registered client', async () => {
    const register = await fetch(`${server.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'another client',
        redirect_uris: ['http://127.0.0.1:1/cb'],
        token_endpoint_auth_method: 'client_secret_post',
      }),
    });
    expect(register.status).toBe(201);
    const intruder = (await register.json()) as { client_id: string; client_secret: string };
    const response = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: oauth.tokens()?.refresh_token ?? '',
        client_id: intruder.client_id,
        client_secret: intruder.client_secret,
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });

    // The token was live: its own client can still use it, once.
    const client = oauth.clientInformation();
    const own = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: oauth.tokens()?.refresh_token ?? '',
        client_id: client?.client_id ?? '',
        client_secret: client?.client_secret ?? '',
      }),
    });
    expect(own.status).toBe(200);
    oauth.saveTokens({ ...((await own.json()) as { access_token: string }), token_type: 'Bearer' });
  });

  it('revokes the whole sign-in when a rotated refresh token is used again', async () => {
    const client = oauth.clientInformation();
    const current = oauth.tokens();
    expect((await listTools(server.url, current?.access_token)).status).toBe(200);
    const replay = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: rotatedAway,
        client_id: client?.client_id ?? '',
        client_secret: client?.client_secret ?? '',
      }),
    });
    expect(replay.status).toBe(400);
    // The newest tokens of that sign-in stop working too.
    expect((await listTools(server.url, current?.access_token)).status).toBe(401);
    const next = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: current?.refresh_token ?? '',
        client_id: client?.client_id ?? '',
        client_secret: client?.client_secret ?? '',
      }),
    });
    expect(next.status).toBe(400);
  });

  it('does not reuse a one-time code', async () => {
    const client = oauth.clientInformation();
    const response = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: await oauth.code(),
        code_verifier: oauth.codeVerifier(),
        client_id: client?.client_id ?? '',
        client_secret: client?.client_secret ?? '',
        redirect_uri: oauth.redirectUrl,
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
