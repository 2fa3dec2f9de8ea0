/**
 * One typed description per Eka endpoint the product calls, written from
 * Eka's published OpenAPI files: method, path with `{name}` parameters, the
 * allowed query, the required headers, the request body and the response.
 * The API client builds every request from a description and parses every
 * reply with it; the sandbox builds its routes from the same descriptions, so
 * a request the description does not allow is refused there as Eka would.
 *
 * Schemas are zod. Request schemas are strict (an undeclared query parameter
 * or body field is a bug on our side); response schemas are loose (Eka may
 * add fields) but use Eka's field names.
 */
import { z } from 'zod/v4';
import type { CallScope } from '../token-source';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A header an endpoint requires besides `accept` and `content-type`:
 * - `authorization`: `Authorization: Bearer <token>` (Eka's SDK; doc-tool.yaml names it `auth`);
 * - `client-id`: the Eka client id (`client-id`);
 * - `x-api-key`: the integrator's API key.
 */
export type EkaHeader = 'authorization' | 'client-id' | 'x-api-key';

/** How an endpoint's published file spells its error replies (see `EkaEndpoint.errorShape`). */
export type ErrorShape = 'error-object' | 'code-error' | 'error-string';

export interface EkaEndpoint<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  /** Stable id, `<area>.<operation>`, e.g. `patients.search`. */
  id: string;
  method: HttpMethod;
  /** Path under the API base with `{name}` parameters, as the OpenAPI file spells it. */
  path: string;
  /** Path parameters (an object schema whose keys are the `{name}`s). */
  params?: P;
  /** Allowed query parameters (strict object schema); absent: none allowed. */
  query?: Q;
  /** Headers the endpoint requires. */
  headers: readonly EkaHeader[];
  /** Request body schema; absent: no body. */
  body?: B;
  /**
   * Headers the caller passes per call besides those (a strict object schema
   * with lower-case names, e.g. ABHA's `x-pt-id`); absent: none.
   */
  callHeaders?: z.ZodType;
  /** Response schema for the success statuses; absent for an empty reply (204) or a binary one. */
  response?: R;
  /** A binary reply (e.g. `image/png`) instead of JSON: `call` returns its bytes. */
  binary?: { contentType: string };
  /**
   * The error body shape Eka's file publishes for this endpoint's 4xx/5xx:
   * - `error-object`: `{error: {code, message}}` (doc-tool.yaml, patient_directory.yml);
   * - `code-error`: `{code: <status>, error: <message>}` (registration.yml, authorization.yml);
   * - `error-string`: `{error: <message>}` (references.yaml).
   * Default `error-object`.
   */
  errorShape?: ErrorShape;
  /** Success statuses the published file lists (e.g. `[200]`, `[204]`). */
  success: readonly number[];
  /** Safe to repeat on 429/502/503 and network errors (defaults: GET, PUT, DELETE). */
  idempotent?: boolean;
  /** The published file this description comes from (relative to Eka's docs). */
  source: string;
}

/** Declares an endpoint, keeping its schema types for `EkaClient.call`. */
export function defineEndpoint<const E extends EkaEndpoint>(endpoint: E): E {
  return endpoint;
}

/** What a caller passes to `EkaClient.call` for one endpoint. */
export type CallInput<E extends EkaEndpoint> = (E extends { params: infer P extends z.ZodType }
  ? { params: z.input<P> }
  : { params?: undefined }) &
  (E extends { query: infer Q extends z.ZodType } ? { query?: z.input<Q> } : { query?: undefined }) &
  (E extends { body: infer B extends z.ZodType } ? { body: z.input<B> } : { body?: undefined }) &
  (E extends { callHeaders: infer H extends z.ZodType }
    ? { headers: z.input<H> }
    : { headers?: undefined }) & {
    /** Message for a 404, e.g. "No patient with that id". */
    notFoundMessage?: string;
    /** The tool call this is made for: its cancellation and, in HTTP mode, the caller's token source. */
    scope?: CallScope;
    /** Cancels the call (outside a tool call; a scope's own signal wins). */
    signal?: AbortSignal;
  };

