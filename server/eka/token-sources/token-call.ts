/**
 * One call to one of Eka's authorization endpoints (server/eka/api/auth.ts):
 * the request is built from the endpoint's description (path parameters and
 * body checked, never sent when they break it) and the reply parsed with its
 * response schema. These calls carry no bearer token of the caller's, so they
 * do not go through `EkaClient` (whose 401 handling would refresh a token).
 * Failures are `TokenCallError`s that keep the HTTP status and Eka's own
 * `OpenapiGenericError` text, for the caller to decide: signed out, wrong
 * credentials or try again later.
 */
import type { z } from 'zod/v4';
import { checkPart, type EkaEndpoint, EkaErrorBody, fillPath } from '../api/endpoint';

export type TokenCallFailure = 'network' | 'timeout' | 'status' | 'malformed';

/** Why a token call failed; `status` is 0 when no HTTP answer came. */
export class TokenCallError extends Error {
  readonly failure: TokenCallFailure;
  readonly status: number;
  /** Eka's explanation (`error` of `{code, error}`), shortened, when it gave one. */
  readonly ekaError: string | undefined;

  constructor(
    failure: TokenCallFailure,
    status: number,
    message: string,
    ekaError?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TokenCallError';
    this.failure = failure;
    this.status = status;
    this.ekaError = ekaError;
  }

  /** Eka refused the credential itself (400, 401, 403): asking again with it cannot help. */
  get refused(): boolean {
    return this.failure === 'status' && (this.status === 400 || this.status === 401 || this.status === 403);
  }
}

export interface TokenCallInput {
  apiBaseUrl: string;
  params?: Record<string, string>;
  body: unknown;
  /** Header values for the endpoint's declared headers (`authorization`, `client-id`). */
  headers?: Record<string, string>;
  timeoutMs: number;
  fetch?: typeof fetch;
}

function ekaErrorText(text: string): string | undefined {
  try {
    const parsed = EkaErrorBody.safeParse(JSON.parse(text));
    if (!parsed.success) return undefined;
    const { error, message } = parsed.data;
    const candidate = typeof error === 'string' ? error : message;
    return candidate?.trim() ? candidate.trim().slice(0, 200) : undefined;
  } catch {
    return undefined;
  }
}

/** Calls an authorization endpoint described in server/eka/api/auth.ts and parses its reply. */
export async function callTokenEndpoint<E extends EkaEndpoint>(
  endpoint: E,
  input: TokenCallInput,
): Promise<z.output<NonNullable<E['response']>>> {
  const params = checkPart(endpoint, 'params', endpoint.params, input.params) as
    | Record<string, unknown>
    | undefined;
  const body = checkPart(endpoint, 'body', endpoint.body, input.body);
  for (const name of endpoint.headers) {
    if (!input.headers?.[name]) throw new TypeError(`${endpoint.id} needs the ${name} header`);
  }
  const url = `${input.apiBaseUrl.replace(/\/+$/, '')}${fillPath(endpoint, params)}`;
  let response: Response;
  try {
    response = await (input.fetch ?? fetch)(url, {
      method: endpoint.method,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...input.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(input.timeoutMs),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new TokenCallError(
      timedOut ? 'timeout' : 'network',
      0,
      timedOut ? `Eka did not answer ${endpoint.id} in time` : `Could not reach Eka for ${endpoint.id}`,
      undefined,
      { cause: error },
    );
  }
  const text = await response.text().catch(() => '');
  if (!endpoint.success.includes(response.status)) {
    const ekaError = ekaErrorText(text);
    throw new TokenCallError(
      'status',
      response.status,
      `Eka answered ${response.status} to ${endpoint.id}${ekaError ? `: ${ekaError}` : ''}`,
      ekaError,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TokenCallError(
      'malformed',
      response.status,
      `Eka sent an unreadable reply to ${endpoint.id}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  const parsed = endpoint.response?.safeParse(json);
  if (!parsed?.success) {
    throw new TokenCallError(
      'malformed',
      response.status,
      `Eka's reply to ${endpoint.id} has no access token`,
    );
  }
  return parsed.data as never;
}
