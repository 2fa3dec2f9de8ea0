/**
 * One browser sign-in at a time across every process (the app, the CLI and
 * each server Claude started): a lock beside the refresh lock, and a small
 * result file (no secret: an outcome, a message and a time) that the
 * processes waiting for that sign-in read when it ends without a session.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { type SignInOutcome, signInOutcomeSchema } from './signin-channel';

/** Base name of the sign-in lock (proper-lockfile makes `signin.lock`). */
export const SIGNIN_LOCK_NAME = 'signin';
/** The last browser sign-in's outcome, beside the lock. */
export const SIGNIN_RESULT_FILE = 'signin-result.json';

const resultSchema = z.object({
  outcome: signInOutcomeSchema,
  message: z.string(),
  /** When it ended, epoch milliseconds. */
  at: z.number(),
});
export type SignInResultRecord = z.infer<typeof resultSchema>;

/** Takes the sign-in lock in `dir` if free; returns its release, or `null` when another process holds it. */
export async function tryTakeSignInLock(dir: string): Promise<(() => Promise<void>) | null> {
  await mkdir(dir, { recursive: true });
  try {
    const release = await lockfile.lock(join(dir, SIGNIN_LOCK_NAME), {
      realpath: false,
      // The holder touches the lock every 5 s; a holder that died frees it after 15 s.
      stale: 15_000,
      update: 5_000,
      retries: 0,
      onCompromised: () => undefined,
    });
    return () => release().catch(() => undefined);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ELOCKED') return null;
    throw cause;
  }
}

/** Whether some process holds the sign-in lock in `dir`. */
export async function isSignInLocked(dir: string): Promise<boolean> {
  return lockfile.check(join(dir, SIGNIN_LOCK_NAME), { realpath: false, stale: 15_000 }).catch(() => false);
}

/** Records how the last browser sign-in ended (0600, no secret). */
export async function writeSignInResult(
  dir: string,
  outcome: SignInOutcome,
  message: string,
  at = Date.now(),
): Promise<void> {
  const record: SignInResultRecord = { outcome, message, at };
  await writeFileAtomic(join(dir, SIGNIN_RESULT_FILE), `${JSON.stringify(record)}\n`, { mode: 0o600 });
}

/** The last browser sign-in's outcome, or `null` when there is none (or it cannot be read). */
export async function readSignInResult(dir: string): Promise<SignInResultRecord | null> {
  try {
    const parsed = resultSchema.safeParse(JSON.parse(await readFile(join(dir, SIGNIN_RESULT_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