/** The parsed success reply of an endpoint (`undefined` for an empty reply, bytes for a binary one). */
export type CallOutput<E extends EkaEndpoint> = E extends { response: infer R extends z.ZodType }
  ? z.output<R>
  : E extends { binary: { contentType: string } }
    ? Uint8Array
    : undefined;

/** Why a request breaks its description (a bug on our side, or a hostile client at the sandbox). */
export class ContractViolation extends Error {
  readonly endpoint: string;
  readonly part: 'params' | 'query' | 'body' | 'headers' | 'response';
  /** The first problem, without the endpoint prefix (for an error reply). */
  readonly detail: string;

  constructor(endpoint: string, part: ContractViolation['part'], detail: string) {
    super(`${endpoint}: ${part} does not match Eka's published contract: ${detail}`);
    this.name = 'ContractViolation';
    this.endpoint = endpoint;
    this.part = part;
    this.detail = detail;
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Checks one part of a request (or a reply) against its schema, returning the parsed value. */
export function checkPart<T extends z.ZodType>(
  endpoint: EkaEndpoint,
  part: ContractViolation['part'],
  schema: T | undefined,
  value: unknown,
): z.output<T> | undefined {
  if (!schema) {
    const empty =
      value === undefined ||
      (part === 'query' && value && typeof value === 'object' && Object.keys(value).length === 0);
    if (!empty) throw new ContractViolation(endpoint.id, part, `${endpoint.id} takes no ${part}`);
    return undefined;
  }
  const parsed = schema.safeParse(value ?? (part === 'query' ? {} : value));
  if (!parsed.success) throw new ContractViolation(endpoint.id, part, describeIssues(parsed.error));
  return parsed.data;
}

/** The `{name}` parameter names of a path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
}

/** Fills a path's `{name}` parameters, percent-encoding each value. */
export function fillPath(endpoint: EkaEndpoint, params: Record<string, unknown> | undefined): string {
  return endpoint.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') {
      throw new ContractViolation(endpoint.id, 'params', `missing path parameter "${name}"`);
    }
    // "." and ".." would name another path once a URL is resolved: never an Eka id.
    if (/^\.+$/.test(String(value))) {
      throw new ContractViolation(endpoint.id, 'params', `path parameter "${name}" is only dots`);
    }
    return encodeURIComponent(String(value));
  });
}

/** Whether an endpoint is safe to repeat. */
export function isIdempotent(endpoint: EkaEndpoint): boolean {
  return (
    endpoint.idempotent ??
    (endpoint.method === 'GET' || endpoint.method === 'PUT' || endpoint.method === 'DELETE')
  );
}

/**
 * Eka's published error body (`OpenapiGenericError` in authorization.yml:
 * `{code, error}`); other files add `message`. Parsed loosely.
 */
export const EkaErrorBody = z
  .object({
    code: z.union([z.number(), z.string()]).optional(),
    error: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    message: z.string().optional(),
  })
  .loose();

/** Eka's error body for an endpoint, in the shape its published file uses. */
export function ekaErrorBody(
  endpoint: Pick<EkaEndpoint, 'errorShape'>,
  status: number,
  code: string,
  message: string,
): Record<string, unknown> {
  switch (endpoint.errorShape ?? 'error-object') {
    case 'error-object':
      return { error: { code, message } };
    case 'code-error':
      return { code: status, error: message, source_error: { code, message } };
    case 'error-string':
      return { error: message };
  }
}

/** A query integer: a number from the client, digits from a URL (both checked alike). */
export function queryInt(check: (n: z.ZodNumber) => z.ZodNumber = (n) => n) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value),
    check(z.number().int()),
  );
}

/** A query boolean: `true`/`false` from the client or as text in a URL. */
export function queryBool() {
  return z.preprocess((value) => (value === 'true' ? true : value === 'false' ? false : value), z.boolean());
}

/** Every query value of a URL as an object (the last value of a repeated name). */
export function queryObject(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of params) out[key] = value;
  return out;
}
