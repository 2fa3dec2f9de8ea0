/**
 * Locks down a window's web contents: no navigation away from our page, no
 * new windows (allowed links go to the system browser instead), no
 * permission requests.
 */
import type { Session, WebContents } from 'electron';

/** Refuses navigation and new windows; `openAllowed` gets links worth opening in the browser. */
export function harden(
  contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
  rendererUrl: string,
  openAllowed: (url: string) => void,
): void {
  contents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openAllowed(url);
    return { action: 'deny' };
  });
}

/** Denies every permission request (camera, notifications from the page, ...). */
export function denyPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
