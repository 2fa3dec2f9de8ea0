// Main treats every renderer message as untrusted: foreign senders and bad
// input are answered with a clear error and never reach the core.
import { describe, expect, it } from 'vitest';
import { type IpcEventLike, registerIpcHandlers } from '../../app/electron/ipc-main';
import { isTrustedSenderUrl } from '../../app/electron/security';
import { methodChannel } from '../../app/ipc/contract';
import { dispatch } from '../../app/ipc/handlers';
import { recordingHandlers } from './fake-handlers';

const PAGE = 'file:///Applications/Eka%20MCP.app/Contents/Resources/app.asar/dist/renderer/index.html';

function setup() {
  const { handlers, calls } = recordingHandlers();
  const registered = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  registerIpcHandlers(
    { handle: (c, l) => registered.set(c, l), removeHandler: (c) => registered.delete(c) },
    handlers,
    (url) => isTrustedSenderUrl(url, PAGE),
  );
  const invoke = (method: string, senderUrl: string | undefined, ...args: unknown[]) =>
    registered.get(methodChannel(method as never))!(
      { senderFrame: senderUrl ? { url: senderUrl } : null },
      ...args,
    );
  return { invoke, calls };
}

describe('IPC validation', () => {
  it('accepts our page, with a hash or query', async () => {
    const { invoke, calls } = setup();
    expect(await invoke('getState', PAGE)).toMatchObject({ ok: true });
    expect(await invoke('getState', `${PAGE}#/settings`)).toMatchObject({ ok: true });
    expect(await invoke('getState', `${PAGE}?theme=dark`)).toMatchObject({ ok: true });
    expect(calls).toHaveLength(3);
  });

  it.each([
    ['another site', 'https://evil.example/index.html'],
    ['another local file', 'file:///tmp/index.html'],
    ['a data URL', 'data:text/html,<script>1</script>'],
    ['no frame', undefined],
  ])('refuses a sender from %s', async (_what, url) => {
    const { invoke, calls } = setup();
    expect(await invoke('signOut', url)).toEqual({
      ok: false,
      error: { code: 'forbidden', message: 'This page may not use Eka MCP.' },
    });
    expect(calls).toEqual([]);
  });

  it.each([
    ['an unknown client', 'connectClient', { client: 'notepad' }, /not accepted here/],
    ['a missing argument', 'disconnectClient', undefined, /not accepted here/],
    ['an extra field', 'connectClient', { client: 'claude', command: 'rm -rf /' }, /not accepted here/],
    ['input where none is taken', 'signOut', { now: true }, /not accepted here/],
    [
      'a non-https API base URL',
      'saveSettings',
      { mode: 'open', environment: 'production', apiBaseUrl: 'http://api.example.com', launchAtLogin: false },
      /^Use an https/,
    ],
    [
      'a wrong mode',
      'saveSettings',
      { mode: 'admin', environment: 'production', launchAtLogin: false },
      /not accepted here/,
    ],
    ['an empty client id', 'saveCredentials', { clientId: '  ' }, /^Enter the client id$/],
    ['a non-URL', 'openExternal', { url: 'javascript:alert(1)' }, /not accepted here|only web addresses/],
  ])('rejects %s with a message in plain words', async (_what, method, input, message) => {
    const { invoke, calls } = setup();
    const answer = (await invoke(method, PAGE, input)) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    expect(answer.ok).toBe(false);
    expect(answer.error?.code).toBe('invalid-input');
    expect(answer.error?.message).toMatch(message);
    // No method or field names in what a person reads.
    expect(answer.error?.message).not.toMatch(/Invalid input for|clientId|apiBaseUrl/);
    expect(calls).toEqual([]);
  });

  it('rejects more than one argument', async () => {
    const { invoke, calls } = setup();
    const answer = await invoke('getState', PAGE, undefined, 'extra');
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(calls).toEqual([]);
  });

  it('answers an unknown method and a failing handler with an error envelope', async () => {
    const { handlers } = recordingHandlers();
    expect(await dispatch(handlers, 'deleteEverything', undefined)).toEqual({
      ok: false,
      error: { code: 'unknown-method', message: 'Unknown method.' },
    });
    const failing = {
      ...handlers,
      signIn: async () => {
        throw Object.assign(new Error('The sign-in page was closed.'), { code: 'cancelled' });
      },
    };
    expect(await dispatch(failing, 'signIn', undefined)).toEqual({
      ok: false,
      error: { code: 'cancelled', message: 'The sign-in page was closed.' },
    });
  });
});
