/**
 * electron-updater's autoUpdater as the updater's backend, or why updates do
 * not apply to this copy of the app. The feed (GitHub Releases, or a generic
 * URL set at build time) comes from the app-update.yml electron-builder writes.
 */
import type { App } from 'electron';
import type { UpdaterBackend } from '../core/updater';

export async function electronUpdaterBackend(
  app: App,
  log: (text: string) => void,
): Promise<{ backend?: UpdaterBackend; disabledReason?: string }> {
  if (!app.isPackaged)
    return { disabledReason: 'Updates apply to the installed app, not a source checkout.' };
  if (process.platform === 'linux' && !process.env.APPIMAGE) {
    return { disabledReason: 'This copy updates through your package manager (apt).' };
  }
  const { autoUpdater } = await import('electron-updater');
  autoUpdater.logger = {
    info: (m: unknown) => log(String(m)),
    warn: (m: unknown) => log(String(m)),
    error: (m: unknown) => log(String(m)),
    debug: () => undefined,
  };
  return { backend: autoUpdater };
}
