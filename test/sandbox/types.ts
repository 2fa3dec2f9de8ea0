/**
 * The public shape of the Eka sandbox: what `npm run sandbox -- --json` prints
 * and what `startSandbox()` returns to tests.
 */
export interface SandboxInfo {
  /** OpenID provider issuer, e.g. http://127.0.0.1:7780 */
  issuer: string;
  /** Eka API base URL, e.g. http://127.0.0.1:7781 */
  apiBaseUrl: string;
  clinician: { username: string; password: string; name: string; email: string };
  clients: {
    /** Public native client for "Sign in with Eka" (PKCE, loopback redirect). */
    desktop: { client_id: string };
    /** Confidential client used by the HTTP mode's OAuth proxy. */
    server: { client_id: string; client_secret: string };
    /** Client-credentials integrator. */
    integrator: { client_id: string; client_secret: string; api_key: string };
  };
}

export interface SandboxOptions {
  /** Port of the OpenID provider; 0 picks a free one. Default 7780. */
  issuerPort?: number;
  /** Port of the Eka API; 0 picks a free one. Default 7781. */
  apiPort?: number;
  /** Lifetimes in seconds (tests use seconds-long ones). Defaults: access 3600, refresh 14 days, ID 3600. */
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  idTokenTtl?: number;
  /** Lifetime of client-credentials access tokens of the API (seconds). Default 1800. */
  clientCredentialsTtl?: number;
  /** Extra redirect URIs allowed for the `server` client (HTTP-mode OAuth proxy callbacks). */
  serverRedirectUris?: string[];
  /**
   * The API also accepts the desktop client's provider access tokens as they
   * are (a provider whose tokens Eka's API takes directly: the desktop's
   * `direct` token use). When false, a desktop sign-in must exchange its ID
   * token at the OIDC token APIs for Eka API tokens. The server client's
   * provider tokens (HTTP mode's OAuth proxy) are always accepted. Default false.
   */
  acceptProviderTokens?: boolean;
  /**
   * The scopes the provider supports (`scopes_supported` in discovery);
   * `openid` is required. Default `openid profile email offline_access`;
   * without `offline_access` the provider issues no refresh tokens.
   */
  scopesSupported?: string[];
}

export type FaultKind =
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: 401 | 429 | 500 | 502 | 503; retryAfter?: number }
  | { kind: 'malformed' }
  | { kind: 'hang' };

export interface FaultRule {
  /** HTTP method, or '*' for any. */
  method: string;
  /** Path of the Eka API (prefix match, no query), e.g. /profiles/v1/patient/search */
  path: string;
  fault: FaultKind;
  /** How many requests it applies to; unlimited when absent. */
  times?: number;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  /** Whether an Authorization header was present. */
  auth: boolean;
  /** First 16 hex digits of the SHA-256 of the bearer token, when one was sent (never the token). */
  tokenFingerprint?: string;
  /** What the API took the bearer token for, on routes that check it and accepted it. */
  tokenKind?: 'eka-oidc' | 'client-credentials' | 'provider';
  /** The `client-id` header, when sent (a client id is no secret). */
  clientId?: string;
  status: number;
  time: number;
}

/** Counters of the OpenID provider's token endpoint. */
export interface OidcStats {
  /** Token endpoint requests, successful or not. */
  tokenRequests: number;
  /** Successful refresh_token grants. */
  refreshes: number;
  /** A rotated (already used) refresh token presented again; refused with invalid_grant. */
  refreshTokenReuse: number;
  /** Token endpoint requests refused (any grant error). */
  grantErrors: number;
  /** Authorization requests refused (bad client, redirect URI, PKCE, denied consent). */
  authorizationErrors: number;
}

/** Counters of the API's client-credentials tokens. */
export interface ClientTokenStats {
  logins: number;
  refreshes: number;
  /** A used client-credentials refresh token presented again. */
  refreshTokenReuse: number;
  /** API requests refused for a missing, forged, expired or revoked token. */
  rejected: number;
}

/** Counters of the OIDC token APIs (`/connect-auth/v1/oidc-client/{client_id}/verify` and `/refresh`). */
export interface OidcExchangeStats {
  /** ID tokens exchanged for Eka API tokens. */
  verifies: number;
  /** ID tokens refused (signature, issuer, audience, expiry or unknown client). */
  verifyRejected: number;
  /** Successful refreshes. */
  refreshes: number;
  /** A rotated (already used) refresh token presented again; refused. */
  refreshTokenReuse: number;
}

export interface Sandbox extends SandboxInfo {
  faults: {
    add(rule: FaultRule): void;
    clear(): void;
    list(): FaultRule[];
  };
  oidc: {
    stats(): OidcStats;
  };
  tokens: {
    /** Revokes an access token (OP-issued JWT or opaque, or client credentials); the API then answers 401. */
    revokeAccessToken(token: string): Promise<boolean>;
    stats(): ClientTokenStats;
    /** Counters of the OIDC token APIs. */
    oidcStats(): OidcExchangeStats;
  };
  requests: {
    list(): RequestLogEntry[];
    clear(): void;
  };
  stop(): Promise<void>;
}
