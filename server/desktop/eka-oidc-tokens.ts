/**
 * Eka's OIDC token APIs (authorization.yml, "Auth (OIDC Token APIs)"): the
 * provider's ID token becomes Eka API tokens at
 * `POST /connect-auth/v1/oidc-client/{client_id}/verify`, and they are renewed
 * at `POST /connect-auth/v1/oidc-client/{client_id}/refresh`. Both calls are
 * built from their descriptions in server/eka/api/auth.ts.
 */
import { oidcRefresh, oidcVerify } from '../eka/api/auth';
import { jwtExpiryMs } from '../eka/jwt-expiry';
import { callTokenEndpoint } from '../eka/token-sources/token-call';

/** Seconds for each call to Eka's token APIs. */
export const TOKEN_CALL_TIMEOUT_MS = 15_000;

/** Eka API tokens with their expiries as epoch milliseconds. */
export interface EkaTokens {
  accessToken: string;
  refreshToken: string | undefined;
  expiresAt: number;
  refreshExpiresAt: number | undefined;
}

export interface EkaTokenCallOptions {
  apiBaseUrl: string;
  /** The OIDC client the ID token was issued to (the path's `{client_id}`). */
  clientId: string;
  fetch?: typeof fetch;
  now?: () => number;
}

function toTokens(
  reply: {
    access_token: string;
    refresh_token?: string;
    expires_in?: number;
    refresh_token_expires_in?: number;
  },
  at: number,
): EkaTokens {
  const expiresAt =
    reply.expires_in !== undefined
      ? at + reply.expires_in * 1000
      : (jwtExpiryMs(reply.access_token) ?? at + 300_000);
  return {
    accessToken: reply.access_token,
    refreshToken: reply.refresh_token || undefined,
    expiresAt,
    refreshExpiresAt:
      reply.refresh_token_expires_in !== undefined ? at + reply.refresh_token_expires_in * 1000 : undefined,
  };
}

/** Exchanges the provider's ID token for Eka API tokens (`/verify`). Throws `TokenCallError`. */
export async function exchangeIdToken(options: EkaTokenCallOptions, idToken: string): Promise<EkaTokens> {
  const at = (options.now ?? Date.now)();
  const reply = await callTokenEndpoint(oidcVerify, {
    apiBaseUrl: options.apiBaseUrl,
    params: { client_id: options.clientId },
    body: { id_token: idToken },
    timeoutMs: TOKEN_CALL_TIMEOUT_MS,
    fetch: options.fetch,
  });
  return toTokens(reply, at);
}

/**
 * Renews Eka API tokens (`/refresh`). The refresh token rotates: the caller
 * must store the new pair before anything else can spend the old one.
 * Throws `TokenCallError`.
 */
export async function refreshEkaTokens(
  options: EkaTokenCallOptions,
  tokens: { accessToken: string; refreshToken: string },
): Promise<EkaTokens> {
  const at = (options.now ?? Date.now)();
  const reply = await callTokenEndpoint(oidcRefresh, {
    apiBaseUrl: options.apiBaseUrl,
    params: { client_id: options.clientId },
    body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
    timeoutMs: TOKEN_CALL_TIMEOUT_MS,
    fetch: options.fetch,
  });
  const next = toTokens(reply, at);
  // An answer without a new refresh token keeps the current one.
  return { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken };
}
