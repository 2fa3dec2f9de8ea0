import * as client from 'openid-client';
import { discoverProvider } from '../../server/desktop/oidc-config';
import { withRefreshLock } from '../../server/desktop/refresh-lock';
import type { SecretStore } from '../../server/desktop/secret-store';
import { deleteSessionRecord, readSessionRecord } from '../../server/desktop/session';

export interface SignOutOptions {
  secretStore: SecretStore;
  lockDir: string;
  fetch?: typeof fetch;
  /** Told once the session is gone (the tray, open windows). */
  onSignedOut?: () => void;
}

export interface SignOutResult {
  /** Whether there was a session to remove. */
  wasSignedIn: boolean;
  /** Whether the provider revoked the refresh token (false when it offers no revocation or could not be reached). */
  revoked: boolean;
  /** Why revocation did not happen, when it was tried and failed. */
  revocationError?: string;
}

/**
 * Signs out: for a `direct` session, revokes the provider's refresh token
 * when the provider offers revocation; deletes the session from the keychain, and notifies. Every
 * server process reads the keychain on each call, so they see it at once.
 * The local session is removed even when the provider cannot be reached.
 */
export async function signOut(options: SignOutOptions): Promise<SignOutResult> {
  return withRefreshLock(options.lockDir, async () => {
    const record = await readSessionRecord(options.secretStore).catch(() => null);
    let revoked = false;
    let revocationError: string | undefined;
    // Eka publishes no revocation for the API tokens of its OIDC token APIs: an `exchange`
    // session ends by being deleted here. A `direct` one holds the provider's tokens.
    if (record?.state === 'signed-in' && record.tokenUse === 'direct') {
      const token = record.refreshToken ?? record.accessToken;
      try {
        const config = await discoverProvider({
          issuer: record.issuer,
          clientId: record.clientId,
          fetch: options.fetch,
          timeoutSeconds: 10,
        });
        if (config.serverMetadata().revocation_endpoint) {
          await client.tokenRevocation(config, token, {
            token_type_hint: record.refreshToken ? 'refresh_token' : 'access_token',
          });
          revoked = true;
        }
      } catch (error) {
        revocationError = error instanceof Error ? error.message : String(error);
      }
    }
    await deleteSessionRecord(options.secretStore);
    options.onSignedOut?.();
    return { wasSignedIn: record?.state === 'signed-in', revoked, revocationError };
  });
}
