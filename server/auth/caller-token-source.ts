import type { TokenSource } from '../eka/token-source';

/**
 * HTTP mode: the caller's own Eka token, already validated, used for this one
 * request. It cannot be refreshed here; a 401 from Eka reaches the caller.
 */
export function createCallerTokenSource(token: string, clientId: string | undefined): TokenSource {
  return {
    kind: 'caller',
    clientId: () => clientId,
    getAccessToken: async () => token,
    invalidate: async () => {},
  };
}
