import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { DesktopError } from './errors';

export interface FileLockOptions {
  /** How long to keep trying to take the lock, in milliseconds. */
  waitMs: number;
  /** What the lock guards, for messages ("session refresh", "settings"). */
  what: string;
}

/**
 * Runs `task` while holding the cross-process lock `<dir>/<name>.lock`
 * (proper-lockfile: an atomic `mkdir`, its time refreshed while held). A
 * holder that died leaves a stale lock that is taken over after 10 s.
 */
export async function withFileLock<T>(
  dir: string,
  name: string,
  task: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const deadline = Date.now() + options.waitMs;
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
      const held = (cause as NodeJS.ErrnoException).code === 'ELOCKED';
      if (!held || Date.now() > deadline) {
        throw new DesktopError(
          'lock-failed',
          held
            ? `Could not take the ${options.what} lock in ${dir}: another Eka MCP process has held it for over ${Math.round(options.waitMs / 1000)} s; try again`
            : `Could not take the ${options.what} lock in ${dir}`,
          { cause },
        );
      }
    }
  }
  try {
    return await task();
  } finally {
    await release().catch(() => undefined);
    if (compromised) {
      // The lock was lost while held; the task's result still stands, but say so on stderr.
      process.stderr.write(`eka-mcp: the ${options.what} lock was lost: ${compromised.message}\n`);
    }
  }
}
