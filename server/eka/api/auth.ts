/**
 * Eka's authorization endpoints, from `api-reference/authorization/authorization.yml`:
 * the client-credential login and its refresh, and the OIDC token APIs that
 * turn a provider's ID token into Eka API tokens and renew them.
 */
import { z } from 'zod/v4';
import { defineEndpoint } from './endpoint';

const SOURCE = 'api-reference/authorization/authorization.yml';

/** `AccountConnectLoginResponse` / `AccountConnectRefreshResponse`. */
export const ConnectTokenReply = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().optional(),
    /** Access token expiry in seconds. */
    expires_in: z.number().int().optional(),
    /** Refresh token expiry in seconds. */
    refresh_expires_in: z.number().int().optional(),
  })
  .loose();

/** `OidcVerifyPhrResponse` (the reply of both OIDC token APIs). */
export const OidcTokenReply = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().optional(),
    expires_in: z.number().int().optional(),
    refresh_token_expires_in: z.number().int().optional(),
    redirect_url: z.string().optional(),
  })
  .loose();

/** `POST /connect-auth/v1/account/login`: client id and secret (plus workspace key) for tokens. */
export const accountLogin = defineEndpoint({
  id: 'auth.accountLogin',
  method: 'POST',
  path: '/connect-auth/v1/account/login',
  headers: [],
  body: z
    .object({
      client_id: z.string().min(1),
      client_secret: z.string().min(1),
      /** "Optional, key for accessing another workspace" (the published name of the API key). */
      sharing_key: z.string().min(1).optional(),
      /** The same key under the name Eka's own SDK sends (`eka_mcp_sdk/auth/manager.py`). */
      api_key: z.string().min(1).optional(),
    })
    .strict(),
  response: ConnectTokenReply,
  success: [200],
  idempotent: false,
  source: SOURCE,
});

/** `POST /connect-auth/v1/account/refresh-token`: renews a client-credential login. */
export const accountRefreshToken = defineEndpoint({
  id: 'auth.accountRefreshToken',
  method: 'POST',
  path: '/connect-auth/v1/account/refresh-token',
  headers: ['authorization', 'client-id'],
  body: z.object({ access_token: z.string().optional(), refresh_token: z.string().min(1) }).strict(),
  response: ConnectTokenReply,
  success: [200],
  idempotent: false,
  source: SOURCE,
});

/** `POST /connect-auth/v1/oidc-client/{client_id}/verify`: an ID token for Eka API tokens. */
export const oidcVerify = defineEndpoint({
  id: 'auth.oidcVerify',
  method: 'POST',
  path: '/connect-auth/v1/oidc-client/{client_id}/verify',
  params: z.object({ client_id: z.string().min(1) }).strict(),
  headers: [],
  body: z.object({ id_token: z.string().min(1) }).strict(),
  response: OidcTokenReply,
  success: [200],
  idempotent: false,
  source: SOURCE,
});

/** `POST /connect-auth/v1/oidc-client/{client_id}/refresh`: renews the Eka API tokens. */
export const oidcRefresh = defineEndpoint({
  id: 'auth.oidcRefresh',
  method: 'POST',
  path: '/connect-auth/v1/oidc-client/{client_id}/refresh',
  params: z.object({ client_id: z.string().min(1) }).strict(),
  headers: [],
  body: z.object({ access_token: z.string().optional(), refresh_token: z.string().min(1) }).strict(),
  response: OidcTokenReply,
  success: [200],
  idempotent: false,
  source: SOURCE,
});

/** Every authorization endpoint the product calls. */
export const authEndpoints = [accountLogin, accountRefreshToken, oidcVerify, oidcRefresh] as const;
