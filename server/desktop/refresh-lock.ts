import { withFileLock } from './file-lock';

/** Base name of the lock beside the settings (proper-lockfile makes `refresh.lock`). */
export const REFRESH_LOCK_NAME = 'refresh';

export interface RefreshLockOptions {
  /** How long to keep trying to take the lock, in milliseconds. Default 30 s. */
  waitMs?: number;
}

/**
 * Runs `task` while holding the cross-process refresh lock in `dir`.
 *
 * The app, the CLI and every server process take this lock around
 * read-refresh-write of the session, so a rotating refresh token is spent
 * once. A holder that died leaves a stale lock that is taken over after 10 s.
 */
export function withRefreshLock<T>(
  dir: string,
  task: () => Promise<T>,
  options: RefreshLockOptions = {},
): Promise<T> {
  return withFileLock(dir, REFRESH_LOCK_NAME, task, {
    waitMs: options.waitMs ?? 30_000,
    what: 'session refresh',
  });
}
