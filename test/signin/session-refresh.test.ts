import { describe, expect, it } from 'vitest';
import { login } from '../../app/core/login';
import { getStatus } from '../../app/core/status';
import { isDesktopError } from '../../server/desktop/errors';
import { createKeytarSecretStore, type SecretStore } from '../../server/desktop/secret-store';
import { readSession, readSessionRecord } from '../../server/desktop/session';
import { getFreshSession } from '../../server/desktop/session-refresh';
import { createDesktopSessionTokenSource } from '../../server/desktop/session-token-source';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { EkaAuthError } from '../../server/errors';
import { signInOnSandbox } from '../support/sandbox-login';
import { type Isolation, isolate, useSandboxAndBrowser } from './helpers';
import { clearService } from './keychain';

describe('session refresh', () => {
  const shared = useSandboxAndBrowser();

  async function signedIn(): Promise<{ iso: Isolation; store: SecretStore }> {
    const iso = isolate();
    const store = createKeytarSecretStore(iso.service);
    const page = await shared.browser.newPage();
    await login({
      issuer: shared.sandbox.issuer,
      clientId: shared.sandbox.clients.desktop.client_id,
      secretStore: store,
      lockDir: iso.home,
      openExternal: (url) => signInOnSandbox(page, url, shared.sandbox.clinician),
    });
    await page.close();
    return { iso, store };
  }

  it('keeps the session through a network failure, records it, and refreshes once the provider is back', async () => {
    const { iso, store } = await signedIn();
    try {
      const before = await readSession(store);
      const offline: typeof fetch = async () => {
        throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
      };
      // The access token is still valid: it is handed out, and the failure is recorded.
      const kept = await getFreshSession(
        { secretStore: store, lockDir: iso.home, fetch: offline },
        { force: true },
      );
      expect(kept.accessToken).toBe(before?.accessToken);
      const recorded = await readSession(store);
      expect(recorded?.refreshToken).toBe(before?.refreshToken);
      expect(recorded?.lastError).toMatch(/^Refresh failed at .*fetch failed/);

      // A token the API rejected cannot be handed out again: the caller gets a retryable error, still signed in.
      const rejected = await getFreshSession(
        { secretStore: store, lockDir: iso.home, fetch: offline },
        { rejectedAccessToken: before?.accessToken },
      ).catch((e: unknown) => e);
      expect(isDesktopError(rejected, 'refresh-unreachable')).toBe(true);
      expect((await readSessionRecord(store))?.state).toBe('signed-in');

      const refreshStarted = Date.now();
      const refreshed = await getFreshSession({ secretStore: store, lockDir: iso.home }, { force: true });
      expect(refreshed.accessToken).not.toBe(before?.accessToken);
      expect(refreshed.refreshToken).not.toBe(before?.refreshToken);
      expect(refreshed.lastError).toBeUndefined();
      expect(refreshed.lastRefreshAt).toBeGreaterThanOrEqual(refreshStarted);
      expect(await readSession(store)).toMatchObject({
        accessToken: refreshed.accessToken,
        refreshToken: refreshed.refreshToken,
      });
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('signs out with the reason stored when the provider no longer honours the refresh token', async () => {
    const { iso, store } = await signedIn();
    try {
      const before = await readSession(store);
      // Spend the refresh token elsewhere: rotation makes the stored one invalid.
      const elsewhere = await fetch(`${shared.sandbox.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: before?.refreshToken ?? '',
          client_id: shared.sandbox.clients.desktop.client_id,
        }),
      });
      expect(elsewhere.status).toBe(200);

      const source = createDesktopSessionTokenSource({ secretStore: store, lockDir: iso.home });
      await source.invalidate(before?.accessToken ?? '');
      const error = await source.getAccessToken().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EkaAuthError);
      expect((error as EkaAuthError).code).toBe('session_expired');
      expect((error as EkaAuthError).message).toMatch(
        /^Your Eka session has expired: open Eka MCP and sign in again/,
      );

      const record = await readSessionRecord(store);
      expect(record?.state).toBe('signed-out');
      expect(JSON.stringify(record)).not.toContain(before?.refreshToken ?? 'none');
      const status = await getStatus({ settings: createFileSettingsStore(iso.home), secretStore: store });
      expect(status.signedIn).toBe(false);
      expect(status.lastError).toContain('invalid_grant');
      expect(status.name).toBe(shared.sandbox.clinician.name);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});
