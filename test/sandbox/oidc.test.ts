import { createServer, type Server } from 'node:http';
import AxeBuilder from '@axe-core/playwright';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { listenOnLoopback } from '../support/ports';
import { signInOnSandbox, submitSandboxLogin } from '../support/sandbox-login';
import { startSandbox } from './index';
import type { Sandbox } from './types';

/** A loopback listener that catches one authorization redirect (what the desktop app runs). */
async function loopbackListener(
  path = '/callback',
): Promise<{ port: number; redirect: Promise<URL>; close(): void }> {
  let resolve!: (url: URL) => void;
  const redirect = new Promise<URL>((r) => {
    resolve = r;
  });
  const server: Server = createServer((req, res) => {
    // The redirect as the browser sent it (127.0.0.1 or localhost).
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Done</title><p>Signed in.</p>');
    resolve(url);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    redirect,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The desktop app's client configuration, discovered from the sandbox issuer (a public client). */
function discoverDesktop(sandbox: Sandbox): Promise<client.Configuration> {
  return client.discovery(
    new URL(sandbox.issuer),
    sandbox.clients.desktop.client_id,
    undefined,
    client.None(),
    {
      execute: [client.allowInsecureRequests],
    },
  );
}

/** An authorization URL with S256 PKCE, consent and the offline scope; `extra` adds or overrides parameters. */
async function pkceAuthorizationUrl(
  config: client.Configuration,
  redirectUri: string,
  extra: Record<string, string> = {},
) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email offline_access',
    prompt: 'consent',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  });
  return { url, verifier, state };
}

