/**
 * Open mode: no Authorization header at all. Eka will answer 401 to anything
 * that needs an account; the API client turns that into a clear tool error.
 */
import type { TokenSource } from '../token-source';

/** Creates the token source for open mode (development and internal use). */
export function createOpenTokenSource(options: { clientId?: string } = {}): TokenSource {
  return {
    kind: 'open',
    clientId: () => options.clientId,
    getAccessToken: async () => null,
    invalidate: async () => {},
  };
}
