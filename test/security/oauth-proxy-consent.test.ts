/**
 * The OAuth proxy in HTTP mode against a confused-deputy attack: a client
 * registered with a web redirect URI gets a consent page of ours first (no
 * silent hop to Eka on an earlier consent), the form only works from our
 * page in the browser that was shown it, a crafted Eka link skipping it is
 * refused, and dangerous redirect URIs are refused at registration.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSENT_COOKIE } from '../../server/auth/consent-page';
import { startTestSandbox, startTestServer, type TestServer } from '../http/harness';
import type { Sandbox } from '../sandbox/types';

let sandbox: Sandbox;
let server: TestServer;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  server = await startTestServer(sandbox, {
    oauth: true,
    env: { FASTMCP_SERVER_AUTH_EKACARE_REGISTRATIONS_PER_ADDRESS: '500' },
  });
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

async function register(redirectUri: string, name = 'Test client'): Promise<Response> {
  return fetch(`${server.baseUrl}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      redirect_uris: [redirectUri],
      client_name: name,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
}

async function clientId(redirectUri: string, name?: string): Promise<string> {
  const response = await register(redirectUri, name);
  expect(response.status).toBe(201);
  return ((await response.json()) as { client_id: string }).client_id;
}

function authorize(client: string, redirectUri: string): Promise<Response> {
  const url = new URL(`${server.baseUrl}/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client,
    redirect_uri: redirectUri,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
    state: 'client-state',
  }).toString();
  return fetch(url, { redirect: 'manual' });
}

/** Opens the consent page and returns its form fields and the cookie it set. */
async function consentPage(client: string, redirectUri: string) {
  const response = await authorize(client, redirectUri);
  expect(response.status).toBe(200);
  const html = await response.text();
  const pending = /name="pending" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const csrf = /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  return { response, html, pending, csrf, cookie };
}

