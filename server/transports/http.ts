/**
 * The HTTP transport: Streamable HTTP at `/mcp`, stateless (any instance can
 * answer any request), served by the SDK v2's `createMcpHandler` for
 * 2026-07-28 clients (per-request version and capabilities, `server/discover`)
 * and by its stateless Streamable HTTP transport for 2025-era clients
 * (`initialize`). The tools, their schemas and the API client are built once
 * at start-up; each request's protocol object gets its caller's token source.
 * `GET /health`, Host and Origin checks against DNS rebinding, body size and
 * time limits, and, when configured, EkaCare OAuth (OAuth proxy, direct Eka
 * tokens) in front of `/mcp`.
 *
 * `/mcp` is served straight from Node's HTTP server (the endpoint every tool
 * call takes: no router, no body-parser, no web body stream); the OAuth
 * routes, metadata and `/health` go through Express.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuthMetadata, mcpAuthRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  createMcpHandler,
  isJsonContentType,
  isLegacyRequest,
  type McpHandlerRequestOptions,
  PROTOCOL_VERSION_META_KEY,
  WebStandardStreamableHTTPServerTransport,
} from '@modelcontextprotocol/server';
import express, { type NextFunction, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { type AuthSettings, type EkaOAuthSettings, readAuthSettings } from '../auth/auth-settings';
import { createCallerTokenSource } from '../auth/caller-token-source';
import { ClientMetadataDocuments } from '../auth/client-metadata-document';
import type { Clock } from '../auth/clock';
import { CONSENT_PATH } from '../auth/consent-page';
import { DirectTokenValidator } from '../auth/direct-token-validator';
import { EkaTokenExchange } from '../auth/eka-token-exchange';
import { GrantStore } from '../auth/grants';
import { JwtVerifier } from '../auth/jwt-verifier';
import type { KeyValueStore } from '../auth/key-value-store';
import { MemoryStore } from '../auth/memory-store';
import { EkaOAuthProxy, MCP_SCOPE, OAUTH_CALLBACK_PATH } from '../auth/oauth-proxy';
import { RedisStore } from '../auth/redis-store';
import { RegistrationLimiter } from '../auth/registration-limiter';
import { SealedStore } from '../auth/sealed-store';
import { TokenVerifier } from '../auth/token-verifier';
import { UpstreamProvider } from '../auth/upstream-provider';
import { VerdictCache } from '../auth/verdict-cache';
import type { ServerConfig } from '../config/server-config';
import { createServerFactory } from '../create-server';
import type { TokenSource } from '../eka/token-source';
import { createTokenSource } from '../eka/token-sources';
import { EkaConfigError } from '../errors';
import type { Logger } from '../logging';

/** A running HTTP server. */
export interface HttpServerHandle {
  /** The MCP endpoint, e.g. http://127.0.0.1:8000/mcp */
  url: string;
  /** Stops accepting requests, lets the ones in flight finish (up to 10 s), then closes. */
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** Environment with the auth and HTTP settings; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** Token source for open mode; from the server config by default. */
  tokenSource?: TokenSource;
  /** Clock for token-verdict lifetimes (tests). */
  clock?: Clock;
  /** `fetch` for the Eka API token check and the OpenID provider (tests). */
  fetch?: typeof fetch;
}

