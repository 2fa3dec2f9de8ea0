import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestLogEntry } from '../types';
import { type FaultTable, parseFaultRule } from './faults';
import { ApiError, readJson, sendError, sendJson } from './http-util';

/**
 * The admin endpoints on the API port:
 * `GET/POST/DELETE /__sandbox/faults`, `GET/DELETE /__sandbox/requests`.
 */
export function createAdminHandler(faults: FaultTable, log: RequestLogEntry[]) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    try {
      const key = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
      switch (key) {
        case 'GET /__sandbox/faults':
          sendJson(res, 200, { faults: faults.list() });
          return;
        case 'POST /__sandbox/faults': {
          const body = await readJson(req);
          const rules = (Array.isArray(body) ? body : [body]).map(parseFaultRule);
          for (const rule of rules) faults.add(rule);
          sendJson(res, 201, { faults: faults.list() });
          return;
        }
        case 'DELETE /__sandbox/faults':
          faults.clear();
          sendJson(res, 200, { faults: [] });
          return;
        case 'GET /__sandbox/requests':
          sendJson(res, 200, { requests: log });
          return;
        case 'DELETE /__sandbox/requests':
          log.length = 0;
          sendJson(res, 200, { requests: [] });
          return;
        default:
          throw new ApiError(404, 'not_found', `No admin endpoint at ${key}.`);
      }
    } catch (error) {
      sendError(res, error);
    }
  };
}