function submit(fields: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.baseUrl}/oauth/consent`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
    redirect: 'manual',
  });
}

describe('OAuth proxy consent for web redirect URIs', () => {
  const web = 'https://attacker.example/cb';

  it('shows our consent page, naming the site, instead of going silently to Eka', async () => {
    const id = await clientId(web, '<b>Evil</b> Client');
    const page = await consentPage(id, web);
    expect(page.response.headers.get('location')).toBeNull();
    expect(page.html).toContain('https://attacker.example');
    expect(page.html).toContain('&lt;b&gt;Evil&lt;/b&gt;');
    expect(page.html).not.toContain('<b>Evil</b>');
    expect(page.response.headers.get('x-frame-options')).toBe('DENY');
    expect(page.response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.cookie.startsWith(`${CONSENT_COOKIE}=`)).toBe(true);
    expect(page.response.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    expect(page.response.headers.get('set-cookie')).toMatch(/SameSite=Strict/i);
  });

  it('refuses the form without the cookie, from another origin, or with a wrong token', async () => {
    const id = await clientId(web);
    const page = await consentPage(id, web);
    const fields = { pending: page.pending, csrf: page.csrf, decision: 'allow' };
    expect((await submit(fields, {})).status).toBe(403);
    expect((await submit(fields, { cookie: page.cookie, origin: 'https://attacker.example' })).status).toBe(
      403,
    );
    expect(
      (await submit({ ...fields, csrf: `${page.csrf}x` }, { cookie: `${CONSENT_COOKIE}=${page.csrf}x` }))
        .status,
    ).toBe(403);
    // Another login's form token does not unlock this one.
    const other = await consentPage(id, web);
    expect((await submit({ ...fields, csrf: other.csrf }, { cookie: other.cookie })).status).toBe(403);
  });

  it('goes to Eka with our own PKCE once allowed, and only once', async () => {
    const id = await clientId(web);
    const page = await consentPage(id, web);
    const fields = { pending: page.pending, csrf: page.csrf, decision: 'allow' };
    const allowed = await submit(fields, { cookie: page.cookie, origin: server.baseUrl });
    expect(allowed.status).toBe(303);
    const target = new URL(allowed.headers.get('location') ?? '');
    expect(target.href.startsWith(sandbox.issuer)).toBe(true);
    expect(target.searchParams.get('state')).toBe(page.pending);
    expect(target.searchParams.get('client_id')).toBe(sandbox.clients.server.client_id);
    expect(target.searchParams.get('code_challenge_method')).toBe('S256');
    expect((await submit(fields, { cookie: page.cookie, origin: server.baseUrl })).status).toBe(403);
  });

  it('sends access_denied back to the client when denied', async () => {
    const id = await clientId(web);
    const page = await consentPage(id, web);
    const denied = await submit(
      { pending: page.pending, csrf: page.csrf, decision: 'deny' },
      { cookie: page.cookie, origin: server.baseUrl },
    );
    expect(denied.status).toBe(303);
    const back = new URL(denied.headers.get('location') ?? '');
    expect(back.origin).toBe('https://attacker.example');
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('client-state');
    expect(back.searchParams.get('code')).toBeNull();
  });

  it('shows a bad request for a web redirect URI on our page, never redirecting it (open redirect)', async () => {
    const id = await clientId(web);
    const url = new URL(`${server.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: id,
      redirect_uri: web,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: 'https://elsewhere.example/mcp',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('only issues tokens for');
    url.searchParams.set('resource', `${server.baseUrl}/mcp`);
    url.searchParams.set('code_challenge_method', 'plain');
    const plain = await fetch(url, { redirect: 'manual' });
    expect(plain.status).toBe(400);
    expect(plain.headers.get('location')).toBeNull();
  });

  it('still redirects errors to a loopback (native) client', async () => {
    const loopback = 'http://127.0.0.1:45679/callback';
    const id = await clientId(loopback);
    const url = new URL(`${server.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: id,
      redirect_uri: loopback,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: 'https://elsewhere.example/mcp',
      state: 's1',
    }).toString();
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const back = new URL(response.headers.get('location') ?? '');
    expect(back.origin).toBe('http://127.0.0.1:45679');
    expect(back.searchParams.get('error')).toBe('invalid_target');
    expect(back.searchParams.get('state')).toBe('s1');
  });

  it('sets the browser-binding cookie on Allow: HttpOnly, SameSite=Lax, for the callback only', async () => {
    const id = await clientId(web);
    const page = await consentPage(id, web);
    const allowed = await submit(
      { pending: page.pending, csrf: page.csrf, decision: 'allow' },
      { cookie: page.cookie, origin: server.baseUrl },
    );
    expect(allowed.status).toBe(303);
    const cookies = allowed.headers.getSetCookie();
    const login = cookies.find((cookie) => cookie.startsWith('eka_mcp_login_'));
    expect(login).toMatch(/HttpOnly/);
    expect(login).toMatch(/SameSite=Lax/);
    expect(login).toMatch(/Path=\/oauth\/callback/);
    // http://127.0.0.1 here; on an https BASE_URL the cookie is also Secure.
    expect(login).not.toMatch(/Secure/);
    // Eka's reply without that cookie (another browser) is refused, on our page, with no code.
    const response = await fetch(
      `${server.baseUrl}/oauth/callback?state=${encodeURIComponent(page.pending)}&code=stolen-code`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/in this browser/);
  });

  it('refuses an Eka reply for a login that skipped the consent page', async () => {
    const id = await clientId(web);
    const page = await consentPage(id, web);
    const response = await fetch(
      `${server.baseUrl}/oauth/callback?state=${encodeURIComponent(page.pending)}&code=stolen-code`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toMatch(/consent page/);
  });

  it('asks consent for an app scheme too', async () => {
    const app = 'com.example.clinicapp:/oauth/callback';
    const id = await clientId(app);
    const page = await consentPage(id, app);
    expect(page.html).toContain('com.example.clinicapp:');
  });

  it('still sends loopback (native) clients straight to Eka', async () => {
    const loopback = 'http://127.0.0.1:45678/callback';
    const id = await clientId(loopback);
    const response = await authorize(id, loopback);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')?.startsWith(sandbox.issuer)).toBe(true);
    // Bound to this browser all the same.
    expect(response.headers.get('set-cookie')).toMatch(
      /^eka_mcp_login_\w+=\S+; Path=\/oauth\/callback; HttpOnly; SameSite=Lax/,
    );
  });
});

describe('OAuth proxy redirect URI checks at registration', () => {
  it.each([
    'http://attacker.example/cb',
    'javascript:alert(1)//',
    'vbscript:msgbox(1)',
    'data:text/html,hi',
    'file:///etc/passwd',
    'blob:https://attacker.example/x',
    'https://attacker.example/cb#fragment',
    'https://user:pass@attacker.example/cb',
    'http://127.0.0.1.attacker.example/cb',
    // Launchers that hand the URL on to a browser or app (RFC 8252 §7.1 wants reverse-DNS schemes).
    'microsoft-edge:https://attacker.example/cb',
    'x-safari-https://attacker.example/cb',
    'googlechromes://attacker.example/cb',
    'intent://attacker.example/cb#Intent;scheme=https;end',
    'intent://attacker.example/cb',
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop/cb.html',
    'ms-word:ofe|u|https://attacker.example/doc.docx',
    'mailto:attacker@attacker.example',
    'cursor://anysphere.cursor-retrieval/oauth/callback',
    'com.example.app://https://attacker.example/cb',
  ])('refuses %s', async (uri) => {
    const response = await register(uri);
    expect(response.status).toBe(400);
  });

  it.each([
    'https://claude.ai/api/mcp/auth_callback',
    'http://127.0.0.1:33418/callback',
    'http://localhost:6274/oauth/callback',
    'com.example.clinicapp:/oauth/callback',
  ])('accepts %s', async (uri) => {
    expect((await register(uri)).status).toBe(201);
  });
});
