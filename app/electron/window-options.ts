/**
 * The main window's options: the security switches every Electron app
 * should set, in one place so a test can assert them.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** Options for the single app window, with `preloadPath` the built preload script. */
export function createWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 920,
    height: 680,
    minWidth: 640,
    minHeight: 520,
    show: false,
    title: 'Eka MCP',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  };
}
