import type { SecretStore } from '../../server/desktop/secret-store';
import { readSessionRecord } from '../../server/desktop/session';
import { resolveEndpoints, type SettingsStore } from '../../server/desktop/settings';

/** What the tray, `eka-mcp status` and `doctor` show about the sign-in. */
export interface SignInStatus {
  mode: 'oidc' | 'client-credentials' | 'open';
  environment: 'production' | 'development' | 'sandbox';
  issuer: string;
  apiBaseUrl: string;
  /** How Eka API tokens are had: the session's when signed in, else the setting's (default exchange). */
  tokenUse: 'exchange' | 'direct';
  signedIn: boolean;
  name: string | null;
  email: string | null;
  /** Access-token expiry, ISO 8601. */
  tokenExpiresAt: string | null;
  lastRefreshAt: string | null;
  /** The last refresh problem or the reason the session ended. */
  lastError: string | null;
  /** Client id of client-credentials mode, when set. */
  clientCredentialsClientId: string | null;
  /** Who Eka sees on the server's calls in this mode, in plain words. */
  identity: string;
}

/** Who the mode really calls Eka as: the clinician, the integrator's client, or nobody. */
export function identityFor(
  mode: SignInStatus['mode'],
  session: { signedIn: boolean; name: string | null; email: string | null },
  ccClientId: string | null,
): string {
  if (mode === 'open') return 'none: open mode, calls carry no token';
  if (mode === 'client-credentials') {
    return ccClientId
      ? `client ${ccClientId} (client credentials)`
      : 'no client id saved (client credentials)';
  }
  if (!session.signedIn) return 'nobody: signed out';
  const who = [session.name, session.email && session.name ? `<${session.email}>` : session.email]
    .filter(Boolean)
    .join(' ');
  return `${who || 'the signed-in Eka account'} (Eka account)`;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** Reads settings and the keychain session into one status; never returns a token. */
export async function getStatus(options: {
  settings: SettingsStore;
  secretStore: SecretStore;
}): Promise<SignInStatus> {
  const settings = await options.settings.read();
  const endpoints = resolveEndpoints(settings);
  const record = await readSessionRecord(options.secretStore);
  const signedIn = record?.state === 'signed-in';
  const name = record?.name ?? null;
  const email = record?.email ?? null;
  return {
    mode: settings.mode,
    environment: settings.environment,
    issuer: signedIn ? record.issuer : endpoints.issuer,
    apiBaseUrl: endpoints.apiBaseUrl,
    tokenUse: signedIn ? record.tokenUse : endpoints.tokenUse,
    signedIn,
    name,
    email,
    tokenExpiresAt: signedIn ? iso(record.expiresAt) : null,
    lastRefreshAt: signedIn ? iso(record.lastRefreshAt) : null,
    lastError:
      record === null ? null : record.state === 'signed-in' ? (record.lastError ?? null) : record.reason,
    clientCredentialsClientId: settings.ccClientId ?? null,
    identity: identityFor(settings.mode, { signedIn, name, email }, settings.ccClientId ?? null),
  };
}
