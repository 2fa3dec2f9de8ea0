/**
 * The Eka API client every tool uses: `fetch` with a timeout, the token
 * source's bearer token and `client-id` header, retries with backoff for
 * idempotent calls (429 honouring Retry-After, 502, 503, network errors), one
 * invalidate-and-retry on 401, and Eka's failures mapped to `EkaApiError` /
 * `EkaAuthError` codes with messages a clinician can act on.
 */
import { EkaApiError, EkaAuthError } from '../errors';
import type { Logger } from '../logging';
import {
  type CallInput,
  type CallOutput,
  ContractViolation,
  checkPart,
  type EkaEndpoint,
  fillPath,
  type HttpMethod,
  isIdempotent,
} from './api/endpoint';
import type { CallScope, TokenSource } from './token-source';
import {
  fetchUpstream,
  nodeUpstream,
  type Upstream,
  type UpstreamReply,
  UpstreamReplyError,
  UpstreamTimeout,
} from './upstream';

let processUpstream: Upstream | undefined;
/** One set of keep-alive connections per process, shared by every client. */
function sharedUpstream(): Upstream {
  processUpstream ??= nodeUpstream();
  return processUpstream;
}

export type { HttpMethod } from './api/endpoint';

export interface EkaRequest {
  method: HttpMethod;
  /** Path under the API base, starting with `/`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to repeat; defaults to true for GET, PUT and DELETE. */
  idempotent?: boolean;
  /** Message for a 404, e.g. "No patient with that id". */
  notFoundMessage?: string;
  /** Cancels the call (the MCP client gave up). */
  signal?: AbortSignal;
  /** The tool call this is made for (passed on to the token source). */
  scope?: CallScope;
  /** The token source of this call. */
  tokenSource: TokenSource;
}

export interface EkaClientOptions {
  baseUrl: string;
  tokenSource: TokenSource;
  logger: Logger;
  /** The network stack for Eka calls (tests); Node's HTTP client with keep-alive by default. */
  fetch?: typeof fetch;
  timeoutMs: number;
  maxRetries: number;
  retryBaseMs: number;
  maxRetryWaitMs: number;
}

interface Attempt {
  reply: UpstreamReply;
  text: string;
  bytes: Buffer;
}

const RETRYABLE_STATUS = new Set([429, 502, 503]);

/** Parses a Retry-After header (seconds or an HTTP date) into seconds. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Eka's own explanation from an error body, shortened, when it has one. */
function upstreamMessage(text: string): string | undefined {
  if (!text) return undefined;
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const candidate = body.message ?? body.error_description ?? body.detail ?? body.error;
    if (typeof candidate === 'string' && candidate.trim()) return candidate.trim().slice(0, 300);
    if (candidate && typeof candidate === 'object') {
      const nested = (candidate as Record<string, unknown>).message;
      if (typeof nested === 'string' && nested.trim()) return nested.trim().slice(0, 300);
    }
  } catch {
    // Not JSON: no message worth repeating.
  }
  return undefined;
}

function authMessage(kind: TokenSource['kind']): EkaAuthError {
  switch (kind) {
    case 'open':
      return new EkaAuthError(
        'auth_required',
        'Eka needs a signed-in account for this, but this server runs in open mode without sign-in: open Eka MCP and sign in with Eka, or configure client credentials.',
      );
    case 'client-credentials':
      return new EkaAuthError(
        'token_rejected',
        'Eka rejected the access token issued for these client credentials: check that the client is enabled for this API, then try again.',
      );
    case 'caller':
      return new EkaAuthError(
        'token_rejected',
        'Your Eka token was rejected: sign in again in your MCP client.',
      );
    default:
      return new EkaAuthError(
        'session_expired',
        'Your Eka session has expired: open Eka MCP and sign in again.',
      );
  }
}

/** Whether sending `req` twice does no more than sending it once. */
function idempotentRequest(req: EkaRequest): boolean {
  return req.idempotent ?? (req.method === 'GET' || req.method === 'PUT' || req.method === 'DELETE');
}

