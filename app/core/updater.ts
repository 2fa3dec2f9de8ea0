/**
 * Auto-update policy: check at start and every few hours while "Update
 * automatically" is on, check on demand from the tray, download what is
 * found, tell the clinician once it is ready and install it when the app
 * quits. The OS side (electron-updater's `autoUpdater`) comes in as an
 * `UpdaterBackend`, so this logic runs and is tested under plain Node.
 */

/** What of electron-updater's `AppUpdater` this module drives. */
export interface UpdaterBackend {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  /** Resolves the newest version the feed offers, or null when the feed is not configured. */
  checkForUpdates(): Promise<{ updateInfo: { version: string } } | null>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(): void;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
}

export type UpdateState = 'idle' | 'checking' | 'downloading' | 'ready' | 'up-to-date' | 'error' | 'disabled';

export interface UpdateStatus {
  state: UpdateState;
  /** The version found or ready. */
  version?: string;
  /** Download progress, 0-100. */
  percent?: number;
  /** Why the last check failed, or why updates are off. */
  message?: string;
}

export interface UpdaterOptions {
  /** Absent: updates are off, with `disabledReason` (a source checkout, a Linux .deb). */
  backend?: UpdaterBackend;
  disabledReason?: string;
  currentVersion: string;
  /** The "Update automatically" setting, read at every scheduled check. */
  autoUpdate: () => boolean | Promise<boolean>;
  notify: (title: string, body: string) => void;
  log: (text: string) => void;
  /** Between scheduled checks; default four hours. */
  intervalMs?: number;
  /** Before the first check after start; default 10 s, so start-up stays quick. */
  startDelayMs?: number;
}

export interface Updater {
  /** Schedules the first check and the periodic ones. */
  start(): void;
  stop(): void;
  /** A check the clinician asked for: says "up to date" or why it failed, and downloads what it finds. */
  checkNow(): Promise<UpdateStatus>;
  /** Quits and installs a downloaded update now (the tray's "Restart to update"). */
  installNow(): boolean;
  status(): UpdateStatus;
  onStatus(listener: (status: UpdateStatus) => void): () => void;
}

export const DEFAULT_UPDATE_INTERVAL_MS = 4 * 60 * 60 * 1000;

/** Builds the updater; nothing runs until `start()` or `checkNow()`. */
export function createUpdater(options: UpdaterOptions): Updater {
  const listeners = new Set<(status: UpdateStatus) => void>();
  let current: UpdateStatus = options.backend
    ? { state: 'idle' }
    : { state: 'disabled', message: options.disabledReason ?? 'Updates are off in this build.' };
  let running: Promise<UpdateStatus> | undefined;
  let startTimer: NodeJS.Timeout | undefined;
  let intervalTimer: NodeJS.Timeout | undefined;

  const set = (next: UpdateStatus) => {
    current = next;
    for (const listener of listeners) listener(next);
  };

  const backend = options.backend;
  if (backend) {
    // Downloads happen when this module decides; a downloaded update installs on quit.
    backend.autoDownload = false;
    backend.autoInstallOnAppQuit = true;
    backend.on('download-progress', (progress) => {
      if (current.state === 'downloading') set({ ...current, percent: Math.round(progress.percent) });
    });
  }

  const check = async (manual: boolean): Promise<UpdateStatus> => {
    if (!backend) {
      if (manual) options.notify('Updates are off', current.message ?? 'Updates are off in this build.');
      return current;
    }
    if (current.state === 'ready') {
      if (manual) notifyReady(current.version);
      return current;
    }
    set({ state: 'checking' });
    try {
      const result = await backend.checkForUpdates();
      const version = result?.updateInfo.version;
      if (!version || !isNewer(version, options.currentVersion)) {
        set({ state: 'up-to-date', version: options.currentVersion });
        if (manual)
          options.notify('Eka MCP is up to date', `You have the latest version, ${options.currentVersion}.`);
        return current;
      }
      options.log(`Update ${version} found; downloading`);
      set({ state: 'downloading', version, percent: 0 });
      await backend.downloadUpdate();
      set({ state: 'ready', version });
      options.log(`Update ${version} downloaded; it installs when Eka MCP quits`);
      notifyReady(version);
      return current;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      set({ state: 'error', message });
      options.log(`Update check failed: ${message}`);
      if (manual) options.notify('Could not check for updates', message);
      return current;
    }
  };

  const notifyReady = (version: string | undefined) => {
    options.notify(
      `Eka MCP ${version ?? ''} is ready`.replace('  ', ' '),
      'It installs when you quit Eka MCP, or at your next restart.',
    );
  };

  const once = (manual: boolean): Promise<UpdateStatus> => {
    running ??= check(manual).finally(() => {
      running = undefined;
    });
    return running;
  };

  const scheduled = async () => {
    try {
      if (await options.autoUpdate()) await once(false);
    } catch (error) {
      options.log(`Update check failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  return {
    start() {
      if (!backend) return;
      startTimer = setTimeout(() => void scheduled(), options.startDelayMs ?? 10_000);
      startTimer.unref?.();
      intervalTimer = setInterval(() => void scheduled(), options.intervalMs ?? DEFAULT_UPDATE_INTERVAL_MS);
      intervalTimer.unref?.();
    },
    stop() {
      if (startTimer) clearTimeout(startTimer);
      if (intervalTimer) clearInterval(intervalTimer);
      listeners.clear();
    },
    checkNow: () => once(true),
    installNow() {
      if (!backend || current.state !== 'ready') return false;
      backend.quitAndInstall();
      return true;
    },
    status: () => current,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Whether semantic version `candidate` is newer than `current` (pre-release tags sort before the release). */
export function isNewer(candidate: string, current: string): boolean {
  const parse = (v: string) => {
    const [core = '', pre] = v.replace(/^v/, '').split('-', 2);
    return { parts: core.split('.').map((n) => Number.parseInt(n, 10) || 0), pre };
  };
  const a = parse(candidate);
  const b = parse(current);
  for (let i = 0; i < 3; i++) {
    const diff = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  if (a.pre === b.pre) return false;
  if (a.pre === undefined) return true;
  if (b.pre === undefined) return false;
  return a.pre.localeCompare(b.pre, 'en', { numeric: true }) > 0;
}

/** The tray item for `status`: its label and whether it can be clicked. */
export function updateMenuItem(status: UpdateStatus): { label: string; enabled: boolean } {
  switch (status.state) {
    case 'checking':
      return { label: 'Checking for updates…', enabled: false };
    case 'downloading':
      return {
        label: `Downloading update${status.percent ? ` (${status.percent}%)` : '…'}`,
        enabled: false,
      };
    case 'ready':
      return { label: `Restart to update to ${status.version ?? 'the new version'}`, enabled: true };
    default:
      return { label: 'Check for updates', enabled: true };
  }
}
