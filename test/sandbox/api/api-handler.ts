import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestLogEntry } from '../types';
import type { ApiContext } from './context';
import type { FaultTable } from './faults';
import { ApiError, bearerToken, sendError, sendJson } from './http-util';
import type { Reply, Router } from './router';

export interface ApiServerParts {
  api: ApiContext;
  router: Router;
  faults: FaultTable;
  log: RequestLogEntry[];
  /** The `/__sandbox/...` admin endpoints (no auth, no faults, not logged). */
  admin(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

const LOG_LIMIT = 10_000;

/** A non-secret fingerprint of a token for the request log: the first 16 hex digits of its SHA-256. */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

function sleep(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.on('close', done);
  });
}

function writeReply(res: ServerResponse, reply: Reply): void {
  if (reply.status === 204) {
    res.writeHead(204, { 'cache-control': 'no-store', ...reply.headers });
    res.end();
    return;
  }
  if (reply.raw) {
    res.writeHead(reply.status ?? 200, {
      'content-type': reply.raw.contentType,
      'content-length': reply.raw.body.length,
      'cache-control': 'no-store',
      ...reply.headers,
    });
    res.end(reply.raw.body);
    return;
  }
  sendJson(res, reply.status ?? 200, reply.json ?? {}, reply.headers);
}

/** Applies the faults for this request; `true` when one of them answered (or hung) instead of the route. */
async function applyFaults(parts: ApiServerParts, req: IncomingMessage, res: ServerResponse, path: string) {
  for (const fault of parts.faults.take(req.method ?? 'GET', path)) {
    switch (fault.kind) {
      case 'delay':
        await sleep(fault.ms, res);
        if (res.destroyed) return true;
        break;
      case 'status': {
        const headers: Record<string, string> =
          fault.status === 429 || fault.status === 503
            ? { 'retry-after': String(fault.retryAfter ?? 1) }
            : {};
        sendJson(
          res,
          fault.status,
          {
            error: fault.status === 401 ? 'invalid_token' : 'injected_fault',
            message: `Injected ${fault.status}.`,
          },
          headers,
        );
        return true;
      }
      case 'malformed': {
        const body = '{"data": {"truncated": [1, 2';
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': body.length,
        });
        res.end(body);
        return true;
      }
      case 'hang':
        // Never answer; stop() closes the connection.
        req.resume();
        return true;
    }
  }
  return false;
}

/** The Eka API's request handler: admin endpoints, faults, request log, auth, then the routes. */
export function createApiHandler(parts: ApiServerParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', parts.api.apiBaseUrl);
    const path = url.pathname;
    if (path.startsWith('/__sandbox/')) {
      parts.admin(req, res, url).catch((error) => {
        if (!res.headersSent) sendError(res, error);
      });
      return;
    }

    const time = Date.now();
    const method = req.method ?? 'GET';
    const auth = req.headers.authorization !== undefined;
    const presented = bearerToken(req);
    const clientIdHeader = req.headers['client-id'];
    const clientId = typeof clientIdHeader === 'string' && clientIdHeader !== '' ? clientIdHeader : undefined;
    let tokenKind: RequestLogEntry['tokenKind'];
    res.once('close', () => {
      parts.log.push({
        method,
        path,
        auth,
        ...(presented ? { tokenFingerprint: tokenFingerprint(presented) } : {}),
        ...(tokenKind ? { tokenKind } : {}),
        ...(clientId ? { clientId } : {}),
        status: res.writableFinished ? res.statusCode : 0,
        time,
      });
      if (parts.log.length > LOG_LIMIT) parts.log.splice(0, parts.log.length - LOG_LIMIT);
    });

    (async () => {
      if (await applyFaults(parts, req, res, path)) return;
      const found = parts.router.match(method, path);
      if ('error' in found) {
        throw found.error === 'not_found'
          ? new ApiError(404, 'not_found', `No endpoint at ${method} ${path}.`)
          : new ApiError(405, 'method_not_allowed', `${method} is not supported at ${path}.`);
      }
      let caller: Awaited<ReturnType<typeof parts.api.tokens.verify>>;
      if (!found.route.public) {
        const token = bearerToken(req);
        if (!token) {
          throw new ApiError(
            401,
            'unauthorized',
            'An access token is required (Authorization: Bearer ...).',
            {
              'www-authenticate': 'Bearer',
            },
          );
        }
        caller = await parts.api.tokens.verify(token);
        tokenKind = caller?.kind;
        if (!caller) {
          throw new ApiError(401, 'invalid_token', 'The access token is expired, revoked or not valid.', {
            'www-authenticate': 'Bearer error="invalid_token"',
          });
        }
      }
      const reply = await found.route.handle({ req, res, url, params: found.params, caller, api: parts.api });
      writeReply(res, reply);
    })().catch((error: unknown) => {
      if (res.headersSent || res.destroyed) return;
      if (!(error instanceof ApiError))
        console.error('[sandbox] API handler error:', (error as Error)?.message);
      sendError(res, error);
    });
  };
}
