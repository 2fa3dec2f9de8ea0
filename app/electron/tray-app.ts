/**
 * The tray app: single instance, tray, one window hidden to the tray on
 * close, IPC generated from the contract, OS adapters (keychain, browser,
 * notifications, launch at login, updates). Every piece of logic lives in
 * app/core; this file only wires it to Electron. app/main.ts loads it unless
 * the app was started as an MCP server (`--mcp-stdio`).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  app,
  BrowserWindow,
  type BrowserWindowConstructorOptions,
  ipcMain,
  Menu,
  Notification,
  nativeImage,
  session,
  shell,
  Tray,
} from 'electron';
import ElectronStore from 'electron-store';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { keychainServiceName } from '../../server/desktop/session';
import { createFileSettingsStore, type SettingsBackend, settingsDir } from '../../server/desktop/settings';
import { redactText } from '../../server/logging';
import { currentOsFacts } from '../core/client-configs/clients';
import { currentInstall } from '../core/client-configs/install';
import { type Controller, createController } from '../core/controller';
import { createUpdater, type Updater, type UpdateStatus, updateMenuItem } from '../core/updater';
import { type AppState, EVENT_NAMES, eventChannel, type Screen } from '../ipc/contract';
import { isAllowedExternalUrl } from '../ipc/external-urls';
import { denyPermissions, harden } from './harden';
import { drawIconPng } from './icon-png';
import { registerIpcHandlers } from './ipc-main';
import { CONTENT_SECURITY_POLICY, isTrustedSenderUrl } from './security';
import { buildTrayMenu, trayStatus, trayStatusLine } from './tray-menu';
import { electronUpdaterBackend } from './updater-backend';
import { createWindowOptions } from './window-options';

const rendererFile = join(__dirname, '..', 'renderer', 'index.html');
const rendererUrl = pathToFileURL(rendererFile).href;

let window: BrowserWindow | undefined;
let tray: Tray | undefined;
let controller: Controller | undefined;
let updater: Updater | undefined;
let quitting = false;

/** Starts the app in the tray without opening its window (launch at login uses it too). */
const HIDDEN_FLAG = '--hidden';

/** electron-store over the shared settings file (same schema and migrations as conf in the CLI). */
const electronStoreBackend: SettingsBackend = (options) =>
  new ElectronStore({ ...options, name: 'settings' });

function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

function showWindow(screen?: Screen): void {
  if (!window || window.isDestroyed()) window = createWindow();
  if (screen) window.webContents.send(eventChannel('navigate'), { screen });
  window.show();
  window.focus();
}

function openAllowed(url: string): void {
  if (isAllowedExternalUrl(url, controller?.snapshot()?.signIn.url)) void shell.openExternal(url);
}

let lastWindowOptions: BrowserWindowConstructorOptions | undefined;

function createWindow(): BrowserWindow {
  lastWindowOptions = createWindowOptions(join(__dirname, 'preload.cjs'));
  const win = new BrowserWindow({
    ...lastWindowOptions,
    icon: nativeImage.createFromBuffer(drawIconPng(256)),
  });
  // Hardening (navigation, new windows) is applied to every web contents in main().
  win.on('close', (event) => {
    if (quitting) return;
    event.preventDefault();
    win.hide();
  });
  win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererFile);
  return win;
}

function updateTray(state: AppState): void {
  if (!tray || !controller) return;
  const c = controller;
  tray.setImage(nativeImage.createFromBuffer(drawIconPng(32, trayStatus(state))));
  tray.setToolTip(`Eka MCP: ${trayStatusLine(state)}`);
  tray.setContextMenu(
    Menu.buildFromTemplate(
      buildTrayMenu(
        state,
        {
          signIn: () => {
            showWindow('home');
            void c.handlers.signIn(undefined).catch(() => undefined);
          },
          signOut: () => void c.handlers.signOut(undefined).catch(() => undefined),
          connectClaude: () => {
            void c.handlers.connectClient({ client: 'claude' }).catch((error: unknown) => {
              new Notification({
                title: 'Could not connect Claude Desktop',
                body: String((error as Error).message),
              }).show();
            });
          },
          openWindow: () => showWindow('home'),
          openSettings: () => showWindow('settings'),
          checkForUpdates: () => {
            if (!updater?.installNow()) void updater?.checkNow();
          },
          quit: () => app.quit(),
        },
        updateMenuItem(updater?.status() ?? { state: 'idle' }),
      ),
    ),
  );
}

/** Starts the tray app. */
export async function startTrayApp(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => showWindow());
  app.on('web-contents-created', (_event, contents) => harden(contents, rendererUrl, openAllowed));
  app.on('window-all-closed', () => {
    // The tray keeps the app running.
  });
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    updater?.stop();
    if (!controller) return;
    const c = controller;
    controller = undefined;
    event.preventDefault();
    void c.stop().finally(() => app.quit());
  });

  await app.whenReady();
  denyPermissions(session.defaultSession);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });

  const dir = settingsDir();
  const settings = createFileSettingsStore(dir, electronStoreBackend);
  controller = createController({
    settings,
    secretStore: createKeytarSecretStore(keychainServiceName()),
    settingsDir: dir,
    openExternal: (url) => shell.openExternal(url),
    os: currentOsFacts(),
    install: currentInstall(__filename),
    home: process.env.EKA_MCP_HOME,
    keychainService: process.env.EKA_MCP_KEYCHAIN_SERVICE,
    redact: redactText,
    setLaunchAtLogin: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, openAsHidden: true }),
    // An assistant asked to sign in: the window shows the waiting state.
    onSignInRequested: () => showWindow('home'),
  });
  const c = controller;
  registerIpcHandlers(ipcMain, c.handlers, (url) => isTrustedSenderUrl(url, rendererUrl));
  for (const name of EVENT_NAMES) {
    c.on(name, (payload) => {
      if (window && !window.isDestroyed()) window.webContents.send(eventChannel(name), payload);
    });
  }
  c.on('notice', ({ title, body }) => notify(title, body));
  c.on('state', updateTray);

  const { backend, disabledReason } = await electronUpdaterBackend(app, (text) =>
    process.stderr.write(`updater: ${redactText(text)}\n`),
  );
  updater = createUpdater({
    backend,
    disabledReason,
    currentVersion: app.getVersion(),
    autoUpdate: async () => (await settings.read()).autoUpdate,
    notify,
    log: (text) => process.stderr.write(`updater: ${redactText(text)}\n`),
  });
  updater.onStatus((_status: UpdateStatus) => {
    const state = c.snapshot();
    if (state) updateTray(state);
  });

  tray = new Tray(nativeImage.createFromBuffer(drawIconPng(32, 'signed-out')));
  tray.setToolTip('Eka MCP');
  tray.on('click', () => showWindow());

  await c.start();
  const state = c.snapshot();
  if (state) {
    updateTray(state);
    app.setLoginItemSettings({ openAtLogin: state.settings.launchAtLogin, openAsHidden: true });
  }
  updater.start();
  const openedAtLogin = app.getLoginItemSettings().wasOpenedAtLogin;
  if (process.env.EKA_MCP_E2E === '1') {
    // Read-only handles for the Electron tests (test/electron), which cannot enumerate trays.
    Object.assign(globalThis, {
      ekaMcpE2e: {
        tray: () => tray,
        window: () => window,
        webPreferences: () => lastWindowOptions?.webPreferences,
      },
    });
  }
  if (!openedAtLogin && !process.argv.includes(HIDDEN_FLAG)) showWindow();
}
