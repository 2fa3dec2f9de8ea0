/**
 * The API client's wire: Node's HTTP client with keep-alive, against a real
 * local HTTP server that misbehaves on purpose: compressed replies, a reply
 * over the cap (plain and as a zip bomb), a server that closes idle
 * kept-alive connections, one that never answers, and a caller who gives up.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeUpstream, UpstreamReplyError, UpstreamTimeout } from '../../server/eka/upstream';

let server: Server | undefined;

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const get = (url: string, extra: { signal?: AbortSignal; timeoutMs?: number } = {}) => ({
  method: 'GET',
  url,
  headers: { accept: 'application/json' },
  timeoutMs: extra.timeoutMs ?? 5_000,
  ...(extra.signal ? { signal: extra.signal } : {}),
});

describe('the API client over Node HTTP', () => {
  it('sends the body and headers, and decodes gzip and brotli replies', async () => {
    const seen: { method?: string; body: string; type?: string; encoding?: string }[] = [];
    const base = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        seen.push({
          method: req.method,
          body,
          type: req.headers['content-type'],
          encoding: req.headers['accept-encoding'],
        });
        const json = Buffer.from(JSON.stringify({ path: req.url }));
        if (req.url === '/gzip') res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(json));
        else if (req.url === '/br')
          res.writeHead(200, { 'content-encoding': 'br' }).end(brotliCompressSync(json));
        else res.writeHead(201, { 'retry-after': '3' }).end(json);
      });
    });
    const upstream = nodeUpstream();
    const plain = await upstream({
      method: 'POST',
      url: `${base}/plain`,
      headers: { 'content-type': 'application/json' },
      body: '{"ünï":"cödé"}',
      timeoutMs: 5_000,
    });
    expect(plain.status).toBe(201);
    expect(plain.ok).toBe(true);
    expect(plain.header('retry-after')).toBe('3');
    expect(plain.header('x-absent')).toBeNull();
    expect(JSON.parse(plain.bytes.toString())).toEqual({ path: '/plain' });
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"ünï":"cödé"}', type: 'application/json' });
    expect(seen[0]?.encoding).toMatch(/gzip/);
    for (const path of ['/gzip', '/br']) {
      const reply = await upstream(get(`${base}${path}`));
      expect(JSON.parse(reply.bytes.toString())).toEqual({ path });
    }
  });

  it('sends the path and query as built, and escapes what a raw path cannot carry', async () => {
    const paths: (string | undefined)[] = [];
    const hosts: (string | undefined)[] = [];
    const base = await serve((req, res) => {
      paths.push(req.url);
      hosts.push(req.headers.host);
      res.end('{}');
    });
    const upstream = nodeUpstream();
    for (const path of [
      '/dr/v1/business/entities',
      '/profiles/v1/patient/search?prefix=a%20b&limit=3',
      '/x y/é?q=1 2',
    ]) {
      expect((await upstream(get(`${base}${path}`))).status).toBe(200);
    }
    expect((await upstream(get(base))).status).toBe(200);
    expect(paths).toEqual([
      '/dr/v1/business/entities',
      '/profiles/v1/patient/search?prefix=a%20b&limit=3',
      '/x%20y/%C3%A9?q=1%202',
      '/',
    ]);
    expect(new Set(hosts)).toEqual(new Set([new URL(base).host]));
  });

  it('refuses a reply over the cap, plain or compressed, with a clear error', async () => {
    const base = await serve((req, res) => {
      if (req.url === '/bomb') {
        res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync(Buffer.alloc(4 * 1024 * 1024)));
      } else {
        res.writeHead(200).end(Buffer.alloc(64 * 1024, 'a'));
      }
    });
    const upstream = nodeUpstream({ maxReplyBytes: 16 * 1024 });
    for (const path of ['/big', '/bomb']) {
      const error = await upstream(get(`${base}${path}`)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UpstreamReplyError);
    }
  });

  it('sends an idempotent request again, once, when a kept-alive connection fails before any answer, and only then', async () => {
    const uses = new WeakMap<object, number>();
    let handled = 0;
    const base = await serve((req, res) => {
      handled += 1;
      const use = (uses.get(req.socket) ?? 0) + 1;
      uses.set(req.socket, use);
      // A connection the server had already given up on: it drops it without answering.
      if (use > 1 || req.url === '/drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const upstream = nodeUpstream();
    const idempotent = { ...get(`${base}/`), idempotent: true };
    expect((await upstream(idempotent)).status).toBe(200);
    // The second goes out on the kept-alive connection, which the server drops: sent again on a new one.
    expect((await upstream(idempotent)).status).toBe(200);
    expect(handled).toBe(3);

    // A write is never sent twice: the server may have read it before the connection failed.
    handled = 0;
    const write = { ...get(`${base}/`), method: 'POST', body: '{}' };
    const writes = nodeUpstream();
    expect((await writes(write)).status).toBe(200);
    const lost = await writes(write).catch((e: unknown) => e);
    expect((lost as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(handled).toBe(2);

    // A new connection dropped is a network error, not sent again.
    handled = 0;
    const fresh = nodeUpstream();
    const dropped = await fresh({ ...get(`${base}/drop`), idempotent: true }).catch((e: unknown) => e);
    expect((dropped as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(handled).toBe(1);
  });

  it('closes a connection left idle, and waits out a slow answer on a busy one', async () => {
    const sockets = new Set<object>();
    const base = await serve((req, res) => {
      sockets.add(req.socket);
      const delay = req.url === '/slow' ? 600 : 0;
      setTimeout(() => res.end('{}'), delay);
    });
    const upstream = nodeUpstream({ idleSocketMs: 200 });
    // Slower than the idle limit, but the connection is in use: the answer arrives.
    expect((await upstream(get(`${base}/slow`, { timeoutMs: 5_000 }))).status).toBe(200);
    expect((await upstream(get(`${base}/`))).status).toBe(200);
    expect(sockets.size).toBe(1);
    // Idle past the limit: closed by the client, and the next request opens a new connection.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await upstream(get(`${base}/`))).status).toBe(200);
    expect(sockets.size).toBe(2);
  });

  it('refuses a reply in a content encoding it did not ask for', async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'zstd' }).end('not json');
    });
    const error = await nodeUpstream()(get(`${base}/`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamReplyError);
    expect((error as Error).message).toMatch(/content encoding that was not asked for \(zstd\)/);
  });

  it('gives up at the time limit, and when the caller aborts', async () => {
    const base = await serve(() => {
      // Never answers.
    });
    const upstream = nodeUpstream();
    const slow = await upstream(get(`${base}/`, { timeoutMs: 100 })).catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(UpstreamTimeout);

    const controller = new AbortController();
    const pending = upstream(get(`${base}/`, { signal: controller.signal })).catch((e: unknown) => e);
    setTimeout(() => controller.abort(new Error('the client went away')), 50);
    expect(((await pending) as Error).message).toBe('the client went away');

    const already = new AbortController();
    already.abort(new Error('gone before'));
    const early = await upstream(get(`${base}/`, { signal: already.signal })).catch((e: unknown) => e);
    expect((early as Error).message).toBe('gone before');
  });
});
