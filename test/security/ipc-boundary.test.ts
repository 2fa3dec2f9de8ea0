/**
 * The IPC boundary between the renderer and the core: errors that reach the
 * UI carry no token or identifier, only our own page may call, and only
 * web addresses of Eka (or the sign-in in progress) are opened.
 */
import { describe, expect, it } from 'vitest';
import { type IpcEventLike, registerIpcHandlers } from '../../app/electron/ipc-main';
import { isTrustedSenderUrl } from '../../app/electron/security';
import { methodChannel } from '../../app/ipc/contract';
import { isAllowedExternalUrl } from '../../app/ipc/external-urls';
import { dispatch, type Handlers } from '../../app/ipc/handlers';
import { recordingHandlers } from '../app/fake-handlers';

const RENDERER = 'file:///opt/Eka%20MCP/resources/app/dist/renderer/index.html';

function withFailingTestCredentials(message: string): Handlers {
  const { handlers } = recordingHandlers();
  return {
    ...handlers,
    testCredentials: async () => {
      throw Object.assign(new Error(message), { code: 'eka-refused' });
    },
  };
}

describe('IPC errors shown in the UI', () => {
  it('redact tokens, secrets and identifiers from upstream messages', async () => {
    const handlers = withFailingTestCredentials(
      'Eka refused {"access_token":"at-opaque-99","client_secret":"cs-opaque-99"} for ravi.kumar@patients.example, Authorization: Bearer bearer-opaque-99',
    );
    const envelope = await dispatch(handlers, 'testCredentials', { clientId: 'clinic-integration' });
    expect(envelope.ok).toBe(false);
    const text = JSON.stringify(envelope);
    for (const secret of [
      'at-opaque-99',
      'cs-opaque-99',
      'ravi.kumar@patients.example',
      'bearer-opaque-99',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('eka-refused');
    expect(text).toContain('Eka refused');
  });
});

describe('IPC sender check', () => {
  it.each([
    ['another file', 'file:///opt/Eka%20MCP/resources/app/dist/renderer/evil.html'],
    ['a look-alike path', `${RENDERER}.html`],
    ['a web page', 'https://attacker.example/index.html'],
    ['devtools', 'devtools://devtools/bundled/inspector.html'],
    ['no frame', undefined],
    ['garbage', 'not a url'],
  ])('refuses %s', async (_label, senderUrl) => {
    expect(isTrustedSenderUrl(senderUrl, RENDERER)).toBe(false);
    const registered = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
    const { handlers, calls } = recordingHandlers();
    registerIpcHandlers(
      { handle: (channel, listener) => registered.set(channel, listener), removeHandler: () => undefined },
      handlers,
      (url) => isTrustedSenderUrl(url, RENDERER),
    );
    const signOut = registered.get(methodChannel('signOut'));
    const answer = await signOut?.({ senderFrame: senderUrl === undefined ? null : { url: senderUrl } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('accepts our page with a hash route', () => {
    expect(isTrustedSenderUrl(`${RENDERER}#/settings`, RENDERER)).toBe(true);
  });
});

describe('external URLs', () => {
  it.each([
    'http://eka.care/',
    'https://eka.care.attacker.example/',
    'https://attacker.example/?https://eka.care',
    'https://user:pass@eka.care/',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'https://evileka.care/',
  ])('refuses %s', (url) => {
    expect(isAllowedExternalUrl(url, undefined)).toBe(false);
  });

  it('opens Eka pages and the exact sign-in URL in progress only', () => {
    const login = 'http://127.0.0.1:7780/auth?client_id=eka-mcp-desktop&state=s';
    expect(isAllowedExternalUrl('https://www.eka.care/privacy', undefined)).toBe(true);
    expect(isAllowedExternalUrl(login, login)).toBe(true);
    expect(isAllowedExternalUrl(`${login}x`, login)).toBe(false);
  });
});

describe('settings addresses', () => {
  it.each([
    ['apiBaseUrl', 'https://user:url-pass-99@api.eka.care'],
    ['issuer', 'https://:url-pass-99@accounts.eka.care'],
  ])('refuse a password in %s, without repeating it', async (field, value) => {
    const { handlers, calls } = recordingHandlers();
    const envelope = await dispatch(handlers, 'saveSettings', {
      mode: 'oidc',
      environment: 'production',
      launchAtLogin: false,
      [field]: value,
    });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(JSON.stringify(envelope)).not.toContain('url-pass-99');
    expect(calls).toEqual([]);
  });
});
