/**
 * How the API client puts one request on the wire. By default Node's own
 * HTTP client with a keep-alive agent per scheme: Eka calls are small JSON
 * exchanges, and `fetch` costs about as much CPU again per call in objects,
 * streams and header checks as the exchange itself (the HTTP benchmark
 * measures both). A `fetch` given to the client (tests, a custom network
 * stack) is used instead, through the same interface.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';

/** How long a kept-alive connection to Eka may sit idle. */
const IDLE_SOCKET_MS = 4_000;

/** A path Node can send as it is: printable ASCII, no space. */
const PLAIN_PATH = /^\/[\x21-\x7e]*$/;

/** One request to Eka. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The caller's cancellation: the exchange rejects with the signal's reason. */
  signal?: AbortSignal;
  /** The exchange rejects with `UpstreamTimeout` when Eka has not answered in full by then. */
  timeoutMs: number;
  /**
   * Whether sending it twice does no more than once. Only such a request is
   * sent again when a kept-alive connection fails before any answer: Eka may
   * have read a write before the connection failed.
   */
  idempotent?: boolean;
}

/** Eka's answer, read to the end. */
export interface UpstreamReply {
  status: number;
  ok: boolean;
  /** A response header (lower-case name), `null` when absent. */
  header(name: string): string | null;
  bytes: Buffer;
}

export type Upstream = (request: UpstreamRequest) => Promise<UpstreamReply>;

/** The largest reply read from Eka (an ABHA card image is the largest Eka sends, well under this). */
export const MAX_REPLY_BYTES = 32 * 1024 * 1024;

/** A reply larger than `MAX_REPLY_BYTES`, or one that could not be decoded. */
export class UpstreamReplyError extends Error {}

/** Eka did not answer in full within the request's time limit. */
export class UpstreamTimeout extends Error {}

type Decoder = (bytes: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;
const decoders: Record<string, Decoder> = {
  gzip: promisify(gunzip) as Decoder,
  'x-gzip': promisify(gunzip) as Decoder,
  deflate: promisify(inflate) as Decoder,
  br: promisify(brotliDecompress) as Decoder,
};

/** The upstream over `fetch` (tests inject one). */
export function fetchUpstream(fetchImpl: typeof fetch): Upstream {
  return async (request) => {
    // One controller for both the timeout and the caller's cancellation (cheaper than AbortSignal.any).
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new UpstreamTimeout('Eka did not answer in time'));
    }, request.timeoutMs);
    const { signal } = request;
    const onCancel = () => controller.abort(signal?.reason);
    if (signal?.aborted) onCancel();
    else signal?.addEventListener('abort', onCancel, { once: true });
    try {
      const response = await fetchImpl(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: controller.signal,
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      return {
        status: response.status,
        ok: response.ok,
        header: (name) => response.headers.get(name),
        bytes,
      };
    } catch (error) {
      if (timedOut) throw new UpstreamTimeout('Eka did not answer in time', { cause: error });
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCancel);
    }
  };
}

/**
 * The upstream over Node's HTTP client: keep-alive connections (at most
 * `maxSockets` per host), compressed replies decoded, replies capped at
 * `maxReplyBytes` (`MAX_REPLY_BYTES` by default), compressed or not; an
 * idle connection closed after `idleSocketMs` (4 s by default).
 */
export function nodeUpstream(
  options: { maxSockets?: number; maxReplyBytes?: number; idleSocketMs?: number } = {},
): Upstream {
  const maxReply = options.maxReplyBytes ?? MAX_REPLY_BYTES;
  // An idle connection is closed after 4 s (sooner when Eka's Keep-Alive header says so), before
  // the usual 5 s of a server's own idle limit, so a write seldom meets a connection Eka just closed.
  const agentOptions = {
    keepAlive: true,
    keepAliveMsecs: 1_000,
    maxSockets: options.maxSockets ?? 64,
    timeout: options.idleSocketMs ?? IDLE_SOCKET_MS,
  };
  const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };
  // Where each origin is, parsed once: Node would otherwise parse the whole URL on every request.
  const origins = new Map<string, ReturnType<typeof urlToHttpOptions>>();
  const target = (url: string): string | ReturnType<typeof urlToHttpOptions> => {
    const start = url.indexOf('/', url.indexOf('//') + 2);
    const path = start === -1 ? '/' : url.slice(start);
    // Anything but plain printable ASCII in the path goes through the URL parser, which escapes it.
    if (!PLAIN_PATH.test(path)) return url;
    const origin = start === -1 ? url : url.slice(0, start);
    let parsed = origins.get(origin);
    if (!parsed) {
      parsed = urlToHttpOptions(new URL(origin));
      if (origins.size >= 64) origins.clear();
      origins.set(origin, parsed);
    }
    return { ...parsed, path };
  };
  const exchange = (request: UpstreamRequest, retried: boolean) =>
    new Promise<UpstreamReply>((resolve, reject) => {
      const secure = request.url.startsWith('https:');
      const send = secure ? httpsRequest : httpRequest;
      const headers: Record<string, string> = { 'accept-encoding': 'gzip, deflate, br', ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const { signal } = request;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let settled = false;
      let responded = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outgoing.destroy();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new UpstreamTimeout('Eka did not answer in time')),
        request.timeoutMs,
      );
      const onResponse = (response: IncomingMessage) => {
        responded = true;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxReply) {
            fail(new UpstreamReplyError(`Eka's reply is larger than ${maxReply} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('error', fail);
        response.on('aborted', () => fail(new Error('Eka closed the connection mid-reply')));
        response.on('end', () => {
          if (settled) return;
          const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
          const encoding = response.headers['content-encoding']?.trim().toLowerCase();
          const decode = encoding && encoding !== 'identity' ? decoders[encoding] : undefined;
          if (encoding && encoding !== 'identity' && !decode) {
            fail(
              new UpstreamReplyError(
                `Eka's reply has a content encoding that was not asked for (${encoding.slice(0, 40)})`,
              ),
            );
            return;
          }
          const finish = (bytes: Buffer) => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            const status = response.statusCode ?? 0;
            resolve({
              status,
              ok: status >= 200 && status < 300,
              header: (name) => {
                const value = response.headers[name];
                return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
              },
              bytes,
            });
          };
          if (!decode) {
            finish(raw);
            return;
          }
          decode(raw, { maxOutputLength: maxReply }).then(finish, () =>
            fail(new UpstreamReplyError(`Eka's reply could not be decoded (${encoding}), or is too large`)),
          );
        });
      };
      const where = target(request.url);
      const requestOptions = { method: request.method, headers, agent: secure ? agents.https : agents.http };
      const outgoing =
        typeof where === 'string'
          ? send(where, requestOptions, onResponse)
          : send({ ...where, ...requestOptions }, onResponse);
      const onAbort = () => fail(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection Eka closed while idle fails before any answer: an idempotent request
        // is sent again, once, on a new connection.
        if (
          request.idempotent &&
          !settled &&
          !responded &&
          !retried &&
          outgoing.reusedSocket &&
          error.code === 'ECONNRESET'
        ) {
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(exchange(request, true));
          return;
        }
        fail(error);
      });
      outgoing.end(request.body);
    });
  return (request) => exchange(request, false);
}
