import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DesktopError } from './errors';

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
export async function withRefreshLock<T>(
  dir: string,
  task: () => Promise<T>,
  options: RefreshLockOptions = {},
): Promise<T> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, REFRESH_LOCK_NAME);
  const waitMs = options.waitMs ?? 30_000;
  const deadline = Date.now() + waitMs;
  let release: (() => Promise<void>) | undefined;
  let compromised: Error | undefined;
  while (!release) {
    try {
      release = await lockfile.lock(target, {
        realpath: false,
        stale: 10_000,
        retries: { retries: 20, factor: 1.3, minTimeout: 15, maxTimeout: 250, randomize: true },
        onCompromised: (error) => {
          compromised = error;
        },
      });
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'ELOCKED' || Date.now() > deadline) {
        throw new DesktopError('lock-failed', `Could not take the session refresh lock in ${dir}`, { cause });
      }
    }
  }
  try {
    return await task();
  } finally {
    await release().catch(() => undefined);
    if (compromised) {
      // The lock was lost while held; the task's result still stands, but say so on stderr.
      process.stderr.write(`eka-mcp: the session refresh lock was lost: ${compromised.message}\n`);
    }
  }
}
