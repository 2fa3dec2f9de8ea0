/**
 * Reads the `exp` claim of a JWT without verifying it: the server only uses it
 * to decide when to refresh, never to trust the token.
 */

/** The token's expiry in epoch milliseconds, or `undefined` when it is not a JWT with `exp`. */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
