/**
 * Client-credentials mode: the integrator's client id and secret (plus API key
 * when Eka issued one) are exchanged for an access token at the first call
 * that needs one, refreshed shortly before expiry, and exchanged again when
 * refresh fails. Concurrent callers share a single token request.
 *
 * Two token endpoints exist in Eka's documentation; `tokenFlow` picks one:
 * - `connect-auth`: POST /connect-auth/v1/account/login, refreshed with
 *   POST /connect-auth/v1/account/refresh-token (authorization.yml; both
 *   built from their descriptions in server/eka/api/auth.ts);
 * - `api-token`: POST /api/v1/auth/token with X-API-KEY (no refresh token:
 *   a new exchange each time).
 */
import type { TokenFlow } from '../../config/server-config';
import { EkaApiError, EkaAuthError } from '../../errors';
import type { Logger } from '../../logging';
import { accountLogin, accountRefreshToken } from '../api/auth';
import { jwtExpiryMs } from '../jwt-expiry';
import type { TokenSource } from '../token-source';
import { callTokenEndpoint, TokenCallError } from './token-call';

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

  /** Maps a failed token call to the error a tool shows. */
  function tokenError(error: unknown): never {
    if (!(error instanceof TokenCallError)) throw error;
    if (error.failure === 'network' || error.failure === 'timeout') {
      throw new EkaApiError(
        error.failure === 'timeout' ? 'timeout' : 'network_error',
        error.failure === 'timeout'
          ? 'Eka did not answer the sign-in request in time: try again in a moment.'
          : 'Could not reach Eka to sign in: check the internet connection and try again.',
        { cause: error },
      );
    }
    if (error.refused) {
      throw new EkaAuthError(
        'invalid_credentials',
        'Eka refused the client credentials: check EKA_CLIENT_ID, EKA_CLIENT_SECRET and EKA_API_KEY (or run eka-mcp credentials set).',
        { cause: new Error(`token endpoint answered ${error.status}`) },
      );
    }
    if (error.failure === 'malformed') {
      throw new EkaApiError(
        'malformed_response',
        'Eka sent an unreadable sign-in reply, or one without an access token: try again in a moment.',
        { cause: error },
      );
    }
    throw new EkaApiError(
      error.status === 429 ? 'rate_limited' : 'upstream_unavailable',
      'Eka could not issue an access token right now: try again in a moment.',
      { status: error.status },
    );
  }

  /** The `/api/v1/auth/token` flow (X-API-KEY header; not in authorization.yml). */
  async function postApiToken(body: unknown, headers: Record<string, string>): Promise<TokenReply> {
    let response: Response;
    try {
      response = await doFetch(`${base}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.requestTimeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      return tokenError(
        new TokenCallError(timedOut ? 'timeout' : 'network', 0, 'token call failed', undefined, {
          cause: error,
        }),
      );
    }
    const text = await response.text().catch(() => '');
    if (!response.ok) return tokenError(new TokenCallError('status', response.status, 'token call refused'));
    let reply: TokenReply;
    try {
      reply = JSON.parse(text) as TokenReply;
    } catch (error) {
      return tokenError(
        new TokenCallError('malformed', response.status, 'unreadable', undefined, { cause: error }),
      );
    }
    if (
      typeof reply !== 'object' ||
      reply === null ||
      typeof reply.access_token !== 'string' ||
      !reply.access_token
    ) {
      return tokenError(new TokenCallError('malformed', response.status, 'no access token'));
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
      const reply = await postApiToken(
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
    // The workspace key under its published name (`sharing_key`, authorization.yml) and
    // under the name Eka's own SDK sends (`api_key`, eka_mcp_sdk/auth/manager.py).
    const body = {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      ...(options.apiKey ? { sharing_key: options.apiKey, api_key: options.apiKey } : {}),
    };
    const reply = await callTokenEndpoint(accountLogin, {
      apiBaseUrl: options.apiBaseUrl,
      body,
      timeoutMs: options.requestTimeoutMs,
      fetch: options.fetch,
    }).catch(tokenError);
    log.info('Signed in to Eka with client credentials', { flow: 'connect-auth' });
    return toState(reply);
  }

  async function refresh(current: TokenState): Promise<TokenState> {
    const reply = await callTokenEndpoint(accountRefreshToken, {
      apiBaseUrl: options.apiBaseUrl,
      body: { access_token: current.accessToken, refresh_token: current.refreshToken },
      headers: { authorization: `Bearer ${current.accessToken}`, 'client-id': options.clientId },
      timeoutMs: options.requestTimeoutMs,
      fetch: options.fetch,
    }).catch(tokenError);
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
