// The auto-update policy with an in-memory backend standing in for
// electron-updater's autoUpdater (pure logic; fake timers for the schedule).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createUpdater,
  DEFAULT_UPDATE_INTERVAL_MS,
  isNewer,
  type UpdaterBackend,
  type UpdaterOptions,
  updateMenuItem,
} from '../../app/core/updater';

class MemoryBackend implements UpdaterBackend {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  checks = 0;
  downloads = 0;
  installs = 0;
  offered: string | null = null;
  failWith: Error | undefined;
  private progress: ((p: { percent: number }) => void) | undefined;

  async checkForUpdates() {
    this.checks++;
    if (this.failWith) throw this.failWith;
    return this.offered ? { updateInfo: { version: this.offered } } : null;
  }
  async downloadUpdate() {
    this.downloads++;
    this.progress?.({ percent: 42.4 });
    return [];
  }
  quitAndInstall() {
    this.installs++;
  }
  on(_event: 'download-progress', listener: (p: { percent: number }) => void) {
    this.progress = listener;
    return this;
  }
}

let backend: MemoryBackend;
let notices: { title: string; body: string }[];
let autoUpdate: boolean;

function updater(extra: Partial<UpdaterOptions> = {}) {
  return createUpdater({
    backend,
    currentVersion: '1.2.0',
    autoUpdate: () => autoUpdate,
    notify: (title, body) => notices.push({ title, body }),
    log: () => undefined,
    ...extra,
  });
}

beforeEach(() => {
  backend = new MemoryBackend();
  notices = [];
  autoUpdate = true;
});

afterEach(() => {
  vi.useRealTimers();
});

describe('updater', () => {
  it('takes over downloading and installs a downloaded update on quit', () => {
    updater();
    expect(backend.autoDownload).toBe(false);
    expect(backend.autoInstallOnAppQuit).toBe(true);
  });

  it('checks shortly after start and every four hours while Update automatically is on', async () => {
    vi.useFakeTimers();
    const u = updater({ startDelayMs: 5_000 });
    u.start();
    expect(backend.checks).toBe(0);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(backend.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(DEFAULT_UPDATE_INTERVAL_MS);
    expect(backend.checks).toBe(2);
    autoUpdate = false;
    await vi.advanceTimersByTimeAsync(DEFAULT_UPDATE_INTERVAL_MS * 3);
    expect(backend.checks).toBe(2);
    u.stop();
    autoUpdate = true;
    await vi.advanceTimersByTimeAsync(DEFAULT_UPDATE_INTERVAL_MS * 2);
    expect(backend.checks).toBe(2);
  });

  it('downloads a newer version, says once that it is ready, and restarts into it on request', async () => {
    backend.offered = '1.3.0';
    const u = updater();
    const states: string[] = [];
    u.onStatus((s) => states.push(s.state));
    expect(u.installNow()).toBe(false);
    const status = await u.checkNow();
    expect(status).toEqual({ state: 'ready', version: '1.3.0' });
    expect(states).toEqual(['checking', 'downloading', 'downloading', 'ready']);
    expect(backend.downloads).toBe(1);
    expect(notices).toEqual([
      {
        title: 'Eka MCP 1.3.0 is ready',
        body: 'It installs when you quit Eka MCP, or at your next restart.',
      },
    ]);
    expect(updateMenuItem(u.status())).toEqual({ label: 'Restart to update to 1.3.0', enabled: true });
    // A ready update is not downloaded again.
    await u.checkNow();
    expect(backend.checks).toBe(1);
    expect(u.installNow()).toBe(true);
    expect(backend.installs).toBe(1);
  });

  it('says "up to date" only when asked, and treats an older or equal feed version as no update', async () => {
    backend.offered = '1.2.0';
    const u = updater({ startDelayMs: 0 });
    vi.useFakeTimers();
    u.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(u.status().state).toBe('up-to-date');
    expect(notices).toEqual([]);
    backend.offered = '1.1.9';
    await u.checkNow();
    expect(notices).toEqual([
      { title: 'Eka MCP is up to date', body: 'You have the latest version, 1.2.0.' },
    ]);
    expect(backend.downloads).toBe(0);
    u.stop();
  });

  it('reports a failed check the user asked for, and only logs a scheduled one', async () => {
    backend.failWith = new Error('net::ERR_INTERNET_DISCONNECTED');
    const logs: string[] = [];
    vi.useFakeTimers();
    const u = updater({ startDelayMs: 0, log: (t) => logs.push(t) });
    u.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(u.status()).toEqual({ state: 'error', message: 'net::ERR_INTERNET_DISCONNECTED' });
    expect(notices).toEqual([]);
    expect(logs.join('\n')).toContain('ERR_INTERNET_DISCONNECTED');
    await u.checkNow();
    expect(notices).toEqual([
      { title: 'Could not check for updates', body: 'net::ERR_INTERNET_DISCONNECTED' },
    ]);
    expect(updateMenuItem(u.status())).toEqual({ label: 'Check for updates', enabled: true });
    u.stop();
  });

  it('runs one check at a time', async () => {
    backend.offered = '2.0.0';
    const u = updater();
    const [a, b] = await Promise.all([u.checkNow(), u.checkNow()]);
    expect(a).toBe(b);
    expect(backend.checks).toBe(1);
  });

  it('is off, with the reason, where no update feed applies', async () => {
    const u = createUpdater({
      currentVersion: '1.2.0',
      disabledReason: 'Updates come from your package manager.',
      autoUpdate: () => true,
      notify: (title, body) => notices.push({ title, body }),
      log: () => undefined,
    });
    u.start();
    expect(await u.checkNow()).toEqual({
      state: 'disabled',
      message: 'Updates come from your package manager.',
    });
    expect(notices).toEqual([{ title: 'Updates are off', body: 'Updates come from your package manager.' }]);
  });
});

describe('versions', () => {
  it('orders releases and pre-releases', () => {
    expect(isNewer('1.10.0', '1.9.9')).toBe(true);
    expect(isNewer('v2.0.0', '1.99.0')).toBe(true);
    expect(isNewer('1.2.0', '1.2.0')).toBe(false);
    expect(isNewer('1.2.0', '1.2.0-beta.3')).toBe(true);
    expect(isNewer('1.2.0-beta.10', '1.2.0-beta.9')).toBe(true);
    expect(isNewer('1.2.0-beta.1', '1.2.0')).toBe(false);
    expect(isNewer('1.1.0', '1.2.0')).toBe(false);
  });
});
