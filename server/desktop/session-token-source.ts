import type { TokenSource } from '../eka/token-source';
import { EkaAuthError } from '../errors';
import { DesktopError } from './errors';
import { createKeytarSecretStore, type SecretStore } from './secret-store';
import { keychainServiceName } from './session';
import { type FreshSessionRequest, getFreshSession } from './session-refresh';
import { settingsDir } from './settings';

export interface DesktopSessionTokenSourceOptions {
  /** Defaults to the OS keychain under `keychainServiceName()`. */
  secretStore?: SecretStore;
  /** Folder of the refresh lock; defaults to `settingsDir()`. */
  lockDir?: string;
  fetch?: typeof fetch;
  /** The `client-id` header from the server's settings (`--client-id` / EKA_CLIENT_ID); else the session's. */
  clientId?: string;
}

function toAuthError(error: unknown): unknown {
  if (!(error instanceof DesktopError)) return error;
  switch (error.code) {
    case 'signed-out':
      return new EkaAuthError(
        error.message.startsWith('You are signed out') ? 'signed_out' : 'session_expired',
        error.message,
        { cause: error },
      );
    case 'session-corrupt':
      return new EkaAuthError('session_expired', error.message, { cause: error });
    case 'keychain-unavailable':
    case 'keychain-failed':
      return new EkaAuthError('auth_required', error.message, { cause: error });
    default:
      return error;
  }
}

/**
 * The server's token source for `--mode oidc`: the clinician's Eka session
 * from the OS keychain, refreshed before expiry under the cross-process lock.
 *
 * The keychain is read on every call, so a sign-out in the app or the CLI is
 * seen at once; when signed out, calls fail with an `EkaAuthError` telling
 * the clinician to sign in again.
 */
export function createDesktopSessionTokenSource(options: DesktopSessionTokenSourceOptions = {}): TokenSource {
  let store = options.secretStore;
  const lockDir = options.lockDir ?? settingsDir();
  let lastClientId: string | undefined;
  const inflight = new Map<string, Promise<string>>();

  const fresh = async (request: FreshSessionRequest): Promise<string> => {
    store ??= createKeytarSecretStore(keychainServiceName());
    try {
      const session = await getFreshSession({ secretStore: store, lockDir, fetch: options.fetch }, request);
      lastClientId = session.clientId;
      return session.accessToken;
    } catch (error) {
      throw toAuthError(error);
    }
  };

  const shared = (key: string, request: FreshSessionRequest): Promise<string> => {
    let pending = inflight.get(key);
    if (!pending) {
      pending = fresh(request).finally(() => inflight.delete(key));
      inflight.set(key, pending);
    }
    return pending;
  };

  return {
    kind: 'desktop-session',
    clientId: () => options.clientId ?? lastClientId,
    getAccessToken: () => shared('current', {}),
    async invalidate(rejected) {
      await shared(`rejected:${rejected}`, { rejectedAccessToken: rejected }).catch(() => undefined);
    },
  };
}
