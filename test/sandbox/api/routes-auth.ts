import { timingSafeEqual } from 'node:crypto';
import { ApiError, bearerToken, optionalString, readJsonObject, requireString } from './http-util';
import type { Reply, Route, RouteRequest } from './router';

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Answers an error of the authorization endpoints in Eka's published shape,
 * `OpenapiGenericError` `{code, error}` (authorization.yml), with the HTTP
 * status as the code.
 */
function genericErrors(handle: (request: RouteRequest) => Promise<Reply>): Route['handle'] {
  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return {
        status: error.status,
        json: { code: error.status, error: error.message },
        headers: error.headers,
      };
    }
  };
}

/** A JSON body with only the fields an endpoint declares; anything else is a 400. */
function onlyFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) {
    throw new ApiError(400, 'invalid_request', `Unknown field(s) in the request body: ${extra.join(', ')}.`);
  }
}

/** The Eka API's token endpoints (client credentials, OIDC token APIs) and the token check. */
export const authRoutes: Route[] = [
  {
    method: 'POST',
    path: '/connect-auth/v1/oidc-client/:client_id/verify',
    public: true,
    handle: genericErrors(async ({ req, api, params }) => {
      const body = await readJsonObject(req);
      onlyFields(body, ['id_token']);
      const idToken = requireString(body, 'id_token');
      return { json: await api.tokens.exchangeIdToken(params.client_id ?? '', idToken) };
    }),
  },
  {
    method: 'POST',
    path: '/connect-auth/v1/oidc-client/:client_id/refresh',
    public: true,
    handle: genericErrors(async ({ req, api, params }) => {
      const body = await readJsonObject(req);
      onlyFields(body, ['access_token', 'refresh_token']);
      const refreshToken = requireString(body, 'refresh_token');
      const accessToken = optionalString(body, 'access_token');
      return { json: await api.tokens.refreshOidc(params.client_id ?? '', refreshToken, accessToken) };
    }),
  },
  {
    method: 'POST',
    path: '/connect-auth/v1/account/login',
    public: true,
    handle: genericErrors(async ({ req, api }) => {
      const body = await readJsonObject(req);
      const clientId = requireString(body, 'client_id');
      const clientSecret = requireString(body, 'client_secret');
      // `sharing_key` is the published name of the workspace key; Eka's SDK sends it as `api_key`.
      const keys = [optionalString(body, 'sharing_key'), optionalString(body, 'api_key')];
      const { integrator } = api;
      if (!same(clientId, integrator.clientId) || !same(clientSecret, integrator.clientSecret)) {
        throw new ApiError(401, 'invalid_client', 'The client id or client secret is not correct.');
      }
      if (keys.some((key) => key !== undefined && !same(key, integrator.apiKey))) {
        throw new ApiError(401, 'invalid_api_key', 'The workspace key (sharing_key) is not correct.');
      }
      return { json: await api.tokens.issue(clientId) };
    }),
  },
  {
    method: 'POST',
    path: '/connect-auth/v1/account/refresh-token',
    public: true,
    handle: genericErrors(async ({ req, api }) => {
      const body = await readJsonObject(req);
      const refreshToken = requireString(body, 'refresh_token');
      const accessToken = optionalString(body, 'access_token') ?? bearerToken(req);
      if (!accessToken) {
        throw new ApiError(
          400,
          'invalid_request',
          'Send the access token in "access_token" or the Authorization header.',
        );
      }
      // authorization.yml lists Client-Id as a required header here.
      const header = req.headers['client-id'];
      if (typeof header !== 'string' || header === '') {
        throw new ApiError(400, 'invalid_request', 'The Client-Id header is required.');
      }
      return { json: await api.tokens.refresh(accessToken, refreshToken, header) };
    }),
  },
  {
    method: 'POST',
    path: '/api/v1/auth/token',
    public: true,
    async handle({ req, api }) {
      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || !same(key, api.integrator.apiKey)) {
        throw new ApiError(401, 'invalid_api_key', 'The X-API-KEY header is missing or not correct.');
      }
      const body = await readJsonObject(req);
      const clientId = requireString(body, 'client_id');
      const clientSecret = requireString(body, 'client_secret');
      const grantType = requireString(body, 'grant_type');
      if (grantType !== 'client_credentials') {
        throw new ApiError(400, 'unsupported_grant_type', '"grant_type" must be "client_credentials".');
      }
      if (!same(clientId, api.integrator.clientId) || !same(clientSecret, api.integrator.clientSecret)) {
        throw new ApiError(401, 'invalid_client', 'The client id or client secret is not correct.');
      }
      const pair = await api.tokens.issue(clientId);
      return { json: { ...pair, token_type: 'Bearer' } };
    },
  },
  {
    method: 'GET',
    path: '/connect-auth/v1/account/validate',
    public: true,
    async handle({ req, api }) {
      const verified = await api.tokens.verify(bearerToken(req));
      if (!verified) {
        throw new ApiError(
          401,
          'invalid_token',
          'The access token is missing, expired, revoked or not valid.',
        );
      }
      return {
        json: {
          active: true,
          sub: verified.sub,
          client_id: verified.client_id,
          exp: verified.exp,
          iss: verified.iss,
          token_type: verified.kind,
          ...(verified.aud === undefined ? {} : { aud: verified.aud }),
          ...(verified.scope === undefined ? {} : { scope: verified.scope }),
        },
      };
    },
  },
];
