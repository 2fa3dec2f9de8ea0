// The demo host's local channel: only our page, with the per-run secret, on
// 127.0.0.1, can reach the core; without a keychain it explains instead.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, startDemo } from '../../app/demo/demo-host';

let demo: Demo;

beforeAll(async () => {
  demo = await startDemo({
    port: 0,
    sandbox: { issuerPort: 0, apiPort: 0 },
    keychainService: `Eka MCP Demo Test ${process.pid}`,
    superviseServer: false,
  });
});

afterAll(async () => {
  await demo?.stop();
});

function rpc(method: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${demo.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-eka-demo-token': demo.token, ...headers },
    body,
  });
}

/** A raw request with a chosen Host header (fetch does not allow setting it). */
function withHost(host: string, path: string): Promise<number> {
  const { port } = new URL(demo.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
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
    const page = await fetch(demo.url);
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
    expect((await fetch(`${demo.origin}/?token=${demo.token}x`)).status).toBe(403);
    expect((await rpc('getState', '{}', { 'x-eka-demo-token': 'guess' })).status).toBe(401);
    expect((await fetch(`${demo.origin}/events`)).status).toBe(401);
  });

  it('refuses other origins and other host names (DNS rebinding)', async () => {
    const foreign = await rpc('getState', '{}', { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await withHost('evil.example', `/?token=${demo.token}`)).toBe(403);
    expect(await withHost(new URL(demo.origin).host, `/?token=${demo.token}`)).toBe(200);
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
