/**
 * Where the server gets the Eka access token for an upstream call.
 *
 * One interface for every mode: open (no token), client credentials,
 * the desktop session kept in the OS keychain, and (HTTP mode) the caller's
 * own token. The API client asks for a token before each call and reports a
 * 401 so the source can refresh once.
 */
export type TokenSourceKind = 'open' | 'client-credentials' | 'desktop-session' | 'caller';

/**
 * What one Eka call is made for: the tool call's cancellation and, in HTTP
 * mode, the token source of the request's caller. Tool handlers pass their
 * call context (`ToolExtra`) as the scope, so a token source can also reach
 * the call itself (sign-in started from a tool call).
 */
export interface CallScope {
  /** Cancels the call (the MCP client gave up). */
  signal?: AbortSignal;
  /** Whose token the call uses; the client's own source when absent. */
  tokenSource?: TokenSource;
}

export interface TokenSource {
  readonly kind: TokenSourceKind;
  /** The client id to send as the `client-id` header, when known. */
  clientId(): string | undefined;
  /**
   * A valid access token, refreshed first when it is near expiry; `null` in
   * open mode. Throws an `EkaAuthError` when no token can be had (signed out,
   * bad credentials), with a message the clinician can act on.
   */
  getAccessToken(scope?: CallScope): Promise<string | null>;
  /**
   * The API answered 401 for `rejected`: forget it so the next
   * `getAccessToken()` refreshes (or logs in again). Concurrent callers share
   * one refresh.
   */
  invalidate(rejected: string): Promise<void>;
}
