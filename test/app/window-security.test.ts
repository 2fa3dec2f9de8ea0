// The window's security switches, navigation and new-window refusal, which
// URLs may reach the system browser, the CSP, and the tray's menu.
import { describe, expect, it } from 'vitest';
import { updateMenuItem } from '../../app/core/updater';
import { harden } from '../../app/electron/harden';
import { CONTENT_SECURITY_POLICY, isTrustedSenderUrl } from '../../app/electron/security';
import { buildTrayMenu, trayStatus } from '../../app/electron/tray-menu';
import { createWindowOptions } from '../../app/electron/window-options';
import type { AppState } from '../../app/ipc/contract';
import { isAllowedExternalUrl, isEkaPage } from '../../app/ipc/external-urls';

const PAGE = 'file:///opt/Eka%20MCP/resources/app.asar/dist/renderer/index.html';

describe('window options', () => {
  it('isolates and sandboxes the renderer', () => {
    const options = createWindowOptions('/app/dist/app/preload.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options.show).toBe(false);
  });

  it('has a strict content security policy', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
  });
});

describe('web contents hardening', () => {
  function hardened() {
    const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const opened: string[] = [];
    const contents = {
      on: (name: string, listener: (event: { preventDefault(): void }, url: string) => void) => {
        listeners.set(name, listener);
        return contents;
      },
      setWindowOpenHandler: (handler: (details: { url: string }) => { action: string }) => {
        openHandler = handler;
      },
    };
    harden(contents as never, PAGE, (url) => opened.push(url));
    const fire = (name: string, url: string) => {
      let prevented = false;
      listeners.get(name)?.(
        {
          preventDefault: () => {
            prevented = true;
          },
        },
        url,
      );
      return prevented;
    };
    return { fire, open: (url: string) => openHandler!({ url }), opened };
  }

  it('refuses navigation away from our page', () => {
    const { fire } = hardened();
    expect(fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(fire('will-navigate', PAGE)).toBe(false);
    expect(fire('will-attach-webview', 'https://evil.example/')).toBe(true);
  });

  it('denies every new window and hands links to the browser policy', () => {
    const { open, opened } = hardened();
    expect(open('https://www.eka.care/privacy')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://www.eka.care/privacy']);
  });
});

describe('external URLs', () => {
  it.each([
    ['https://eka.care/', true],
    ['https://accounts.eka.care/signin', true],
    ['http://www.eka.care/', false],
    ['https://eka.care.evil.example/', false],
    ['https://evileka.care/', false],
    ['https://user:pw@eka.care/', false],
    ['file:///etc/passwd', false],
    ['not a url', false],
  ])('%s is an Eka page: %s', (url, allowed) => {
    expect(isEkaPage(url)).toBe(allowed);
  });

  it('allows the pending login URL exactly, and nothing else off Eka', () => {
    const login = 'http://127.0.0.1:7780/auth?client_id=eka-mcp-desktop&state=abc';
    expect(isAllowedExternalUrl(login, login)).toBe(true);
    expect(isAllowedExternalUrl(`${login}x`, login)).toBe(false);
    expect(isAllowedExternalUrl(login, undefined)).toBe(false);
  });

  it('trusts only our own renderer file as an IPC sender', () => {
    expect(isTrustedSenderUrl(PAGE, PAGE)).toBe(true);
    expect(isTrustedSenderUrl(`${PAGE}?x#y`, PAGE)).toBe(true);
    expect(isTrustedSenderUrl('file:///opt/Eka%20MCP/other.html', PAGE)).toBe(false);
    expect(isTrustedSenderUrl('https://eka.care/', PAGE)).toBe(false);
    expect(isTrustedSenderUrl(undefined, PAGE)).toBe(false);
  });
});

describe('tray', () => {
  const base: AppState = {
    session: { signedIn: false },
    settings: {
      mode: 'oidc',
      environment: 'production',
      apiBaseUrl: 'https://api.eka.care',
      issuer: 'https://accounts.eka.care',
      clientId: '',
      launchAtLogin: false,
      signInFromTools: true,
      autoUpdate: true,
      hasClientSecret: false,
      hasApiKey: false,
    },
    signIn: { state: 'idle' },
    server: { state: 'ok', restarts: 0 },
    clients: [{ id: 'claude', name: 'Claude Desktop', state: 'not-connected', configPath: '/x' }],
  };
  const noop = () => undefined;
  const actions = {
    signIn: noop,
    signOut: noop,
    connectClaude: noop,
    openWindow: noop,
    openSettings: noop,
    quit: noop,
  };

  it('shows signed out, signed in and problem states', () => {
    expect(trayStatus(base)).toBe('signed-out');
    expect(trayStatus({ ...base, session: { signedIn: true, name: 'Dr. A' } })).toBe('signed-in');
    expect(trayStatus({ ...base, session: { signedIn: false, lastError: 'expired' } })).toBe('problem');
    expect(trayStatus({ ...base, session: { signedIn: true }, server: { state: 'down', restarts: 2 } })).toBe(
      'problem',
    );
  });

  it('the tray icon and tooltip follow the health check: a running server Eka refuses is a problem', () => {
    const signedIn = { ...base, session: { signedIn: true, name: 'Dr. A' } };
    const refused: AppState = {
      ...signedIn,
      server: { state: 'ok', restarts: 0, verdict: 'refused', headline: 'Eka refused the credentials' },
    };
    expect(trayStatus(refused)).toBe('problem');
    expect(buildTrayMenu(refused, actions)[0]?.label).toBe('Eka refused the credentials');
    const ready: AppState = {
      ...signedIn,
      server: { state: 'ok', restarts: 0, verdict: 'ready', headline: 'Ready' },
    };
    expect(trayStatus(ready)).toBe('signed-in');
    expect(buildTrayMenu(ready, actions)[0]?.label).toBe('Signed in as Dr. A');
    const open: AppState = {
      ...base,
      settings: { ...base.settings, mode: 'open' },
      server: { state: 'ok', restarts: 0, verdict: 'open', headline: 'Open mode: calls carry no token' },
    };
    expect(trayStatus(open)).toBe('problem');
    expect(buildTrayMenu(open, actions)[0]?.label).toBe('Open mode: calls carry no token');
  });

  it('has the status line, sign in or out, connect, open, settings and quit', () => {
    const labels = (state: AppState) => buildTrayMenu(state, actions).map((i) => i.label ?? i.type);
    expect(labels(base)).toEqual([
      'Not signed in',
      'separator',
      'Sign in with Eka',
      'Connect to Claude Desktop',
      'separator',
      'Open Eka MCP',
      'Settings',
      'separator',
      'Quit',
    ]);
    const signedIn = { ...base, session: { signedIn: true, name: 'Dr. Ananya Iyer' } };
    expect(labels(signedIn).slice(0, 3)).toEqual(['Signed in as Dr. Ananya Iyer', 'separator', 'Sign out']);
  });

  it('offers Check for updates before Quit, and Restart to update once one is ready', () => {
    const checked: string[] = [];
    const withUpdates = { ...actions, checkForUpdates: () => checked.push('check') };
    const idle = buildTrayMenu(base, withUpdates, updateMenuItem({ state: 'idle' }));
    expect(idle.map((i) => i.label ?? i.type).slice(-3)).toEqual(['Check for updates', 'separator', 'Quit']);
    const item = idle.find((i) => i.label === 'Check for updates');
    (item?.click as (() => void) | undefined)?.();
    expect(checked).toEqual(['check']);
    const busy = buildTrayMenu(base, withUpdates, updateMenuItem({ state: 'downloading', percent: 40 }));
    expect(busy.find((i) => i.label === 'Downloading update (40%)')?.enabled).toBe(false);
    const ready = buildTrayMenu(base, withUpdates, updateMenuItem({ state: 'ready', version: '0.2.0' }));
    expect(ready.find((i) => i.label === 'Restart to update to 0.2.0')?.enabled).toBe(true);
  });
});
