import { describe, expect, it } from 'vitest';
import { login } from '../../app/core/login';
import { getStatus } from '../../app/core/status';
import { isDesktopError } from '../../server/desktop/errors';
import { createKeytarSecretStore, type SecretStore } from '../../server/desktop/secret-store';
import { readSession, readSessionRecord, SESSION_ACCOUNT, type TokenUse } from '../../server/desktop/session';
import { getFreshSession } from '../../server/desktop/session-refresh';
import { createDesktopSessionTokenSource } from '../../server/desktop/session-token-source';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { EkaAuthError } from '../../server/errors';
import { signInOnSandbox } from '../support/sandbox-login';
import { type Isolation, isolate, useSandboxAndBrowser } from './helpers';
import { clearService } from './keychain';

describe('session refresh', () => {
  const shared = useSandboxAndBrowser();

  async function signedIn(tokenUse: TokenUse = 'exchange'): Promise<{ iso: Isolation; store: SecretStore }> {
    const iso = isolate();
    const store = createKeytarSecretStore(iso.service);
    const page = await shared.browser.newPage();
    await login({
      issuer: shared.sandbox.issuer,
      clientId: shared.sandbox.clients.desktop.client_id,
      apiBaseUrl: shared.sandbox.apiBaseUrl,
      tokenUse,
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

  /** Checks that the stored session ended with `reason` and keeps no token. */
  async function expectSignedOut(store: SecretStore, iso: Isolation, spent: string, reason: RegExp) {
    const record = await readSessionRecord(store);
    expect(record?.state).toBe('signed-out');
    expect(JSON.stringify(record)).not.toContain(spent);
    const status = await getStatus({ settings: createFileSettingsStore(iso.home), secretStore: store });
    expect(status.signedIn).toBe(false);
    expect(status.lastError).toMatch(reason);
    expect(status.name).toBe(shared.sandbox.clinician.name);
  }

  async function expectSessionExpired(store: SecretStore, iso: Isolation, rejected: string) {
    const source = createDesktopSessionTokenSource({ secretStore: store, lockDir: iso.home });
    await source.invalidate(rejected);
    const error = await source.getAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EkaAuthError);
    expect((error as EkaAuthError).code).toBe('session_expired');
    expect((error as EkaAuthError).message).toMatch(
      /^Your Eka session has expired: open Eka MCP and sign in again/,
    );
  }

  it('reads a session stored before token use existed as direct, and refuses an exchange session without its API', async () => {
    const iso = isolate();
    const store = createKeytarSecretStore(iso.service);
    try {
      const base = {
        state: 'signed-in',
        accessToken: 'stored-access-token-0001',
        expiresAt: Date.now() + 3_600_000,
        issuer: shared.sandbox.issuer,
        clientId: shared.sandbox.clients.desktop.client_id,
        signedInAt: Date.now(),
      };
      await store.set(SESSION_ACCOUNT, JSON.stringify(base));
      expect((await readSession(store))?.tokenUse).toBe('direct');
      await store.set(SESSION_ACCOUNT, JSON.stringify({ ...base, tokenUse: 'exchange' }));
      const error = await readSession(store).catch((e: unknown) => e);
      expect(isDesktopError(error, 'session-corrupt')).toBe(true);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('renews an exchange session at the OIDC refresh API, rotating the Eka refresh token', async () => {
    const { iso, store } = await signedIn();
    try {
      const before = await readSession(store);
      expect(before?.tokenUse).toBe('exchange');
      const stats = shared.sandbox.tokens.oidcStats();
      const provider = shared.sandbox.oidc.stats();
      const refreshed = await getFreshSession({ secretStore: store, lockDir: iso.home }, { force: true });
      expect(refreshed.refreshToken).not.toBe(before?.refreshToken);
      expect(shared.sandbox.tokens.oidcStats().refreshes).toBe(stats.refreshes + 1);
      expect(shared.sandbox.tokens.oidcStats().refreshTokenReuse).toBe(stats.refreshTokenReuse);
      expect(shared.sandbox.oidc.stats().refreshes).toBe(provider.refreshes);
      // The identity stays; the rotated pair is what the keychain holds now.
      expect(await readSession(store)).toMatchObject({
        accessToken: refreshed.accessToken,
        refreshToken: refreshed.refreshToken,
        idToken: before?.idToken,
        subject: before?.subject,
      });
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('signs out with the reason stored when Eka no longer honours the refresh token (exchange)', async () => {
    const { iso, store } = await signedIn();
    try {
      const before = await readSession(store);
      // Spend the refresh token elsewhere: rotation makes the stored one invalid.
      const elsewhere = await fetch(
        `${shared.sandbox.apiBaseUrl}/connect-auth/v1/oidc-client/${shared.sandbox.clients.desktop.client_id}/refresh`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refresh_token: before?.refreshToken }),
        },
      );
      expect(elsewhere.status).toBe(200);
      await expectSessionExpired(store, iso, before?.accessToken ?? '');
      await expectSignedOut(
        store,
        iso,
        before?.refreshToken ?? 'none',
        /Eka ended the session \(401: .*already used/,
      );
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });

  it('signs out with the reason stored when the provider no longer honours the refresh token (direct)', async () => {
    const { iso, store } = await signedIn('direct');
    try {
      const before = await readSession(store);
      expect(before?.tokenUse).toBe('direct');
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
      await expectSessionExpired(store, iso, before?.accessToken ?? '');
      await expectSignedOut(store, iso, before?.refreshToken ?? 'none', /invalid_grant/);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});

describe('a provider whose scopes_supported is only openid and profile', () => {
  const shared = useSandboxAndBrowser({ scopesSupported: ['openid', 'profile'] });

  it('asks only for those, and still ends with a session renewed by Eka', async () => {
    const iso = isolate();
    const store = createKeytarSecretStore(iso.service);
    try {
      const page = await shared.browser.newPage();
      let scope: string | null = null;
      const result = await login({
        issuer: shared.sandbox.issuer,
        clientId: shared.sandbox.clients.desktop.client_id,
        apiBaseUrl: shared.sandbox.apiBaseUrl,
        secretStore: store,
        lockDir: iso.home,
        openExternal: (url) => {
          scope = new URL(url).searchParams.get('scope');
          return signInOnSandbox(page, url, shared.sandbox.clinician);
        },
      });
      await page.close();
      expect(scope).toBe('openid profile');
      expect(result).toMatchObject({
        tokenUse: 'exchange',
        hasRefreshToken: true,
        name: shared.sandbox.clinician.name,
      });
      expect(result.email).toBeUndefined();

      // The provider issued no refresh token; the renewal comes from Eka's OIDC refresh API.
      const before = await readSession(store);
      const stats = shared.sandbox.tokens.oidcStats();
      const renewed = await getFreshSession({ secretStore: store, lockDir: iso.home }, { force: true });
      expect(renewed.accessToken).not.toBe(before?.accessToken);
      expect(shared.sandbox.tokens.oidcStats().refreshes).toBe(stats.refreshes + 1);
      expect(shared.sandbox.oidc.stats().refreshes).toBe(0);
      const response = await fetch(`${shared.sandbox.apiBaseUrl}/dr/v1/business/entities`, {
        headers: { authorization: `Bearer ${renewed.accessToken}` },
      });
      expect(response.status).toBe(200);
    } finally {
      await clearService(iso.service);
      iso.cleanup();
    }
  });
});
