/**
 * The tray's status (signed out, signed in, problem) and its menu, built from
 * the app state as plain data so it can be tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AppState } from '../ipc/contract';

export type TrayStatus = 'signed-out' | 'signed-in' | 'problem';

/** The tray icon status for `state`. */
export function trayStatus(state: AppState): TrayStatus {
  const needsSession = state.settings.mode === 'oidc';
  if (state.server.state === 'down') return 'problem';
  // The health check's verdict, when there is one, is the truth: a running server Eka refuses is a problem.
  switch (state.server.verdict) {
    case 'ready':
      return 'signed-in';
    case 'signed-out':
      return 'signed-out';
    case 'refused':
    case 'unreachable':
    case 'problem':
    case 'not-running':
    case 'open':
      return 'problem';
    default:
      break;
  }
  if (needsSession && !state.session.signedIn) return state.session.lastError ? 'problem' : 'signed-out';
  return 'signed-in';
}

/** One line for the top of the menu and the tooltip. */
export function trayStatusLine(state: AppState): string {
  if (state.server.state === 'down') return 'Problem: the Eka MCP server is not running';
  const verdict = state.server.verdict;
  if (verdict && verdict !== 'checking' && verdict !== 'ready' && state.server.headline) {
    return state.server.headline;
  }
  switch (state.settings.mode) {
    case 'open':
      return 'Open mode (no sign-in)';
    case 'client-credentials':
      return state.settings.clientId
        ? `Client credentials: ${state.settings.clientId}`
        : 'Client credentials not set';
    default:
      if (!state.session.signedIn)
        return state.session.lastError ? 'Signed out: sign in again' : 'Not signed in';
      return `Signed in as ${state.session.name ?? state.session.email ?? 'clinician'}`;
  }
}

export interface TrayActions {
  signIn(): void;
  signOut(): void;
  connectClaude(): void;
  openWindow(): void;
  openSettings(): void;
  /** "Check for updates", or "Restart to update" once one is ready. */
  checkForUpdates?(): void;
  quit(): void;
}

/** The tray menu: status line, Sign in or Sign out, Connect to Claude Desktop, Open, Settings, updates, Quit. */
export function buildTrayMenu(
  state: AppState,
  actions: TrayActions,
  update?: { label: string; enabled: boolean },
): MenuItemConstructorOptions[] {
  const claude = state.clients.find((c) => c.id === 'claude');
  const items: MenuItemConstructorOptions[] = [
    { label: trayStatusLine(state), enabled: false },
    { type: 'separator' },
  ];
  if (state.settings.mode === 'oidc') {
    items.push(
      state.session.signedIn
        ? { label: 'Sign out', click: actions.signOut }
        : {
            label: state.signIn.state === 'waiting' ? 'Signing in…' : 'Sign in with Eka',
            enabled: state.signIn.state !== 'waiting',
            click: actions.signIn,
          },
    );
  }
  items.push(
    {
      label: claude?.state === 'connected' ? 'Connected to Claude Desktop' : 'Connect to Claude Desktop',
      enabled: claude?.state !== 'connected',
      click: actions.connectClaude,
    },
    { type: 'separator' },
    { label: 'Open Eka MCP', click: actions.openWindow },
    { label: 'Settings', click: actions.openSettings },
  );
  if (actions.checkForUpdates && update) {
    items.push({ label: update.label, enabled: update.enabled, click: actions.checkForUpdates });
  }
  items.push({ type: 'separator' }, { label: 'Quit', role: 'quit', click: actions.quit });
  return items;
}
