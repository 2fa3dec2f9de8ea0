// The demo host's local channel: only our page, with the per-run secret (an
// HttpOnly cookie traded once for a one-time link), on 127.0.0.1, can reach
// the core; without a keychain it explains instead.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../app/demo/demo-host';

let demo: Demo;
/** The session cookie (`name=value`) the first one-time link traded for. */
let cookie: string;

/** Opens a one-time link as a browser would: the cookie it sets and where it redirects. */
async function bootstrap(url: string) {
  const response = await fetch(url, { redirect: 'manual' });
  const setCookie = response.headers.get('set-cookie') ?? '';
  return { response, setCookie, cookie: setCookie.split(';')[0] ?? '' };
}

beforeAll(async () => {
  demo = await startDemo({
    port: 0,
    sandbox: { issuerPort: 0, apiPort: 0 },
    keychainService: `Eka MCP Demo Test ${process.pid}`,
    superviseServer: false,
  });
  cookie = (await bootstrap(demo.url)).cookie;
});

afterAll(async () => {
  await demo?.stop();
});

function rpc(method: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${demo.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-eka-demo-request': '1', ...headers },
    body,
  });
}

/** A raw request with a chosen Host header (fetch does not allow setting it). */
function withHost(host: string, path: string): Promise<number> {
  const { port } = new URL(demo.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, cookie } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('demo host', () => {
  it('listens on 127.0.0.1 and serves the app with the bridge, a CSP and no referrer', async () => {
    expect(new URL(demo.origin).hostname).toBe('127.0.0.1');
    const page = await fetch(`${demo.origin}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="./eka-bridge.js"></script>');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const asset = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${demo.origin}/${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('text/javascript');
  });

  it('refuses the page, calls and events without the per-run secret', async () => {
    expect((await fetch(`${demo.origin}/`)).status).toBe(403);
    expect((await fetch(`${demo.origin}/`, { headers: { cookie: `${cookie}x` } })).status).toBe(403);
    expect((await rpc('getState', '{}', { cookie: 'eka-demo=guess' })).status).toBe(401);
    // A call without the request header (what a form on another site could send) is refused too.
    expect((await rpc('getState', '{}', { 'x-eka-demo-request': '' })).status).toBe(401);
    expect((await fetch(`${demo.origin}/events`)).status).toBe(401);
  });

  it('trades a one-time link for an HttpOnly, SameSite=Strict cookie and a clean address; the link then fails', async () => {
    const url = demo.bootstrapUrl();
    const first = await bootstrap(url);
    expect(first.response.status).toBe(303);
    expect(first.response.headers.get('location')).toBe('/');
    expect(first.setCookie).toMatch(/^eka-demo=[^;]+; HttpOnly; SameSite=Strict; Path=\/$/);
    // The secret in the link is not the session's secret, and works only once.
    const secret = new URL(url).searchParams.get('secret') ?? '';
    expect(first.cookie).not.toContain(secret);
    const again = await bootstrap(url);
    expect(again.response.status).toBe(403);
    expect(again.setCookie).toBe('');
    expect(await again.response.text()).toContain('already used');
    expect((await fetch(`${demo.origin}/`, { headers: { cookie: first.cookie } })).status).toBe(200);
    expect((await bootstrap(`${demo.origin}/bootstrap?secret=guess`)).response.status).toBe(403);
  });

  it('asks for the client secret again before testing it against another API base URL', async () => {
    const { createServer } = await import('node:http');
    const { clients } = demo.sandbox!;
    const saved = await rpc(
      'saveCredentials',
      JSON.stringify({
        input: { clientId: clients.integrator.client_id, clientSecret: clients.integrator.client_secret },
      }),
    );
    expect(((await saved.json()) as { ok: boolean }).ok).toBe(true);
    const typed = JSON.stringify({ input: { clientId: clients.integrator.client_id } });
    const works = (await (await rpc('testCredentials', typed)).json()) as { value: { ok: boolean } };
    expect(works.value.ok).toBe(true);
    // Another process with the page's access points "Test credentials" at its own server.
    const received: string[] = [];
    const trap = createServer((req, res) => {
      received.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const trapUrl = `http://127.0.0.1:${(trap.address() as import('node:net').AddressInfo).port}`;
    try {
      const state = (await (await rpc('getState', '{}')).json()) as {
        value: { settings: { mode: string; environment: string } };
      };
      const moved = await rpc(
        'saveSettings',
        JSON.stringify({
          input: {
            mode: 'client-credentials',
            environment: state.value.settings.environment,
            apiBaseUrl: trapUrl,
            launchAtLogin: false,
          },
        }),
      );
      expect(((await moved.json()) as { ok: boolean }).ok).toBe(true);
      const test = (await (await rpc('testCredentials', typed)).json()) as {
        value: { ok: boolean; message: string };
      };
      expect(test.value.ok).toBe(false);
      expect(test.value.message).toContain('enter the client secret again');
      expect(received).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => trap.close(() => resolve()));
      const state = (await (await rpc('getState', '{}')).json()) as {
        value: { settings: { environment: string } };
      };
      await rpc(
        'saveSettings',
        JSON.stringify({
          input: {
            mode: 'oidc',
            environment: state.value.settings.environment,
            apiBaseUrl: demo.sandbox!.apiBaseUrl,
            launchAtLogin: false,
          },
        }),
      );
    }
  });

  it('refuses other origins and other host names (DNS rebinding)', async () => {
    const foreign = await rpc('getState', '{}', { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await withHost('evil.example', '/')).toBe(403);
    expect(await withHost(new URL(demo.origin).host, '/')).toBe(200);
  });

  it('answers calls through the contract, and bad input with a clear error', async () => {
    const state = (await (await rpc('getState', '{}')).json()) as {
      ok: boolean;
      value: { settings: { environment: string } };
    };
    expect(state.ok).toBe(true);
    expect(state.value.settings.environment).toBe('sandbox');
    expect(
      await (await rpc('connectClient', JSON.stringify({ input: { client: 'notepad' } }))).json(),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect((await rpc('getState', '{not json')).status).toBe(400);
    expect(await (await rpc('dropTables', '{}')).json()).toMatchObject({
      ok: false,
      error: { code: 'unknown-method' },
    });
  });

  it('does not serve files outside the renderer', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/assets/../../package.json',
      '/eka-bridge.js/x',
    ]) {
      expect((await fetch(`${demo.origin}${path}`)).status, path).toBe(404);
    }
  });
});

