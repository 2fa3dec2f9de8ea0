/**
 * Builds a sandbox route from an endpoint description in `server/eka/api/`:
 * the path, the required headers, the path parameters, the query (strict:
 * an unknown parameter is refused), the per-call headers and the body are
 * checked against the description before the handler runs, a request that
 * breaks it is answered 400 in the error shape Eka publishes for that
 * endpoint, and every reply is checked against the response schema (a reply
 * that does not match is a sandbox bug and answers 500).
 */
import type { z } from 'zod/v4';
import {
  ContractViolation,
  checkPart,
  type EkaEndpoint,
  ekaErrorBody,
  queryObject,
} from '../../../server/eka/api/endpoint';
import { ApiError, readBody } from './http-util';
import type { Reply, Route, RouteRequest } from './router';

type Out<E, K extends string> = E extends { [key in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a contract route's handler gets: the request parts, parsed by the description. */
export interface ContractRequest<E extends EkaEndpoint> extends RouteRequest {
  params: Out<E, 'params'> & Record<string, string>;
  query: Out<E, 'query'>;
  body: Out<E, 'body'>;
  callHeaders: Out<E, 'callHeaders'>;
}

/** The sandbox path of a description (`{name}` becomes `:name`). */
export function routePath(endpoint: EkaEndpoint): string {
  return endpoint.path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1');
}

function headerValues(
  req: RouteRequest['req'],
  schema: z.ZodType | undefined,
): Record<string, string> | undefined {
  if (!schema) return undefined;
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
  const out: Record<string, string> = {};
  for (const name of Object.keys(shape)) {
    const value = req.headers[name];
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

async function parseBody(endpoint: EkaEndpoint, req: RouteRequest['req']): Promise<unknown> {
  const text = await readBody(req);
  if (!endpoint.body) {
    if (text.trim() !== '') throw new ContractViolation(endpoint.id, 'body', `${endpoint.id} takes no body`);
    return undefined;
  }
  if (text.trim() === '') throw new ContractViolation(endpoint.id, 'body', 'a JSON request body is required');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ContractViolation(endpoint.id, 'body', 'the request body is not valid JSON');
  }
}

/** A route that answers `endpoint` as Eka publishes it, with `handle` for the behaviour. */
export function contractRoute<E extends EkaEndpoint>(
  endpoint: E,
  handle: (request: ContractRequest<E>) => Promise<Reply> | Reply,
): Route {
  const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    new ApiError(status, code, message, headers, ekaErrorBody(endpoint, status, code, message));
  return {
    method: endpoint.method,
    path: routePath(endpoint),
    async handle(request) {
      let reply: Reply;
      try {
        if (endpoint.headers.includes('client-id') && !request.req.headers['client-id']) {
          throw fail(400, 'missing_client_id', 'The client-id header is required.');
        }
        const params = checkPart(
          endpoint,
          'params',
          endpoint.params,
          Object.keys(request.params).length ? request.params : undefined,
        );
        const query = checkPart(endpoint, 'query', endpoint.query, queryObject(request.url.searchParams));
        const callHeaders = checkPart(
          endpoint,
          'headers',
          endpoint.callHeaders,
          headerValues(request.req, endpoint.callHeaders),
        );
        const body = checkPart(endpoint, 'body', endpoint.body, await parseBody(endpoint, request.req));
        reply = await handle({
          ...request,
          params: { ...request.params, ...(params as object) },
          query,
          body,
          callHeaders,
        } as ContractRequest<E>);
      } catch (error) {
        if (error instanceof ContractViolation) {
          throw fail(400, 'invalid_request', `${error.part}: ${error.detail}`);
        }
        if (error instanceof ApiError && error.body === undefined) {
          throw fail(error.status, error.code, error.message, error.headers);
        }
        throw error;
      }
      const status = reply.status ?? endpoint.success[0] ?? 200;
      if (endpoint.response && !reply.raw) {
        const parsed = endpoint.response.safeParse(reply.json);
        if (!parsed.success) {
          throw new Error(
            `sandbox reply of ${endpoint.id} breaks its response schema: ${parsed.error.message}`,
          );
        }
      }
      return { ...reply, status };
    },
  };
}
