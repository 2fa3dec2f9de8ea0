/**
 * The demo host: the real app core (controller, keychain, settings, client
 * configs, supervised server) against the Eka sandbox, with the built
 * renderer served on 127.0.0.1 and `window.eka` provided over a local
 * channel guarded by a per-run secret. Lets anyone try the whole app in a
 * browser, and is what the end-to-end tests drive.
 *
 * The secret never travels in a reusable form: the demo opens a one-time
 * bootstrap link (`/bootstrap?secret=...`, valid once) that sets an
 * HttpOnly, SameSite=Strict cookie holding the per-run secret and redirects
 * to the clean address. Once used, the link is worth nothing, and the
 * address bar and history keep no secret.
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_KEY_ACCOUNT, CLIENT_SECRET_ACCOUNT } from '../../server/desktop/client-credentials-store';
import { assertKeychainAvailable, createKeytarSecretStore } from '../../server/desktop/secret-store';
import { SESSION_ACCOUNT } from '../../server/desktop/session';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { escapeHtml } from '../../server/html';
import { redactText } from '../../server/logging';
import type { Sandbox, SandboxOptions } from '../../test/sandbox/types';
import { currentInstall } from '../core/client-configs/install';
import { type Controller, createController } from '../core/controller';
import { CONTENT_SECURITY_POLICY } from '../electron/security';
import { EVENT_NAMES, type EventName, type EventPayloads } from '../ipc/contract';
import { dispatch } from '../ipc/handlers';
import { BRIDGE_PATH, bridgeScript, EVENTS_PATH, REQUEST_HEADER, RPC_PREFIX } from './bridge-script';

/** The one-time link that trades its secret for the session cookie. */
export const BOOTSTRAP_PATH = '/bootstrap';
/** The session cookie's name. */
export const SESSION_COOKIE = 'eka-demo';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DemoOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 7790. */
  port?: number;
  /** Home folder for client config paths (Claude Desktop, Cursor, ...). Default: a demo folder under the temp dir. */
  home?: string;
  /** Settings folder (`EKA_MCP_HOME`). Default: a fresh temp folder. */
  ekaMcpHome?: string;
  /** Keychain service. Default `Eka MCP Demo`. */
  keychainService?: string;
  /** Sandbox options (ports, token lifetimes); `false` to use the configured Eka environment instead. */
  sandbox?: SandboxOptions | false;
  /** The built renderer. Default dist/renderer. */
  rendererDir?: string;
  /** Run and watch the server (default true). */
  superviseServer?: boolean;
  /** Remove the session and client secrets of the demo's keychain service on stop (default true). */
  cleanKeychain?: boolean;
}

