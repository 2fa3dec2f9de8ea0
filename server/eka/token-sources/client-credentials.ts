/**
 * Client-credentials mode: the integrator's client id and secret (plus API key
 * when Eka issued one) are exchanged for an access token at the first call
 * that needs one, refreshed shortly before expiry, and exchanged again when
 * refresh fails. Concurrent callers share a single token request.
 *
 * Two token endpoints exist in Eka's documentation; `tokenFlow` picks one:
 * - `connect-auth`: POST /connect-auth/v1/account/login, refreshed with
 *   POST /connect-auth/v1/account/refresh-token;
 * - `api-token`: POST /api/v1/auth/token with X-API-KEY (no refresh token:
 *   a new exchange each time).
 */
import type { TokenFlow } from '../../config/server-config';
import { EkaApiError, EkaAuthError } from '../../errors';
import type { Logger } from '../../logging';
import { jwtExpiryMs } from '../jwt-expiry';
import type { TokenSource } from '../token-source';

export interface ClientCredentialsOptions {
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  apiKey?: string;
  tokenFlow: TokenFlow;
  /** Refresh this many seconds before expiry (capped at a fifth of the token's lifetime). */
  refreshMarginSeconds: number;
  requestTimeoutMs: number;
  logger: Logger;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds (tests of pure logic only). */
  now?: () => number;
}

interface TokenState {
  accessToken: string;
  /** When to stop using the access token (expiry minus margin), epoch ms. */
  useUntil: number;
  refreshToken: string | undefined;
  /** When the refresh token stops working, epoch ms (Infinity when unknown). */
  refreshUntil: number;
}

interface TokenReply {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  refresh_expires_in?: unknown;
}

/** Creates the client-credentials token source (single flight, proactive refresh, re-login on failure). */
export function createClientCredentialsTokenSource(options: ClientCredentialsOptions): TokenSource {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const base = options.apiBaseUrl.replace(/\/+$/, '');
  const log = options.logger;
  let state: TokenState | undefined;
  let inflight: Promise<string> | undefined;

  async function post(path: string, body: unknown, headers: Record<string, string>): Promise<TokenReply> {
    let response: Response;
    try {
      response = await doFetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new EkaApiError(
        timedOut ? 'timeout' : 'network_error',
        timedOut
          ? 'Eka did not answer the sign-in request in time: try again in a moment.'
          : 'Could not reach Eka to sign in: check the internet connection and try again.',
        { cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new EkaAuthError(
        'invalid_credentials',
        'Eka refused the client credentials: check EKA_CLIENT_ID, EKA_CLIENT_SECRET and EKA_API_KEY (or run eka-mcp credentials set).',
        { cause: new Error(`token endpoint answered ${response.status}`) },
      );
    }
    if (!response.ok) {
      throw new EkaApiError(
        response.status === 429 ? 'rate_limited' : 'upstream_unavailable',
        'Eka could not issue an access token right now: try again in a moment.',
        { status: response.status },
      );
    }
    let reply: TokenReply;
    try {
      reply = JSON.parse(text) as TokenReply;
    } catch (error) {
      throw new EkaApiError(
        'malformed_response',
        'Eka sent an unreadable sign-in reply: try again in a moment.',
        {
          cause: error,
        },
      );
    }
    if (
      typeof reply !== 'object' ||
      reply === null ||
      typeof reply.access_token !== 'string' ||
      !reply.access_token
    ) {
      throw new EkaApiError(
        'malformed_response',
        'Eka sent a sign-in reply without an access token: try again in a moment.',
      );
    }
    return reply;
  }

  function toState(reply: TokenReply): TokenState {
    const accessToken = reply.access_token as string;
    const issued = now();
    const expiresIn = typeof reply.expires_in === 'number' ? reply.expires_in * 1000 : undefined;
    const expiry =
      (expiresIn !== undefined ? issued + expiresIn : undefined) ??
      jwtExpiryMs(accessToken) ??
      issued + 30 * 60_000;
    const lifetime = Math.max(0, expiry - issued);
    const margin = Math.min(options.refreshMarginSeconds * 1000, lifetime / 5);
    const refreshExpiresIn =
      typeof reply.refresh_expires_in === 'number'
        ? issued + reply.refresh_expires_in * 1000
        : Number.POSITIVE_INFINITY;
    return {
      accessToken,
      useUntil: expiry - margin,
      refreshToken:
        typeof reply.refresh_token === 'string' && reply.refresh_token ? reply.refresh_token : undefined,
      refreshUntil: refreshExpiresIn,
    };
  }

  async function login(): Promise<TokenState> {
    if (options.tokenFlow === 'api-token') {
      const headers: Record<string, string> = {};
      if (options.apiKey) headers['x-api-key'] = options.apiKey;
      const reply = await post(
        '/api/v1/auth/token',
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          grant_type: 'client_credentials',
        },
        headers,
      );
      log.info('Signed in to Eka with client credentials', { flow: 'api-token' });
      return toState(reply);
    }
    const body: Record<string, string> = { client_id: options.clientId, client_secret: options.clientSecret };
    if (options.apiKey) body.api_key = options.apiKey;
    const reply = await post('/connect-auth/v1/account/login', body, {});
    log.info('Signed in to Eka with client credentials', { flow: 'connect-auth' });
    return toState(reply);
  }

  async function refresh(current: TokenState): Promise<TokenState> {
    const reply = await post(
      '/connect-auth/v1/account/refresh-token',
      { access_token: current.accessToken, refresh_token: current.refreshToken },
      { authorization: `Bearer ${current.accessToken}`, 'client-id': options.clientId },
    );
    log.debug('Refreshed the Eka access token');
    return toState(reply);
  }

  async function renew(): Promise<string> {
    const current = state;
    if (current?.refreshToken && options.tokenFlow === 'connect-auth' && now() < current.refreshUntil) {
      try {
        state = await refresh(current);
        return state.accessToken;
      } catch (error) {
        log.warn('Refreshing the Eka access token failed; signing in again', { error });
      }
    }
    state = undefined;
    state = await login();
    return state.accessToken;
  }

  return {
    kind: 'client-credentials',
    clientId: () => options.clientId,
    async getAccessToken() {
      if (state && now() < state.useUntil) return state.accessToken;
      if (!inflight) {
        inflight = renew().finally(() => {
          inflight = undefined;
        });
      }
      return inflight;
    },
    async invalidate(rejected: string) {
      if (state?.accessToken === rejected) {
        state = { ...state, useUntil: 0 };
      }
    },
  };
}