/** HTTP limits and extra allowed names, from the environment. */
interface HttpLimits {
  maxBodyBytes: number;
  requestTimeoutMs: number;
  allowedHosts: string[];
  allowedOrigins: string[];
  /** Express `trust proxy`: which proxies' X-Forwarded-For to believe (rate limits key on the client address). */
  trustProxy: false | number | string;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Callers whose token sources (and so their names in answers) are kept between requests. */
const MAX_CALLER_SOURCES = 5_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const SHUTDOWN_GRACE_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether `host` is a loopback address (127.0.0.0/8, ::1, localhost). */
function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function readHttpLimits(env: Record<string, string | undefined>): HttpLimits {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new EkaConfigError(
        'invalid_config',
        `${name} must be a whole number from ${min} to ${max} (got "${raw}").`,
      );
    }
    return n;
  };
  const list = (name: string): string[] =>
    (env[name] ?? '')
      .split(',')
      .map((item) => item.trim().toLowerCase())
      .filter(Boolean);
  return {
    maxBodyBytes: int('EKA_MCP_HTTP_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, 1024, 64 * 1024 * 1024),
    requestTimeoutMs: int('EKA_MCP_HTTP_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1_000, 600_000),
    allowedHosts: list('EKA_MCP_ALLOWED_HOSTS'),
    allowedOrigins: list('EKA_MCP_ALLOWED_ORIGINS').map((origin) => origin.replace(/\/+$/, '')),
    trustProxy: parseTrustProxy(env.EKA_MCP_TRUST_PROXY),
  };
}

/**
 * `EKA_MCP_TRUST_PROXY`: a hop count (`1`) or a list of proxy addresses or
 * subnets (`10.0.0.1, loopback`). `true` is refused: it believes any
 * X-Forwarded-For, so a caller could pick its own address and escape every
 * per-address limit.
 */
function parseTrustProxy(raw: string | undefined): false | number | string {
  const value = raw?.trim();
  if (!value || value === 'false' || value === '0') return false;
  if (value.toLowerCase() === 'true') {
    throw new EkaConfigError(
      'invalid_config',
      'EKA_MCP_TRUST_PROXY=true would believe any X-Forwarded-For a caller sends; give the number of proxies in front of this server (e.g. 1) or their addresses (e.g. 10.0.0.1, loopback).',
    );
  }
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** Answers `body` as JSON with one write (Content-Length, no chunked encoding). */
function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(bytes.length),
  });
  res.end(bytes);
}

function jsonRpcError(res: ServerResponse, status: number, message: string, code = -32000): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code, message }, id: null });
}

/** The body of a request, up to `limit` bytes: `too-large` past it, `aborted` when the client went away. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) return resolve('too-large');
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        done('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const done = (result: Buffer | 'too-large' | 'aborted') => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(result);
    };
    const onEnd = () => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    const onAbort = () => done('aborted');
    // A stream error after the answer (the client reset the connection) has nobody left to tell.
    req.on('error', () => undefined);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}

/**
 * The headers the SDK reads from the web request it is handed (content
 * negotiation, the MCP standard headers, Host and Origin): the web request
 * carries the exchange's metadata and cancellation, never the body or the
 * caller's credentials.
 */
function protocolHeaders(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    if (
      name.startsWith('mcp-') ||
      name === 'accept' ||
      name === 'content-type' ||
      name === 'host' ||
      name === 'origin' ||
      name === 'last-event-id'
    ) {
      out.push([name, raw[i + 1] as string]);
    }
  }
  return out;
}

/**
 * Whether a JSON-RPC request (not `initialize`, whose era the SDK decides on
 * the envelope's validity) carries the 2026-07-28 envelope claim: a protocol
 * version key in `params._meta`, as the SDK's classifier defines it.
 */
function hasEnvelopeClaim(body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { method, params } = body as { method?: unknown; params?: unknown };
  if (method === 'initialize' || typeof params !== 'object' || params === null) return false;
  const meta = (params as { _meta?: unknown })._meta;
  return (
    typeof meta === 'object' && meta !== null && !Array.isArray(meta) && PROTOCOL_VERSION_META_KEY in meta
  );
}

/** Whether a request target is the MCP endpoint (`/mcp`, as Express routes it: any case, one trailing slash, any query). */
function isMcpTarget(url: string | undefined): boolean {
  if (!url) return false;
  const query = url.indexOf('?');
  const path = (query === -1 ? url : url.slice(0, query)).toLowerCase();
  return path === '/mcp' || path === '/mcp/';
}

/**
 * The API client's own token source in HTTP mode: every Eka call uses the
 * token source of the request it serves, so one made outside a request is a bug.
 */
const outsideRequests: TokenSource = {
  kind: 'caller',
  clientId: () => undefined,
  getAccessToken: () => Promise.reject(new Error('An Eka call was made outside of an MCP request')),
  invalidate: async () => undefined,
};

/** Everything the OAuth mode wires together. */
interface OAuthParts {
  settings: EkaOAuthSettings;
  store: KeyValueStore;
  proxy: EkaOAuthProxy;
  verifier: TokenVerifier;
  grants: GrantStore;
  registrations: RegistrationLimiter;
}