export interface Demo {
  /** The one-time link to open: it sets the session cookie and redirects to the app. */
  url: string;
  origin: string;
  /** Mints another one-time link (a second browser, a test). */
  bootstrapUrl(): string;
  home: string;
  ekaMcpHome: string;
  keychainService: string;
  sandbox: Sandbox | undefined;
  /** The core, or `undefined` when the keychain is unavailable (the page then explains). */
  controller: Controller | undefined;
  keychainError: string | undefined;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Starts the sandbox, the core and the page server; resolves once everything listens. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const undo: Array<() => Promise<unknown>> = [];
  try {
    return await start(options, undo);
  } catch (error) {
    // Nothing half-started is left behind (a busy port, a sandbox that failed).
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

async function start(options: DemoOptions, undo: Array<() => Promise<unknown>>): Promise<Demo> {
  const rendererDir = options.rendererDir ?? join(repoRoot, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${rendererDir}): run npm run build first.`);
  }
  // The renderer is small: read it once, so a rebuild while the demo runs changes nothing.
  const files = await loadFiles(rendererDir);
  const created: string[] = [];
  const tempDir = async (prefix: string) => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    created.push(dir);
    undo.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };
  const home = options.home ?? (await tempDir('eka-mcp-demo-home-'));
  const ekaMcpHome = options.ekaMcpHome ?? (await tempDir('eka-mcp-demo-settings-'));
  await mkdir(ekaMcpHome, { recursive: true });
  const keychainService = options.keychainService ?? 'Eka MCP Demo';
  // The per-run secret, only ever sent as an HttpOnly cookie.
  const token = randomBytes(32).toString('base64url');
  /** One-time bootstrap secrets not used yet. */
  const bootstrapSecrets = new Set<string>();

  let sandbox: Sandbox | undefined;
  if (options.sandbox !== false) {
    const { startSandbox } = await import('../../test/sandbox/index');
    const started = await startSandbox(options.sandbox ?? {});
    sandbox = started;
    undo.push(() => started.stop());
  }

  const settings = createFileSettingsStore(ekaMcpHome);
  if (sandbox) {
    await settings.update({
      mode: 'oidc',
      environment: 'sandbox',
      issuer: sandbox.issuer,
      apiBaseUrl: sandbox.apiBaseUrl,
    });
  }

  const secretStore = createKeytarSecretStore(keychainService);
  let keychainError: string | undefined;
  try {
    await assertKeychainAvailable(secretStore);
  } catch (error) {
    keychainError = error instanceof Error ? error.message : String(error);
  }

  const clients = new Set<ServerResponse>();
  const broadcast = <E extends EventName>(event: E, payload: EventPayloads[E]) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of clients) client.write(frame);
  };

  let controller: Controller | undefined;
  if (!keychainError) {
    const c = createController({
      settings,
      secretStore,
      settingsDir: ekaMcpHome,
      // The page opens a new tab for this event: the demo's "system browser".
      openExternal: (url) => broadcast('openExternal', { url }),
      os: {
        platform: process.platform,
        homedir: home,
        env: {
          ...process.env,
          HOME: home,
          USERPROFILE: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          APPDATA: join(home, 'AppData', 'Roaming'),
          LOCALAPPDATA: join(home, 'AppData', 'Local'),
        },
      },
      install: currentInstall(import.meta.url),
      home: ekaMcpHome,
      keychainService,
      redact: redactText,
      superviseServer: options.superviseServer,
    });
    controller = c;
    for (const name of EVENT_NAMES) {
      if (name === 'openExternal') continue;
      c.on(name, (payload) => broadcast(name, payload));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });
  let origin = '';

  const same = (candidate: string, expected: string): boolean => {
    const a = Buffer.from(candidate);
    const b = Buffer.from(expected);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  /** Whether the request carries the session cookie. */
  const hasSession = (req: IncomingMessage): boolean => {
    const header = req.headers.cookie ?? '';
    return header
      .split(';')
      .map((part) => part.trim())
      .some(
        (part) => part.startsWith(`${SESSION_COOKIE}=`) && same(part.slice(SESSION_COOKIE.length + 1), token),
      );
  };
  /** Uses up a bootstrap secret: true once per minted link. */
  const spendBootstrap = (candidate: string | null): boolean => {
    if (!candidate) return false;
    for (const secret of bootstrapSecrets) {
      if (same(candidate, secret)) {
        bootstrapSecrets.delete(secret);
        return true;
      }
    }
    return false;
  };
  const mintBootstrapUrl = (): string => {
    const secret = randomBytes(24).toString('base64url');
    bootstrapSecrets.add(secret);
    return `${origin}${BOOTSTRAP_PATH}?secret=${secret}`;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Only our own origin: refuses DNS rebinding and other sites' pages.
    if (req.headers.host !== new URL(origin).host)
      return send(res, 403, 'text/plain; charset=utf-8', 'Forbidden');
    const url = new URL(req.url ?? '/', origin);

    if (req.method === 'POST' && url.pathname.startsWith(RPC_PREFIX)) {
      if (req.headers.origin !== undefined && req.headers.origin !== origin) {
        return sendJson(res, 403, { ok: false, error: { code: 'forbidden', message: 'Forbidden origin.' } });
      }
      if (!hasSession(req) || req.headers[REQUEST_HEADER] !== '1') {
        return sendJson(res, 401, {
          ok: false,
          error: {
            code: 'forbidden',
            message: 'Open the demo from the link npm run demo opened or printed.',
          },
        });
      }
      if (!controller) {
        return sendJson(res, 503, {
          ok: false,
          error: { code: 'keychain-unavailable', message: keychainError ?? '' },
        });
      }
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, 1_000_000)) || '{}');
      } catch {
        return sendJson(res, 400, {
          ok: false,
          error: { code: 'invalid-input', message: 'The request is not JSON.' },
        });
      }
      const input =
        typeof body === 'object' && body !== null ? (body as { input?: unknown }).input : undefined;
      const envelope = await dispatch(controller.handlers, url.pathname.slice(RPC_PREFIX.length), input);
      return sendJson(res, 200, envelope);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');

    if (url.pathname === BOOTSTRAP_PATH) {
      if (!spendBootstrap(url.searchParams.get('secret'))) {
        return send(
          res,
          403,
          TYPES['.html'] as string,
          messagePage(
            'This demo link was already used',
            'Each link npm run demo opens works once. Go back to the tab it opened, or restart npm run demo.',
          ),
        );
      }
      res.writeHead(303, {
        ...securityHeaders(),
        location: '/',
        'set-cookie': `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return;
    }

    if (url.pathname === EVENTS_PATH) {
      if (!hasSession(req)) return send(res, 401, 'text/plain; charset=utf-8', 'Unauthorized');
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      res.write(': connected\n\n');
      clients.add(res);
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(keepAlive);
        clients.delete(res);
      });
      return;
    }

    if (url.pathname === BRIDGE_PATH) return send(res, 200, TYPES['.js'] as string, bridgeScript());

    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (keychainError) {
        return send(res, 503, TYPES['.html'] as string, messagePage('No keychain available', keychainError));
      }
      if (!hasSession(req)) {
        return send(
          res,
          403,
          TYPES['.html'] as string,
          messagePage('Open the address printed by npm run demo', "This page needs the demo's secret link."),
        );
      }
      if (keychainError) {
        return send(res, 503, TYPES['.html'] as string, messagePage('No keychain available', keychainError));
      }
      const html = (files.get('/index.html') as Buffer).toString('utf8');
      const injected = html.replace('<script', `<script src=".${BRIDGE_PATH}"></script>\n    <script`);
      return send(res, 200, TYPES['.html'] as string, injected);
    }

    const file = files.get(url.pathname);
    if (!file) return send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    return send(res, 200, TYPES[extname(url.pathname)] ?? 'application/octet-stream', file);
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7790, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  undo.push(() => new Promise((r) => server.close(r)));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  undo.push(async () => controller?.stop());
  await controller?.start();

  let stopping: Promise<void> | undefined;
  return {
    url: mintBootstrapUrl(),
    origin,
    bootstrapUrl: mintBootstrapUrl,
    home,
    ekaMcpHome,
    keychainService,
    sandbox,
    controller,
    keychainError,
    stop() {
      stopping ??= (async () => {
        for (const client of clients) client.end();
        clients.clear();
        await new Promise<void>((r) => server.close(() => r()));
        server.closeAllConnections();
        await controller?.stop();
        await sandbox?.stop();
        if (!keychainError && options.cleanKeychain !== false) {
          for (const account of [SESSION_ACCOUNT, CLIENT_SECRET_ACCOUNT, API_KEY_ACCOUNT]) {
            await secretStore.delete(account).catch(() => false);
          }
        }
        for (const dir of created) await rm(dir, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** Every file under `dir`, keyed by its URL path ("/assets/index.js"). */
async function loadFiles(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out.set(`/${relative(dir, full).split(sep).join('/')}`, await readFile(full));
  }
  if (!out.has('/index.html'))
    throw new Error(`The renderer is not built (${dir}): run npm run build first.`);
  return out;
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cache-control': 'no-store',
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { ...securityHeaders(), 'content-type': type });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function messagePage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(body)}</p></main></body></html>`;
}
