import * as client from 'openid-client';
import { TokenCallError } from '../eka/token-sources/token-call';
import { refreshEkaTokens } from './eka-oidc-tokens';
import { DesktopError } from './errors';
import { discoverProvider } from './oidc-config';
import { withRefreshLock } from './refresh-lock';
import type { SecretStore } from './secret-store';
import { readSessionRecord, type Session, type SessionRecord, writeSessionRecord } from './session';

export interface SessionRefreshOptions {
  secretStore: SecretStore;
  /** Folder of the cross-process refresh lock (the settings folder). */
  lockDir: string;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface FreshSessionRequest {
  /** The API refused this access token: refresh even if it looks valid. */
  rejectedAccessToken?: string;
  /** Refresh now whatever the expiry. */
  force?: boolean;
}

/** OAuth errors at the token endpoint that mean the grant is gone for good. */
const GRANT_GONE = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client']);

export const SIGN_IN_AGAIN = 'Your Eka session has expired: open Eka MCP and sign in again';
export const NOT_SIGNED_IN = 'You are signed out of Eka: open Eka MCP and sign in again';

/**
 * How long before expiry a token counts as due for refresh: a quarter of its
 * lifetime, between 1 s and 60 s.
 */
export function refreshMarginMs(
  session: Pick<Session, 'expiresAt' | 'signedInAt' | 'lastRefreshAt'>,
): number {
  const issuedAt = session.lastRefreshAt ?? session.signedInAt;
  const lifetime = Math.max(0, session.expiresAt - issuedAt);
  return Math.min(60_000, Math.max(1_000, Math.floor(lifetime / 4)));
}

/** Whether the session's access token can be used as is at `now`. */
export function isSessionFresh(
  session: Pick<Session, 'expiresAt' | 'signedInAt' | 'lastRefreshAt'>,
  now: number,
): boolean {
  return session.expiresAt - refreshMarginMs(session) > now;
}

/** The error a consumer gets when there is no usable session, with the reason when one was stored. */
export function signedOutError(record: SessionRecord | null): DesktopError {
  if (record?.state === 'signed-out') {
    return new DesktopError('signed-out', `${SIGN_IN_AGAIN} (${record.reason})`);
  }
  return new DesktopError('signed-out', NOT_SIGNED_IN);
}

function describe(error: unknown): string {
  if (error instanceof client.ResponseBodyError) {
    return `the provider answered ${error.status} ${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  }
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

/** Exchanges the stored refresh token once, under the lock already held by the caller. */
async function refreshLocked(
  options: SessionRefreshOptions,
  current: Session,
  now: number,
): Promise<Session> {
  if (!current.refreshToken) {
    const record: SessionRecord = {
      state: 'signed-out',
      reason: 'the session had no refresh token',
      at: now,
      issuer: current.issuer,
      clientId: current.clientId,
      name: current.name,
      email: current.email,
    };
    await writeSessionRecord(options.secretStore, record);
    throw signedOutError(record);
  }
  if (current.tokenUse === 'exchange')
    return refreshExchangeLocked(options, current, current.refreshToken, now);
  let tokens: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    const config = await discoverProvider({
      issuer: current.issuer,
      clientId: current.clientId,
      fetch: options.fetch,
    });
    tokens = await client.refreshTokenGrant(config, current.refreshToken);
  } catch (error) {
    if (error instanceof client.ResponseBodyError && GRANT_GONE.has(error.error)) {
      const record: SessionRecord = {
        state: 'signed-out',
        reason: `the provider ended the session (${error.error})`,
        at: now,
        issuer: current.issuer,
        clientId: current.clientId,
        name: current.name,
        email: current.email,
      };
      await writeSessionRecord(options.secretStore, record);
      throw signedOutError(record);
    }
    // Network trouble or a provider fault: keep the session and try again next time.
    const lastError = `Refresh failed at ${new Date(now).toISOString()}: ${describe(error)}`;
    await writeSessionRecord(options.secretStore, { ...current, lastError });
    throw new DesktopError('refresh-unreachable', `Could not refresh the Eka session: ${describe(error)}`, {
      cause: error,
    });
  }
  const next: Session = {
    ...current,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? current.refreshToken,
    idToken: tokens.id_token ?? current.idToken,
    expiresAt: now + (tokens.expiresIn() ?? 300) * 1000,
    lastRefreshAt: now,
    lastError: undefined,
  };
  await writeSessionRecord(options.secretStore, next);
  return next;
}

/**
 * Renews an `exchange` session's Eka API tokens at Eka's OIDC refresh API,
 * under the lock already held by the caller. The refresh token rotates: the
 * new pair is written before the lock is released, so no process spends the
 * old one again.
 */
async function refreshExchangeLocked(
  options: SessionRefreshOptions,
  current: Session,
  refreshToken: string,
  now: number,
): Promise<Session> {
  const signOut = async (reason: string): Promise<never> => {
    const record: SessionRecord = {
      state: 'signed-out',
      reason,
      at: now,
      issuer: current.issuer,
      clientId: current.clientId,
      name: current.name,
      email: current.email,
    };
    await writeSessionRecord(options.secretStore, record);
    throw signedOutError(record);
  };
  if (current.refreshExpiresAt !== undefined && current.refreshExpiresAt <= now) {
    return signOut('the Eka refresh token expired');
  }
  let tokens: Awaited<ReturnType<typeof refreshEkaTokens>>;
  try {
    tokens = await refreshEkaTokens(
      {
        apiBaseUrl: current.apiBaseUrl as string,
        clientId: current.clientId,
        fetch: options.fetch,
        now: () => now,
      },
      { accessToken: current.accessToken, refreshToken },
    );
  } catch (error) {
    if (error instanceof TokenCallError && error.refused) {
      return signOut(`Eka ended the session (${error.status}${error.ekaError ? `: ${error.ekaError}` : ''})`);
    }
    const lastError = `Refresh failed at ${new Date(now).toISOString()}: ${describe(error)}`;
    await writeSessionRecord(options.secretStore, { ...current, lastError });
    throw new DesktopError('refresh-unreachable', `Could not refresh the Eka session: ${describe(error)}`, {
      cause: error,
    });
  }
  const next: Session = {
    ...current,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    refreshExpiresAt: tokens.refreshExpiresAt ?? current.refreshExpiresAt,
    lastRefreshAt: now,
    lastError: undefined,
  };
  await writeSessionRecord(options.secretStore, next);
  return next;
}

/**
 * The signed-in session with an access token that is valid now, refreshed
 * first when it is near expiry (or was rejected by the API).
 *
 * The refresh runs under the cross-process lock and re-reads the keychain
 * after taking it, so when another process already refreshed, its tokens are
 * used and the rotating refresh token is never spent twice. An `exchange`
 * session renews at Eka's OIDC refresh API, a `direct` one at the provider's
 * token endpoint. A grant that Eka or the provider no longer honours signs out
 * (the reason is stored); a network
 * failure keeps the session and throws `refresh-unreachable` unless the
 * current token is still valid.
 */
export async function getFreshSession(
  options: SessionRefreshOptions,
  request: FreshSessionRequest = {},
): Promise<Session> {
  const now = options.now ?? Date.now;
  const needsRefresh = (session: Session): boolean =>
    Boolean(request.force) ||
    session.accessToken === request.rejectedAccessToken ||
    !isSessionFresh(session, now());

  const first = await readSessionRecord(options.secretStore);
  if (first?.state !== 'signed-in') throw signedOutError(first);
  if (!needsRefresh(first)) return first;

  return withRefreshLock(options.lockDir, async () => {
    const current = await readSessionRecord(options.secretStore);
    if (current?.state !== 'signed-in') throw signedOutError(current);
    // Another process may have refreshed while we waited for the lock.
    const refreshedMeanwhile = current.accessToken !== first.accessToken && isSessionFresh(current, now());
    if (refreshedMeanwhile || !needsRefresh(current)) return current;
    try {
      return await refreshLocked(options, current, now());
    } catch (error) {
      const stillValid =
        error instanceof DesktopError &&
        error.code === 'refresh-unreachable' &&
        current.accessToken !== request.rejectedAccessToken &&
        current.expiresAt > now();
      if (stillValid) return current;
      throw error;
    }
  });
}
