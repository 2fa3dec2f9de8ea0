/** What the Eka API token check said about a token. */
export interface TokenVerdict {
  active: boolean;
  /** Subject (the Eka account), when active. */
  sub?: string;
  /** Eka client id the token was issued to, when known. */
  clientId?: string;
  /** The token's own expiry, seconds since the epoch, when known. */
  exp?: number;
}
