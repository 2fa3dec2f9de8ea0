/**
 * The Eka tokens behind the OAuth proxy's own: taken from Eka's OIDC token
 * API at sign-in (`tokenUse` exchange, the default) or the provider's own
 * (`direct`), used for every call to Eka, renewed on the server when they
 * near expiry, while the MCP client's tokens stay as they are.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import { PROBE_CALL, startTestSandbox, startTestServer, type TestServer, tokenFingerprint } from './harness';
import { BrowserOAuthClient } from './oauth-browser';

async function signIn(server: TestServer, oauth: BrowserOAuthClient): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
  await expect(new Client({ name: 'upstream-test', version: '1.0.0' }).connect(transport)).rejects.toThrow(
    /Unauthorized/i,
  );
  await transport.finishAuth(await oauth.code());
  const client = new Client({ name: 'upstream-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
  return client;
}

function patientSearches(sandbox: Sandbox) {
  return sandbox.requests.list().filter((entry) => entry.path.startsWith('/profiles/v1/patient/search'));
}

describe.each([
  {
    tokenUse: 'exchange',
    kind: 'eka-oidc',
    exchangePath: /^\/connect-auth\/v1\/oidc-client\/[^/]+\/verify$/,
    refreshPath: /^\/connect-auth\/v1\/oidc-client\/[^/]+\/refresh$/,
    scopesSupported: undefined,
  },
  {
    // Eka's published discovery lists only these: sign-in asks for no more, and still renews.
    tokenUse: 'exchange',
    kind: 'eka-oidc',
    exchangePath: /^\/connect-auth\/v1\/oidc-client\/[^/]+\/verify$/,
    refreshPath: /^\/connect-auth\/v1\/oidc-client\/[^/]+\/refresh$/,
    scopesSupported: ['openid', 'profile'],
  },
  {
    tokenUse: 'direct',
    kind: 'provider',
    exchangePath: undefined,
    refreshPath: undefined,
    scopesSupported: undefined,
  },
] as const)('upstream Eka tokens, tokenUse $tokenUse, provider scopes $scopesSupported', ({
  tokenUse,
  kind,
  exchangePath,
  refreshPath,
  scopesSupported,
}) => {
  let sandbox: Sandbox;
  let server: TestServer;
  let oauth: BrowserOAuthClient;
  let now = Date.now();

  beforeAll(async () => {
    sandbox = await startTestSandbox(scopesSupported ? { scopesSupported: [...scopesSupported] } : {});
    server = await startTestServer(sandbox, {
      oauth: true,
      clock: () => now,
      env: { FASTMCP_SERVER_AUTH_EKACARE_TOKEN_USE: tokenUse },
    });
    oauth = await BrowserOAuthClient.start(sandbox);
  });

  afterAll(async () => {
    await oauth?.close();
    await server?.close();
    await sandbox?.stop();
  });

  it('asks Eka only for the scopes its discovery lists', async () => {
    const register = await fetch(`${server.baseUrl}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:1/cb'], token_endpoint_auth_method: 'none' }),
    });
    const { client_id } = (await register.json()) as { client_id: string };
    const url = new URL(`${server.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id,
      redirect_uri: 'http://127.0.0.1:1/cb',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    const scope = new URL(response.headers.get('location') ?? '').searchParams.get('scope');
    expect(scope).toBe((scopesSupported ?? ['openid', 'profile', 'email', 'offline_access']).join(' '));
  });

  it('calls Eka with the sign-in’s Eka tokens and renews them on the server', async () => {
    sandbox.requests.clear();
    const client = await signIn(server, oauth);
    const log = sandbox.requests.list();
    if (exchangePath) {
      // The ID token was exchanged for Eka API tokens at sign-in.
      expect(log.filter((entry) => exchangePath.test(entry.path) && entry.status === 200)).toHaveLength(1);
    } else {
      expect(log.some((entry) => entry.path.includes('/oidc-client/'))).toBe(false);
    }
    expect((await client.callTool(PROBE_CALL)).isError).not.toBe(true);
    const [first] = patientSearches(sandbox);
    expect(first?.tokenKind).toBe(kind);
    const ours = oauth.tokens()?.access_token ?? '';
    expect(first?.tokenFingerprint).not.toBe(tokenFingerprint(ours));

    // An hour later the Eka access token has expired: the server renews it, the client notices nothing.
    const refreshesBefore = sandbox.oidc.stats().refreshes;
    sandbox.requests.clear();
    now += 3_600_000 + 60_000;
    const fresh = await fetch(`${server.baseUrl}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: oauth.tokens()?.refresh_token ?? '',
        client_id: oauth.clientInformation()?.client_id ?? '',
        client_secret: oauth.clientInformation()?.client_secret ?? '',
      }),
    });
    expect(fresh.status).toBe(200);
    oauth.saveTokens({ ...((await fresh.json()) as { access_token: string }), token_type: 'Bearer' });
    await client.close();
    const again = new Client({ name: 'upstream-test', version: '1.0.0' });
    await again.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
    expect((await again.callTool(PROBE_CALL)).isError).not.toBe(true);
    await again.close();
    const [renewed] = patientSearches(sandbox);
    expect(renewed?.tokenKind).toBe(kind);
    expect(renewed?.tokenFingerprint).not.toBe(first?.tokenFingerprint);
    if (refreshPath) {
      expect(sandbox.requests.list().filter((entry) => refreshPath.test(entry.path))).toHaveLength(1);
    } else {
      expect(sandbox.oidc.stats().refreshes).toBe(refreshesBefore + 1);
    }
  });
});