describe('sandbox OpenID provider', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let desktop: client.Configuration;

  beforeAll(async () => {
    // The provider's own tokens are exercised at the API here (the desktop's `direct` token use).
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0, acceptProviderTokens: true });
    browser = await launchChromium();
    desktop = await discoverDesktop(sandbox);
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  /** Runs the browser part of a sign-in: login page, then consent page ("Allow" or "Cancel"). */
  async function signInWithBrowser(authorizationUrl: URL, choice: 'Allow' | 'Cancel' = 'Allow') {
    const page = await browser.newPage();
    try {
      await signInOnSandbox(page, authorizationUrl.href, sandbox.clinician, choice);
    } finally {
      // The redirect has been caught by the listener; the page itself is not needed.
      await page.waitForLoadState('load').catch(() => undefined);
      await page.close();
    }
  }

  const authorizationUrl = (redirectUri: string, extra: Record<string, string> = {}) =>
    pkceAuthorizationUrl(desktop, redirectUri, extra);

  it('publishes discovery under the issuer path with S256 PKCE, iss in the authorization response, revocation and userinfo', async () => {
    expect(new URL(sandbox.issuer).pathname).toBe('/oauth2');
    // Outside the issuer's path there is no provider.
    expect((await fetch(`${new URL(sandbox.issuer).origin}/.well-known/openid-configuration`)).status).toBe(
      404,
    );
    const res = await fetch(`${sandbox.issuer}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc.issuer).toBe(sandbox.issuer);
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.authorization_response_iss_parameter_supported).toBe(true);
    expect(doc.revocation_endpoint).toBe(`${sandbox.issuer}/token/revocation`);
    expect(doc.authorization_endpoint).toBe(`${sandbox.issuer}/auth`);
    expect(doc.token_endpoint).toBe(`${sandbox.issuer}/token`);
    expect(doc.userinfo_endpoint).toBe(`${sandbox.issuer}/me`);
    expect(doc.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'profile', 'email']),
    );
    const jwks = (await (await fetch(String(doc.jwks_uri))).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs in the desktop client with PKCE in a browser, then rotates the refresh token and counts reuse', async () => {
    const listener = await loopbackListener();
    try {
      const { url, verifier, state } = await authorizationUrl(`http://127.0.0.1:${listener.port}/callback`);
      await signInWithBrowser(url);
      const callback = await listener.redirect;
      expect(callback.searchParams.get('iss')).toBe(sandbox.issuer);

      const tokens = await client.authorizationCodeGrant(desktop, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(tokens.refresh_token).toBeTruthy();
      expect(tokens.expires_in).toBeGreaterThan(0);
      const claims = tokens.claims();
      expect(claims?.name).toBe(sandbox.clinician.name);
      expect(claims?.email).toBe(sandbox.clinician.email);

      const info = await client.fetchUserInfo(desktop, tokens.access_token, claims!.sub);
      expect(info).toMatchObject({ name: sandbox.clinician.name, email: sandbox.clinician.email });

      const api = await fetch(`${sandbox.apiBaseUrl}/profiles/v1/patient/search?prefix=a`, {
        headers: {
          authorization: `Bearer ${tokens.access_token}`,
          'client-id': sandbox.clients.desktop.client_id,
        },
      });
      expect(api.status).toBe(200);

      const before = sandbox.oidc.stats();
      const refreshed = await client.refreshTokenGrant(desktop, tokens.refresh_token!);
      expect(refreshed.refresh_token).toBeTruthy();
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
      expect(sandbox.oidc.stats().refreshes).toBe(before.refreshes + 1);

      await expect(client.refreshTokenGrant(desktop, tokens.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
      expect(sandbox.oidc.stats().refreshTokenReuse).toBe(before.refreshTokenReuse + 1);
    } finally {
      listener.close();
    }
  });

  it('answers access_denied when the clinician cancels on the consent page', async () => {
    const listener = await loopbackListener();
    try {
      const { url } = await authorizationUrl(`http://127.0.0.1:${listener.port}/callback`);
      await signInWithBrowser(url, 'Cancel');
      const callback = await listener.redirect;
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('iss')).toBe(sandbox.issuer);
    } finally {
      listener.close();
    }
  });

  it('rejects a localhost redirect for the desktop client and requests without PKCE', async () => {
    const { url } = await authorizationUrl('http://localhost:5555/callback');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('invalid_redirect_uri');

    const plain = new URL(url);
    plain.searchParams.delete('code_challenge');
    plain.searchParams.delete('code_challenge_method');
    plain.searchParams.set('redirect_uri', 'http://127.0.0.1:5555/callback');
    const noPkce = await fetch(plain, { redirect: 'manual' });
    const location = new URL(noPkce.headers.get('location') ?? '', sandbox.issuer);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('issues the server client a JWT for the requested resource on any loopback redirect', async () => {
    const server = await client.discovery(
      new URL(sandbox.issuer),
      sandbox.clients.server.client_id,
      sandbox.clients.server.client_secret,
      client.ClientSecretBasic(sandbox.clients.server.client_secret),
      { execute: [client.allowInsecureRequests] },
    );
    const listener = await loopbackListener('/oauth/callback');
    try {
      const redirectUri = `http://localhost:${listener.port}/oauth/callback`;
      const resource = `http://127.0.0.1:${listener.port}/mcp`;
      const { url, verifier } = await pkceAuthorizationUrl(server, redirectUri, {
        resource,
        state: 'server-state',
      });
      await signInWithBrowser(url);
      const tokens = await client.authorizationCodeGrant(server, await listener.redirect, {
        pkceCodeVerifier: verifier,
        expectedState: 'server-state',
      });
      const jwt = decodeJwt(tokens.access_token);
      expect(jwt.aud).toBe(resource);
      expect(jwt.iss).toBe(sandbox.issuer);
      expect(jwt.client_id).toBe(sandbox.clients.server.client_id);

      const check = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/validate`, {
        headers: { authorization: `Bearer ${tokens.access_token}` },
      });
      expect(check.status).toBe(200);
      expect(await check.json()).toMatchObject({ active: true, aud: resource, client_id: 'eka-mcp-server' });

      const refreshed = await client.refreshTokenGrant(server, tokens.refresh_token!);
      expect(decodeJwt(refreshed.access_token).aud).toBe(resource);

      expect(await sandbox.tokens.revokeAccessToken(refreshed.access_token)).toBe(true);
      const revoked = await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, {
        headers: { authorization: `Bearer ${refreshed.access_token}` },
      });
      expect(revoked.status).toBe(401);
    } finally {
      listener.close();
    }
  });

  it('revokes an opaque desktop access token at the revocation endpoint', async () => {
    const listener = await loopbackListener();
    try {
      const { url, verifier, state } = await authorizationUrl(`http://127.0.0.1:${listener.port}/callback`);
      await signInWithBrowser(url);
      const tokens = await client.authorizationCodeGrant(desktop, await listener.redirect, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      const headers = { authorization: `Bearer ${tokens.access_token}` };
      expect((await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, { headers })).status).toBe(200);
      await client.tokenRevocation(desktop, tokens.access_token);
      const after = await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, { headers });
      expect(after.status).toBe(401);
      expect(await after.json()).toMatchObject({ error: 'invalid_token' });
    } finally {
      listener.close();
    }
  });

  it('serves login and consent pages without accessibility violations, and re-asks after a wrong password', async () => {
    const { url } = await authorizationUrl('http://127.0.0.1:5555/callback');
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(url.href);
      expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
      await submitSandboxLogin(page, { username: sandbox.clinician.username, password: 'wrong-password' });
      await expect(page.getByRole('alert').textContent()).resolves.toContain('not correct');
      expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
      await submitSandboxLogin(page, sandbox.clinician);
      await page.getByRole('button', { name: 'Allow' }).waitFor();
      expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('refuses an OP access token at the API once it has expired (1 s lifetime)', async () => {
    const short = await startSandbox({
      issuerPort: 0,
      apiPort: 0,
      accessTokenTtl: 1,
      acceptProviderTokens: true,
    });
    const listener = await loopbackListener();
    try {
      const config = await discoverDesktop(short);
      const { url, verifier } = await pkceAuthorizationUrl(
        config,
        `http://127.0.0.1:${listener.port}/callback`,
        { state: 'short' },
      );
      await signInWithBrowser(url);
      const tokens = await client.authorizationCodeGrant(config, await listener.redirect, {
        pkceCodeVerifier: verifier,
        expectedState: 'short',
      });
      expect(tokens.expires_in).toBe(1);
      const headers = { authorization: `Bearer ${tokens.access_token}` };
      // Poll until the token's expiry is observed; the verdict must then be a JSON 401.
      let res = await fetch(`${short.apiBaseUrl}/dr/v1/business/entities`, { headers });
      while (res.status === 200) {
        await new Promise((r) => setTimeout(r, 250));
        res = await fetch(`${short.apiBaseUrl}/dr/v1/business/entities`, { headers });
      }
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: 'invalid_token' });
      // The refresh token outlives the access token and rotates.
      const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.access_token).not.toBe(tokens.access_token);
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    } finally {
      listener.close();
      await short.stop();
    }
  });

  it('accepts extra registered redirect URIs for the server client and refuses other non-loopback ones', async () => {
    const own = await startSandbox({
      issuerPort: 0,
      apiPort: 0,
      serverRedirectUris: ['https://mcp.clinic.example/oauth/callback'],
    });
    try {
      const authorize = (redirectUri: string) => {
        const url = new URL(`${own.issuer}/auth`);
        url.search = new URLSearchParams({
          client_id: own.clients.server.client_id,
          response_type: 'code',
          scope: 'openid',
          redirect_uri: redirectUri,
          code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          code_challenge_method: 'S256',
        }).toString();
        return fetch(url, { redirect: 'manual' });
      };
      const registered = await authorize('https://mcp.clinic.example/oauth/callback');
      expect(registered.status).toBe(303);
      expect(registered.headers.get('location')).toMatch(/^\/oauth2\/interaction\//);
      expect((await authorize('https://elsewhere.example/oauth/callback')).status).toBe(400);
      expect((await authorize('http://127.0.0.1:61234/any/path')).status).toBe(303);
    } finally {
      await own.stop();
    }
  });
});

describe('sandbox OIDC token APIs (connect-auth/v1/oidc-client)', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let desktop: client.Configuration;

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
    browser = await launchChromium();
    desktop = await discoverDesktop(sandbox);
  });

  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });

  /** Signs the clinician in to `config` in the browser and answers the code grant's tokens. */
  async function signIn(target: Sandbox, config: client.Configuration) {
    const listener = await loopbackListener();
    try {
      const { url, verifier, state } = await pkceAuthorizationUrl(
        config,
        `http://127.0.0.1:${listener.port}/callback`,
      );
      const page = await browser.newPage();
      try {
        await signInOnSandbox(page, url.href, target.clinician);
      } finally {
        await page.waitForLoadState('load').catch(() => undefined);
        await page.close();
      }
      return await client.authorizationCodeGrant(config, await listener.redirect, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
    } finally {
      listener.close();
    }
  }

  const post = (target: Sandbox, path: string, body: unknown) =>
    fetch(`${target.apiBaseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const verify = (target: Sandbox, clientId: string, body: unknown) =>
    post(target, `/connect-auth/v1/oidc-client/${encodeURIComponent(clientId)}/verify`, body);
  const refresh = (target: Sandbox, clientId: string, body: unknown) =>
    post(target, `/connect-auth/v1/oidc-client/${encodeURIComponent(clientId)}/refresh`, body);
  const entities = (target: Sandbox, token: string) =>
    fetch(`${target.apiBaseUrl}/dr/v1/business/entities`, { headers: { authorization: `Bearer ${token}` } });

  interface EkaPair {
    access_token: string;
    refresh_token: string;
    expires_in: number;
    refresh_token_expires_in: number;
  }

  it('exchanges an ID token for Eka API tokens, rotates them at refresh and refuses a spent refresh token', async () => {
    const tokens = await signIn(sandbox, desktop);
    const idToken = tokens.id_token as string;
    const clientId = sandbox.clients.desktop.client_id;
    const before = sandbox.tokens.oidcStats();

    sandbox.requests.clear();
    const verified = await verify(sandbox, clientId, { id_token: idToken });
    expect(verified.status).toBe(200);
    const pair = (await verified.json()) as EkaPair;
    expect(pair).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      refresh_token: expect.any(String),
      expires_in: 3600,
      refresh_token_expires_in: expect.any(Number),
    });
    // Eka's tokens, not the provider's: issued by the API for the ID token's subject.
    expect(pair.access_token).not.toBe(tokens.access_token);
    const claims = decodeJwt(pair.access_token);
    expect(claims.iss).toBe(sandbox.apiBaseUrl);
    expect(claims.sub).toBe(tokens.claims()?.sub);
    expect(sandbox.tokens.oidcStats().verifies).toBe(before.verifies + 1);

    expect((await entities(sandbox, pair.access_token)).status).toBe(200);
    const logged = sandbox.requests.list();
    expect(logged.find((e) => e.path.endsWith('/verify'))).toMatchObject({ method: 'POST', status: 200 });
    const call = logged.find((e) => e.path === '/dr/v1/business/entities');
    expect(call).toMatchObject({ status: 200, tokenKind: 'eka-oidc', tokenFingerprint: expect.any(String) });
    expect(JSON.stringify(logged)).not.toContain(pair.access_token);

    const renewed = await refresh(sandbox, clientId, {
      access_token: pair.access_token,
      refresh_token: pair.refresh_token,
    });
    expect(renewed.status).toBe(200);
    const next = (await renewed.json()) as EkaPair;
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    expect(next.access_token).not.toBe(pair.access_token);
    expect((await entities(sandbox, next.access_token)).status).toBe(200);
    expect(sandbox.tokens.oidcStats().refreshes).toBe(before.refreshes + 1);

    // The rotated refresh token is spent: presenting it again is refused in Eka's error shape.
    const reused = await refresh(sandbox, clientId, { refresh_token: pair.refresh_token });
    expect(reused.status).toBe(401);
    expect(await reused.json()).toEqual({ code: 401, error: expect.stringContaining('already used') });
    expect(sandbox.tokens.oidcStats().refreshTokenReuse).toBe(before.refreshTokenReuse + 1);

    // The new one renews once more without an access token (it is optional).
    const again = await refresh(sandbox, clientId, { refresh_token: next.refresh_token });
    expect(again.status).toBe(200);
    // A refresh token belongs to the client it was issued through.
    const third = (await again.json()) as EkaPair;
    const foreign = await refresh(sandbox, sandbox.clients.server.client_id, {
      refresh_token: third.refresh_token,
    });
    expect(foreign.status).toBe(401);
    expect(await foreign.json()).toEqual({ code: 401, error: expect.stringContaining('another client') });
    // Refused attempts spend nothing: the owner still renews with it.
    expect((await refresh(sandbox, clientId, { refresh_token: third.refresh_token })).status).toBe(200);
  });

  it('refuses ID tokens for another audience, forged ones, malformed bodies and unknown clients', async () => {
    const tokens = await signIn(sandbox, desktop);
    const idToken = tokens.id_token as string;
    const before = sandbox.tokens.oidcStats();

    // The desktop client's ID token is not for the server client.
    const otherAudience = await verify(sandbox, sandbox.clients.server.client_id, { id_token: idToken });
    expect(otherAudience.status).toBe(401);
    expect(await otherAudience.json()).toEqual({ code: 401, error: expect.stringContaining('not valid') });

    // Right claims, wrong key.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ ...decodeJwt(idToken) })
      .setProtectedHeader({ alg: 'RS256', kid: String(decodeProtectedHeader(idToken).kid) })
      .sign(privateKey);
    expect((await verify(sandbox, sandbox.clients.desktop.client_id, { id_token: forged })).status).toBe(401);

    // An access token is no ID token.
    expect(
      (await verify(sandbox, sandbox.clients.desktop.client_id, { id_token: tokens.access_token })).status,
    ).toBe(401);
    expect(sandbox.tokens.oidcStats().verifyRejected).toBe(before.verifyRejected + 3);
    expect(sandbox.tokens.oidcStats().verifies).toBe(before.verifies);

    const unknown = await verify(sandbox, 'no-such-client', { id_token: idToken });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ code: 404, error: expect.any(String) });

    for (const body of [{}, { id_token: '' }, { id_token: idToken, extra: 1 }]) {
      const bad = await verify(sandbox, sandbox.clients.desktop.client_id, body);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toEqual({ code: 400, error: expect.any(String) });
    }
    const notJson = await fetch(
      `${sandbox.apiBaseUrl}/connect-auth/v1/oidc-client/${sandbox.clients.desktop.client_id}/verify`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id_token":' },
    );
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ code: 400, error: expect.any(String) });
    const noRefresh = await refresh(sandbox, sandbox.clients.desktop.client_id, {});
    expect(noRefresh.status).toBe(400);
    const bogus = await refresh(sandbox, sandbox.clients.desktop.client_id, { refresh_token: 'nope' });
    expect(bogus.status).toBe(401);

    // The ID token still exchanges after all that.
    expect((await verify(sandbox, sandbox.clients.desktop.client_id, { id_token: idToken })).status).toBe(
      200,
    );
  });

  it("refuses the desktop client's provider access token at the API unless told to accept it", async () => {
    const tokens = await signIn(sandbox, desktop);
    sandbox.requests.clear();
    const refused = await entities(sandbox, tokens.access_token);
    expect(refused.status).toBe(401);
    // The ID token is no access token either.
    expect((await entities(sandbox, tokens.id_token as string)).status).toBe(401);
    expect(sandbox.requests.list().every((e) => e.tokenKind === undefined)).toBe(true);
  });

  it('runs a provider whose scopes_supported is only openid and profile: no refresh token, exchange still works', async () => {
    const narrow = await startSandbox({ issuerPort: 0, apiPort: 0, scopesSupported: ['openid', 'profile'] });
    try {
      const doc = (await (await fetch(`${narrow.issuer}/.well-known/openid-configuration`)).json()) as {
        scopes_supported: string[];
        grant_types_supported: string[];
      };
      expect(doc.scopes_supported).toEqual(['openid', 'profile']);
      expect(doc.grant_types_supported).not.toContain('refresh_token');
      const config = await discoverDesktop(narrow);
      const tokens = await signIn(narrow, config);
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.claims()?.name).toBe(narrow.clinician.name);
      expect(tokens.claims()?.email).toBeUndefined();
      const res = await verify(narrow, narrow.clients.desktop.client_id, { id_token: tokens.id_token });
      expect(res.status).toBe(200);
      const pair = (await res.json()) as EkaPair;
      const renewed = await refresh(narrow, narrow.clients.desktop.client_id, {
        refresh_token: pair.refresh_token,
      });
      expect(renewed.status).toBe(200);
    } finally {
      await narrow.stop();
    }
  });

  it('refuses an expired ID token (1 s lifetime)', async () => {
    const short = await startSandbox({ issuerPort: 0, apiPort: 0, idTokenTtl: 1 });
    try {
      const tokens = await signIn(short, await discoverDesktop(short));
      const exp = Number(decodeJwt(tokens.id_token as string).exp);
      while (Date.now() / 1000 <= exp + 1) await new Promise((r) => setTimeout(r, 250));
      const res = await verify(short, short.clients.desktop.client_id, { id_token: tokens.id_token });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ code: 401, error: expect.stringContaining('expired') });
    } finally {
      await short.stop();
    }
  });
});