/** Talks to the Eka API with retries, timeouts and mapped errors. */
export class EkaClient {
  readonly #options: EkaClientOptions;
  readonly #upstream: Upstream;
  readonly #base: string;

  constructor(options: EkaClientOptions) {
    this.#options = options;
    this.#upstream = options.fetch ? fetchUpstream(options.fetch) : sharedUpstream();
    this.#base = options.baseUrl.replace(/\/+$/, '');
  }

  /** The full URL for a path and query. */
  url(path: string, query?: EkaRequest['query']): string {
    let search = '';
    if (query) {
      const params = new URLSearchParams();
      for (const key in query) {
        const value = query[key];
        if (value !== undefined) params.set(key, String(value));
      }
      search = params.size > 0 ? `?${params}` : '';
    }
    return `${this.#base}${path}${search}`;
  }

  /**
   * Calls one described Eka endpoint: checks the path parameters, query,
   * per-call headers and body against the description (a mismatch is a
   * `ContractViolation`, never sent), then parses the reply with the
   * description's response schema (or returns the bytes of a binary reply).
   */
  async call<E extends EkaEndpoint>(endpoint: E, input: CallInput<E>): Promise<CallOutput<E>> {
    const params = checkPart(endpoint, 'params', endpoint.params, input.params) as
      | Record<string, unknown>
      | undefined;
    const query = checkPart(endpoint, 'query', endpoint.query, input.query) as EkaRequest['query'];
    const headers = checkPart(endpoint, 'headers', endpoint.callHeaders, input.headers) as
      | Record<string, string>
      | undefined;
    const body = checkPart(endpoint, 'body', endpoint.body, input.body);
    const { text, bytes } = await this.#send({
      method: endpoint.method,
      path: fillPath(endpoint, params),
      query,
      body,
      headers: { ...headers, ...(endpoint.binary ? { accept: endpoint.binary.contentType } : {}) },
      idempotent: isIdempotent(endpoint),
      notFoundMessage: input.notFoundMessage,
      signal: input.scope?.signal ?? input.signal,
      scope: input.scope,
      tokenSource: input.scope?.tokenSource ?? this.#options.tokenSource,
    });
    if (endpoint.binary) return new Uint8Array(bytes) as CallOutput<E>;
    if (!endpoint.response) return undefined as CallOutput<E>;
    let json: unknown;
    try {
      json = text.trim() ? JSON.parse(text) : {};
    } catch (error) {
      throw new EkaApiError(
        'malformed_response',
        'Eka sent a reply that could not be read: try again in a moment, and contact Eka support if it keeps happening.',
        { cause: error },
      );
    }
    const parsed = endpoint.response.safeParse(json);
    if (!parsed.success) {
      throw new EkaApiError(
        'malformed_response',
        'Eka sent a reply in a shape Eka MCP does not know: try again, and report it if it keeps happening.',
        { cause: new ContractViolation(endpoint.id, 'response', parsed.error.message.slice(0, 500)) },
      );
    }
    return parsed.data as CallOutput<E>;
  }

  async #send(req: EkaRequest): Promise<Attempt> {
    const { logger, maxRetries, maxRetryWaitMs } = this.#options;
    const { tokenSource, scope } = req;
    const idempotent = idempotentRequest(req);
    let token = await tokenSource.getAccessToken(scope);
    let refreshed = false;
    let attempt = 0;
    for (;;) {
      let result: Attempt;
      try {
        result = await this.#once(req, token);
      } catch (error) {
        if (
          error instanceof EkaApiError &&
          error.code === 'network_error' &&
          idempotent &&
          attempt < maxRetries
        ) {
          const wait = this.#backoff(attempt);
          logger.debug('Eka unreachable; retrying', { path: req.path, attempt: attempt + 1, waitMs: wait });
          attempt += 1;
          await sleep(wait, req.signal);
          continue;
        }
        throw error;
      }
      const { reply: response } = result;
      logger.debug('Eka call', { method: req.method, path: req.path, status: response.status });
      if (response.ok) return result;

      if (response.status === 401) {
        if (token && !refreshed) {
          refreshed = true;
          await tokenSource.invalidate(token);
          token = await tokenSource.getAccessToken(scope);
          continue;
        }
        throw authMessage(tokenSource.kind);
      }

      if (RETRYABLE_STATUS.has(response.status)) {
        const retryAfter = parseRetryAfter(response.header('retry-after'));
        const wait = retryAfter !== undefined ? retryAfter * 1000 : this.#backoff(attempt);
        if (idempotent && attempt < maxRetries && wait <= maxRetryWaitMs) {
          logger.debug('Eka busy; retrying', {
            path: req.path,
            status: response.status,
            waitMs: Math.round(wait),
          });
          attempt += 1;
          await sleep(wait, req.signal);
          continue;
        }
        throw this.#statusError(req, response.status, result.text, retryAfter);
      }
      throw this.#statusError(req, response.status, result.text, undefined);
    }
  }

  #backoff(attempt: number): number {
    const base = this.#options.retryBaseMs * 2 ** attempt;
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  async #once(req: EkaRequest, token: string | null): Promise<Attempt> {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    const clientId = req.tokenSource.clientId();
    if (clientId) headers['client-id'] = clientId;
    let body: string | undefined;
    if (req.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.body);
    }
    try {
      const reply = await this.#upstream({
        method: req.method,
        url: this.url(req.path, req.query),
        headers,
        body,
        signal: req.signal,
        timeoutMs: this.#options.timeoutMs,
        idempotent: idempotentRequest(req),
      });
      return { reply, text: reply.bytes.toString('utf8'), bytes: reply.bytes };
    } catch (error) {
      if (error instanceof UpstreamTimeout) {
        throw new EkaApiError(
          'timeout',
          `Eka did not answer within ${Math.round(this.#options.timeoutMs / 1000)} s: try again in a moment.`,
          { cause: error },
        );
      }
      if (req.signal?.aborted) throw error;
      if (error instanceof UpstreamReplyError) {
        throw new EkaApiError(
          'malformed_response',
          'Eka sent a reply that could not be read: try again in a moment, and contact Eka support if it keeps happening.',
          { cause: error },
        );
      }
      throw new EkaApiError(
        'network_error',
        'Could not reach Eka: check the internet connection and try again.',
        {
          cause: error,
        },
      );
    }
  }

  #statusError(
    req: EkaRequest,
    status: number,
    text: string,
    retryAfter: number | undefined,
  ): EkaApiError | EkaAuthError {
    const detail = upstreamMessage(text);
    const suffix = detail ? ` Eka said: "${detail}"` : '';
    switch (status) {
      case 400:
      case 422:
        return new EkaApiError('bad_request', `Eka rejected the request as invalid.${suffix}`, { status });
      case 403:
        return new EkaAuthError(
          'forbidden',
          `Your Eka account is not allowed to do this: ask the clinic administrator for access.${suffix}`,
          { cause: new Error(`HTTP ${status}`) },
        );
      case 404:
        return new EkaApiError(
          'not_found',
          `${req.notFoundMessage ?? 'Eka found nothing at that id'}.${suffix}`,
          { status },
        );
      case 409:
        return new EkaApiError('conflict', `Eka reports a conflict with existing data.${suffix}`, { status });
      case 429: {
        const when = retryAfter !== undefined ? ` in about ${Math.ceil(retryAfter)} s` : ' in a moment';
        return new EkaApiError('rate_limited', `Eka is receiving too many requests: try again${when}.`, {
          status,
          retryAfterSeconds: retryAfter,
        });
      }
      case 502:
      case 503:
      case 504:
        return new EkaApiError(
          'upstream_unavailable',
          'Eka is temporarily unavailable: try again in a moment.',
          {
            status,
          },
        );
      default:
        return new EkaApiError(
          'upstream_error',
          `Eka could not complete the request (HTTP ${status}): try again, and contact Eka support if it keeps happening.`,
          { status },
        );
    }
  }
}