async function createOAuthParts(
  settings: EkaOAuthSettings,
  logger: Logger,
  options: HttpServerOptions,
): Promise<OAuthParts> {
  let store: KeyValueStore;
  if (settings.redisUrl) {
    const redis = new RedisStore(settings.redisUrl, logger);
    await redis.connect();
    store = redis;
  } else {
    store = new MemoryStore({ clock: options.clock });
  }
  const sealed = new SealedStore(store, settings.clientSecret);
  const upstream = new UpstreamProvider(settings.issuer, { fetch: options.fetch });
  const jwt = new JwtVerifier({ upstream, clock: options.clock });
  const cache = new VerdictCache({ store, secret: settings.clientSecret, logger, clock: options.clock });
  const direct = new DirectTokenValidator({
    apiBaseUrl: settings.apiBaseUrl,
    check: settings.tokenCheck,
    cache,
    clock: options.clock,
    fetch: options.fetch,
  });
  const exchange =
    settings.tokenUse === 'exchange'
      ? new EkaTokenExchange({
          apiBaseUrl: settings.apiBaseUrl,
          clientId: settings.clientId,
          logger,
          fetch: options.fetch,
        })
      : undefined;
  let proxy: EkaOAuthProxy | undefined;
  const grants = new GrantStore({
    store: sealed,
    resource: settings.resource,
    accessTokenTtl: settings.accessTokenTtl,
    refreshTokenTtl: settings.refreshTokenTtl,
    refresher: (tokens) =>
      exchange ? exchange.refresh(tokens) : (proxy as EkaOAuthProxy).refreshProviderTokens(tokens),
    logger,
    clock: options.clock,
  });
  const verifier = new TokenVerifier({
    jwt,
    direct,
    grants,
    resource: settings.resource,
    apiBaseUrl: settings.apiBaseUrl,
    directTokens: settings.directTokens,
    directClientIds: settings.directClientIds,
    logger,
    clock: options.clock,
  });
  const ca = settings.cimdCaFile ? await readFile(settings.cimdCaFile, 'utf8') : undefined;
  proxy = new EkaOAuthProxy({
    store: sealed,
    upstream,
    verifier,
    grants,
    documents: new ClientMetadataDocuments({
      store: sealed,
      logger,
      allowPrivate: settings.cimdAllowPrivate,
      ca,
    }),
    ...(exchange ? { exchange: (idToken: string) => exchange.verify(idToken) } : {}),
    logger,
    baseUrl: settings.baseUrl,
    resource: settings.resource,
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    scopes: settings.scopes,
    fetch: options.fetch,
  });
  const registrations = new RegistrationLimiter({
    store,
    limit: settings.registrationLimit,
    clock: options.clock,
  });
  return { settings, store, proxy, verifier, grants, registrations };
}

/**
 * Checks the request's bearer token: its auth info, or `undefined` once it
 * has answered 401 (with the protected-resource metadata pointer), 403
 * (insufficient scope) or 503 (the token could not be checked).
 */
function bearerAuth(parts: OAuthParts) {
  const metadataUrl = `${parts.settings.baseUrl}/.well-known/oauth-protected-resource`;
  const challenge = (error?: { code: string; message: string }) =>
    error
      ? `Bearer error="${error.code}", error_description="${error.message}", ${error.code === 'insufficient_scope' ? `scope="${MCP_SCOPE}", ` : ''}resource_metadata="${metadataUrl}"`
      : `Bearer resource_metadata="${metadataUrl}"`;
  return async (req: IncomingMessage, res: ServerResponse): Promise<AuthInfo | undefined> => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match?.[1]) {
      res.setHeader(
        'WWW-Authenticate',
        challenge(header ? { code: 'invalid_request', message: 'Expected a Bearer token' } : undefined),
      );
      jsonRpcError(
        res,
        401,
        'Authentication required: sign in with Eka or send an Eka access token as a Bearer token.',
      );
      return undefined;
    }
    let auth: AuthInfo;
    try {
      auth = await parts.verifier.verifyAccessToken(match[1]);
    } catch (error) {
      const name = (error as { errorCode?: string }).errorCode;
      const message = error instanceof Error ? error.message : 'The token could not be checked';
      if (name === 'invalid_token') {
        res.setHeader('WWW-Authenticate', challenge({ code: 'invalid_token', message }));
        jsonRpcError(res, 401, message);
      } else {
        jsonRpcError(res, 503, `${message}.`);
      }
      return undefined;
    }
    if (auth.extra?.kind === 'proxy' && !auth.scopes.includes(MCP_SCOPE)) {
      const message = `The access token lacks the "${MCP_SCOPE}" scope`;
      res.setHeader('WWW-Authenticate', challenge({ code: 'insufficient_scope', message }));
      jsonRpcError(res, 403, `${message}; sign in again asking for it.`);
      return undefined;
    }
    return auth;
  };
}