describe('npm run demo opens its one-time link without showing a secret to other users', () => {
  it('hands the browser a private file, not the secret; after bootstrap the link fails; ps shows no secret', async () => {
    const { createServer } = await import('node:http');
    const { execFileSync } = await import('node:child_process');
    const { mkdtemp, readFile, rm, stat } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { browserRelayProgram } = await import('../support/browser-relay');
    const asked: string[] = [];
    const relay = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        asked.push(body);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayUrl = `http://127.0.0.1:${(relay.address() as import('node:net').AddressInfo).port}/`;
    const settingsHome = await mkdtemp(join(tmpdir(), 'eka-demo-ps-'));
    const child = spawn(
      join(process.cwd(), 'node_modules', '.bin', 'tsx'),
      ['app/demo/main.ts', '--free-ports'],
      {
        env: {
          ...process.env,
          EKA_MCP_HOME: settingsHome,
          EKA_MCP_KEYCHAIN_SERVICE: `Eka MCP Demo ps ${process.pid}`,
          EKA_MCP_BROWSER: browserRelayProgram,
          EKA_TEST_BROWSER_RELAY: relayUrl,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    try {
      await expect.poll(() => asked.length, { timeout: 30_000 }).toBe(1);
      const opened = asked[0] ?? '';
      // The browser's command line names a file; the file (only ours to read) holds the one-time link.
      expect(opened).not.toMatch(/secret|token/i);
      expect((await stat(opened)).mode & 0o777).toBe(0o600);
      const link =
        (await readFile(opened, 'utf8')).match(/url=([^"]+)"/)?.[1]?.replaceAll('&amp;', '&') ?? '';
      const secret = new URL(link).searchParams.get('secret') ?? '';
      expect(secret.length).toBeGreaterThan(20);
      const first = await bootstrap(link);
      expect(first.response.status).toBe(303);
      const session = first.cookie.split('=')[1] ?? '';
      expect((await bootstrap(link)).response.status).toBe(403);
      // No process's command line carries the link's secret or the session's, and neither does stdout.
      const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' });
      expect(processes).not.toContain(secret);
      expect(processes).not.toContain(session);
      expect(stdout).not.toContain(secret);
      expect(stdout).not.toContain(session);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await new Promise<void>((resolve) => relay.close(() => resolve()));
      await rm(settingsHome, { recursive: true, force: true });
    }
  });
});

describe('demo without a keychain', () => {
  it('shows a clear error page instead of the app', async () => {
    const env: Record<string, string | undefined> = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    env.DISPLAY = '';
    const child = spawn(
      join(process.cwd(), 'node_modules', '.bin', 'tsx'),
      ['app/demo/main.ts', '--free-ports', '--no-open'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = out.match(/Eka MCP demo: (\S+)/);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          err += chunk.toString();
        });
        child.on('exit', (code) => reject(new Error(`demo exited ${code}: ${err}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(503);
      const html = await page.text();
      expect(html).toContain('No keychain available');
      expect(html).toMatch(/keychain/i);
    } finally {
      // Let it clean up its temp folders before the test ends.
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});