/** Whether a request carries the Host header more than once (RFC 9112 §3.2: answer 400). */
function hasDuplicateHost(req: IncomingMessage): boolean {
  let count = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]?.toLowerCase() === 'host') count += 1;
  }
  return count > 1;
}

/**
 * Starts the HTTP transport on `config.host:config.port` and prints the URL
 * (to the log, on stderr) once listening.
 */
export async function startHttpServer(
  config: ServerConfig,
  logger: Logger,
  options: HttpServerOptions = {},
): Promise<HttpServerHandle> {
  const env = options.env ?? process.env;
  const auth: AuthSettings = readAuthSettings(env, {
    environment: config.env,
    apiBaseUrl: config.apiBaseUrl,
  });
  const limits = readHttpLimits(env);
  if (
    auth.mode === 'open' &&
    !isLoopbackHost(config.host) &&
    env.EKA_MCP_ALLOW_OPEN_NETWORK?.trim() !== '1'
  ) {
    throw new EkaConfigError(
      'invalid_config',
      `Refusing to serve without auth on ${config.host}: anyone who can reach it could use the tools with this server's Eka access. ` +
        'Listen on 127.0.0.1, turn on EkaCare OAuth (FASTMCP_SERVER_AUTH_EKACARE_*), or set EKA_MCP_ALLOW_OPEN_NETWORK=1 if a proxy in front of it checks every caller.',
    );
  }
  const openTokenSource =
    auth.mode === 'open' ? (options.tokenSource ?? (await createTokenSource(config, logger))) : undefined;
  const oauth = auth.mode === 'oauth' ? await createOAuthParts(auth, logger, options) : undefined;

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', limits.trustProxy);

  // Filled in once the port is known (port 0 picks a free one).
  const allowedHosts = new Set<string>(limits.allowedHosts);
  const allowedOrigins = new Set<string>(limits.allowedOrigins);

  app.get('/health', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!oauth) {
      res.json({ status: 'ok', auth: auth.mode });
      return;
    }
    // OAuth mode cannot sign anyone in, or accept its own tokens, without its store.
    const reachable = await oauth.store.ping();
    res.status(reachable ? 200 : 503).json({
      status: reachable ? 'ok' : 'degraded',
      auth: auth.mode,
      store: { kind: oauth.store.kind, ok: reachable },
    });
  });

  if (oauth) {
    const base = new URL(oauth.settings.baseUrl);
    const options = {
      provider: oauth.proxy,
      issuerUrl: base,
      baseUrl: base,
      resourceServerUrl: new URL(oauth.settings.resource),
      scopesSupported: oauth.proxy.scopesSupported,
      resourceName: 'Eka MCP',
      clientRegistrationOptions: {
        rateLimit: { windowMs: 3_600_000, limit: oauth.settings.registrationsPerAddress },
      },
    };
    const router = mcpAuthRouter(options);
    const resourceMetadata = {
      resource: oauth.settings.resource,
      authorization_servers: [base.href],
      scopes_supported: oauth.proxy.scopesSupported,
      resource_name: 'Eka MCP',
      bearer_methods_supported: ['header'],
    };
    const serverMetadata = { ...createOAuthMetadata(options), client_id_metadata_document_supported: true };
    const metadata = (body: object) => (_req: Request, res: Response) => {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.json(body);
    };
    // RFC 9728: at the root, and at the path of the resource (/mcp).
    app.get('/.well-known/oauth-protected-resource', metadata(resourceMetadata));
    app.get('/.well-known/oauth-protected-resource/mcp', metadata(resourceMetadata));
    app.get('/.well-known/oauth-authorization-server', metadata(serverMetadata));
    // Each request stores a pending login for 10 minutes: at most 100 per 15 minutes per address.
    const authorizeLimit = rateLimit({
      windowMs: 15 * 60_000,
      limit: 100,
      standardHeaders: true,
      legacyHeaders: false,
      message: {
        error: 'too_many_requests',
        error_description: 'Too many sign-in requests; try again later.',
      },
    });
    app.all(
      '/authorize',
      authorizeLimit,
      express.urlencoded({ extended: false, limit: '8kb' }),
      (req, res, next) => {
        if (req.method !== 'GET' && req.method !== 'POST') {
          res.setHeader('Allow', 'GET, POST');
          res.status(405).json({ error: 'method_not_allowed' });
          return;
        }
        oauth.proxy.handleAuthorize(req, res).catch(next);
      },
    );
    // Dynamic registration: a small body, and a cap on registrations per hour across instances.
    app.post('/register', express.json({ limit: '8kb' }), (_req, res, next) => {
      oauth.registrations
        .admit()
        .then((admitted) => {
          if (admitted) return next();
          res.setHeader('Retry-After', '3600');
          res.status(429).json({
            error: 'too_many_requests',
            error_description: 'Too many client registrations; try again later.',
          });
        })
        .catch(() => {
          res.status(503).json({
            error: 'temporarily_unavailable',
            error_description: 'Registration is unavailable; try again shortly.',
          });
        });
    });
    app.use(router);
    app.get(OAUTH_CALLBACK_PATH, (req, res, next) => {
      oauth.proxy.handleCallback(req, res).catch(next);
    });
    app.post(CONSENT_PATH, express.urlencoded({ extended: false, limit: '8kb' }), (req, res, next) => {
      oauth.proxy.handleConsent(req, res).catch(next);
    });
  }

  // The MCP endpoint.
  const authenticate = oauth ? bearerAuth(oauth) : undefined;
  const inFlight = new Set<Promise<void>>();

  /** Whose Eka token a request's tools call with, by the web request the SDK hands the factory. */
  const requestSources = new WeakMap<globalThis.Request, TokenSource>();
  // Built once: every request is served by the same tools and API client; the factory
  // gives each request's protocol object the caller's token source.
  const factory = createServerFactory({ config, tokenSource: outsideRequests, logger });
  // 2026-07-28 requests: the SDK's entry (it answers server/discover and checks the per-request envelope).
  const mcpHandler = createMcpHandler(
    (ctx) => factory({ tokenSource: ctx.requestInfo && requestSources.get(ctx.requestInfo) }),
    {
      legacy: 'reject',
      maxRequestBodySize: limits.maxBodyBytes,
      onerror: (error) => logger.debug('MCP request not served', { error: error.message }),
    },
  );
  // 2025-era requests (initialize, then requests without the envelope): the SDK's stateless
  // Streamable HTTP transport, as the entry's own legacy leg does, but answering with one JSON
  // body instead of a one-event SSE stream (cheaper, and what this server has always sent).
  const serveLegacy = async (
    request: globalThis.Request,
    options: McpHandlerRequestOptions,
    tokenSource: TokenSource,
  ) => {
    const server = factory({ tokenSource });
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    const teardown = () => {
      void transport.close();
      void server.close();
    };
    request.signal.addEventListener('abort', teardown, { once: true });
    try {
      return await transport.handleRequest(request, options);
    } finally {
      teardown();
    }
  };

  /**
   * The callers' token sources, one per sign-in or Eka token (the most recent
   * few thousand): a caller's next request gets the same one, and with it the
   * names its earlier calls read (see practice-names.ts), which no other
   * caller's requests can reach.
   */
  const callerSources = new Map<string, TokenSource>();
  function tokenSourceFor(callerAuth: AuthInfo | undefined): TokenSource {
    if (!callerAuth) return openTokenSource as TokenSource;
    const proxy = callerAuth.extra?.kind === 'proxy' && oauth;
    const ekaClientId = (callerAuth.extra?.ekaClientId as string | undefined) ?? undefined;
    const key = proxy
      ? `grant ${callerAuth.extra?.grantId}`
      : `token ${ekaClientId ?? ''} ${callerAuth.token}`;
    let source = callerSources.get(key);
    if (source) {
      callerSources.delete(key);
    } else {
      source = proxy
        ? // This server's own token: Eka is called with the sign-in's Eka tokens, never with it.
          oauth.grants.tokenSource(callerAuth.extra?.grantId as string, oauth.settings.clientId)
        : createCallerTokenSource(callerAuth.token, ekaClientId);
    }
    callerSources.set(key, source);
    if (callerSources.size > MAX_CALLER_SOURCES)
      callerSources.delete(callerSources.keys().next().value as string);
    return source;
  }

  /**
   * One request to `/mcp`: the Origin check, the bearer token, the body (JSON,
   * within the size limit), then the SDK, given the parsed body and a body-less
   * web request (headers and cancellation), so nothing is read or serialised twice.
   */
  async function serveMcpEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase().replace(/\/+$/, ''))) {
      jsonRpcError(res, 403, 'Forbidden: requests from that Origin are not allowed.');
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      jsonRpcError(
        res,
        405,
        'Method not allowed: this server is stateless; send JSON-RPC requests with POST.',
      );
      return;
    }
    const callerAuth = authenticate ? await authenticate(req, res) : undefined;
    if (authenticate && !callerAuth) return;
    if (!isJsonContentType(req.headers['content-type'] ?? null)) {
      jsonRpcError(res, 415, 'Unsupported Media Type: Content-Type must be application/json');
      return;
    }
    const body = await readBody(req, limits.maxBodyBytes);
    if (body === 'aborted') return;
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      jsonRpcError(res, 413, `Request body too large (limit ${limits.maxBodyBytes} bytes).`);
      return;
    }
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(body.toString('utf8'));
    } catch {
      jsonRpcError(res, 400, 'Parse error: the body is not valid JSON.', -32700);
      return;
    }

    const abort = new AbortController();
    let answered = false;
    res.on('close', () => {
      if (!answered) abort.abort();
    });
    const request = new globalThis.Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/mcp'}`, {
      method: 'POST',
      headers: protocolHeaders(req),
      signal: abort.signal,
    });
    const tokenSource = tokenSourceFor(callerAuth);
    requestSources.set(request, tokenSource);
    const options: McpHandlerRequestOptions = {
      parsedBody,
      ...(callerAuth ? { authInfo: callerAuth } : {}),
    };
    // A request with the per-request envelope is never legacy (the SDK's own rule), and the
    // entry classifies it anyway: only requests without one need the era decided here.
    const legacy =
      !hasEnvelopeClaim(parsedBody) &&
      (await isLegacyRequest(request, parsedBody, { maxRequestBodySize: limits.maxBodyBytes }));
    const response = legacy
      ? await serveLegacy(request, options, tokenSource)
      : await mcpHandler.fetch(request, options);
    await writeResponse(response, res, abort.signal);
    answered = true;
  }

  /** Writes the SDK's answer: a JSON body in one write with its length, an SSE stream (progress during a call) as it comes. */
  async function writeResponse(response: globalThis.Response, res: ServerResponse, closed: AbortSignal) {
    const headers: Record<string, string> = {};
    for (const [name, value] of response.headers) headers[name] = value;
    if (response.body === null) {
      res.writeHead(response.status, headers);
      res.end();
      return;
    }
    if (!(headers['content-type'] ?? '').startsWith('text/event-stream')) {
      // As text, so Node sends the head and the body in one write.
      const text = await response.text();
      headers['content-length'] = String(Buffer.byteLength(text));
      res.writeHead(response.status, headers);
      res.end(text);
      return;
    }
    res.writeHead(response.status, headers);
    const gone = new Promise<void>((resolve) =>
      closed.addEventListener('abort', () => resolve(), { once: true }),
    );
    try {
      for await (const chunk of response.body) {
        if (closed.aborted) break;
        if (!res.write(chunk))
          await Promise.race([new Promise((resolve) => res.once('drain', resolve)), gone]);
      }
    } catch {
      // The client went away mid-stream: nothing left to answer.
    }
    res.end();
  }

  function handleMcp(req: IncomingMessage, res: ServerResponse): void {
    const deadline = setTimeout(() => {
      logger.warn('MCP request exceeded the time limit', { limitMs: limits.requestTimeoutMs });
      jsonRpcError(res, 503, 'The request took too long and was stopped; try again.');
      // Ending the response aborts the request, which cancels the tool call.
      res.end();
    }, limits.requestTimeoutMs);
    res.on('close', () => clearTimeout(deadline));
    const work = serveMcpEndpoint(req, res)
      .catch((error: unknown) => {
        logger.error('MCP request failed', { error: error instanceof Error ? error.message : String(error) });
        if (!res.headersSent) jsonRpcError(res, 500, 'Internal server error.', -32603);
        else res.end();
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  }

  // Body-parser and other errors: a clear JSON-RPC error, never a stack trace.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') {
      jsonRpcError(res, 413, `Request body too large (limit ${limits.maxBodyBytes} bytes).`);
    } else if (type === 'entity.parse.failed') {
      jsonRpcError(res, 400, 'Parse error: the body is not valid JSON.', -32700);
    } else {
      logger.error('HTTP request failed', { error: error instanceof Error ? error.message : String(error) });
      jsonRpcError(res, 500, 'Internal server error.', -32603);
    }
  });

  const httpServer = createServer((req, res) => {
    // One Host only (RFC 9112): two could make a proxy and this server disagree on the target.
    if (hasDuplicateHost(req)) {
      jsonRpcError(res, 400, 'Bad request: more than one Host header.');
      return;
    }
    // DNS-rebinding protection: the Host must name this server (the health check excepted).
    const host = req.headers.host?.toLowerCase();
    const mcp = isMcpTarget(req.url);
    const health = req.method === 'GET' && (req.url === '/health' || req.url?.startsWith('/health?'));
    if (!health && (!host || !allowedHosts.has(host))) {
      jsonRpcError(res, 403, 'Forbidden: this server does not answer for that Host.');
      return;
    }
    if (mcp) handleMcp(req, res);
    else app(req, res);
  });
  httpServer.listen({ host: config.host, port: config.port });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('listening', resolve);
    httpServer.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new EkaConfigError(
          'invalid_config',
          error.code === 'EADDRINUSE'
            ? `Port ${config.port} on ${config.host} is already in use; pick another with --port or EKA_MCP_SERVER_PORT.`
            : `Cannot listen on ${config.host}:${config.port} (${error.code ?? error.message}).`,
          { cause: error },
        ),
      );
    });
  });
  httpServer.requestTimeout = limits.requestTimeoutMs;
  httpServer.headersTimeout = Math.min(15_000, limits.requestTimeoutMs);
  httpServer.keepAliveTimeout = 5_000;

  const port = (httpServer.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const hostNames = LOOPBACK.has(config.host) ? ['127.0.0.1', 'localhost', '[::1]'] : [hostForUrl];
  for (const name of hostNames) {
    allowedHosts.add(`${name}:${port}`.toLowerCase());
    allowedOrigins.add(`http://${name}:${port}`.toLowerCase());
  }
  if (oauth) {
    const base = new URL(oauth.settings.baseUrl);
    allowedHosts.add(base.host.toLowerCase());
    allowedOrigins.add(base.origin.toLowerCase());
  }

  const url = `http://${hostForUrl}:${port}/mcp`;
  if (auth.mode === 'open') {
    logger.info('running without auth: anyone who can reach this address can use the tools');
  } else {
    logger.info('EkaCare OAuth enabled', {
      baseUrl: auth.baseUrl,
      issuer: auth.issuer,
      store: oauth?.store.kind,
    });
  }
  logger.info(`Eka MCP server listening on ${url}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        httpServer.closeIdleConnections();
        const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
        await Promise.race([Promise.allSettled([...inFlight]), grace]);
        await mcpHandler.close();
        httpServer.closeAllConnections();
        await stopped;
        await oauth?.store.close();
      })();
      return closing;
    },
  };
}
