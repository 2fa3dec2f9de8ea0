import { constants } from 'node:fs';
import {
  access,
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { ClientConfigError } from './errors';

/** How many backups to keep beside each config file. */
export const BACKUPS_KEPT = 5;

/** The marker between a config file's name and the timestamp of its backups. */
export const BACKUP_MARKER = '.eka-backup-';

/** A config file as read from disk. */
export interface ConfigFile {
  /** The path the client reads (maybe a symlink). */
  path: string;
  /** The file actually written: the symlink's target, or `path`. */
  target: string;
  exists: boolean;
  /** The raw bytes, for byte-exact backups. */
  bytes: Buffer;
  /** The bytes decoded as UTF-8. */
  text: string;
  /** Permission bits to keep. */
  mode?: number;
}

function isErrno(error: unknown, ...codes: string[]): boolean {
  return codes.includes((error as NodeJS.ErrnoException)?.code ?? '');
}

function ioError(path: string, action: string, cause: unknown): ClientConfigError {
  const reason = (cause as NodeJS.ErrnoException)?.code ?? (cause as Error)?.message ?? String(cause);
  if (isErrno(cause, 'EACCES', 'EPERM', 'EROFS')) {
    return new ClientConfigError(
      'read-only',
      `Cannot ${action} ${path}: permission denied (${reason}). Nothing was changed: make the file writable and try again.`,
      { path, cause },
    );
  }
  return new ClientConfigError('io', `Cannot ${action} ${path} (${reason}). Nothing was changed.`, {
    path,
    cause,
  });
}

/** Reads a config file, following a symlink; a missing file reads as empty. */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let target = path;
  try {
    const link = await lstat(path);
    if (link.isSymbolicLink()) target = await realpath(path);
  } catch (cause) {
    if (isErrno(cause, 'ENOENT')) {
      // A dangling symlink: write where it points, so the link keeps working.
      try {
        const link = await lstat(path);
        if (link.isSymbolicLink()) {
          throw new ClientConfigError(
            'io',
            `${path} is a symbolic link to a file that does not exist. Nothing was changed: fix or remove the link and try again.`,
            { path },
          );
        }
      } catch (inner) {
        if (inner instanceof ClientConfigError) throw inner;
      }
      return { path, target, exists: false, bytes: Buffer.alloc(0), text: '' };
    }
    throw ioError(path, 'read', cause);
  }
  let bytes: Buffer;
  let mode: number;
  try {
    const info = await stat(target);
    if (!info.isFile()) {
      throw new ClientConfigError('io', `${path} is not a file. Nothing was changed.`, { path });
    }
    mode = info.mode & 0o7777;
    bytes = await readFile(target);
  } catch (cause) {
    if (cause instanceof ClientConfigError) throw cause;
    throw ioError(path, 'read', cause);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    throw new ClientConfigError(
      'unparseable',
      `${path} is not UTF-8 text. Nothing was changed: save it as UTF-8 in a text editor and try again.`,
      { path, cause },
    );
  }
  return { path, target, exists: true, bytes, text, mode };
}

/** Refuses a file the user has marked read-only (even where the process could write it anyway). */
export async function assertWritable(file: ConfigFile, label: string): Promise<void> {
  if (!file.exists) return;
  const readOnly = file.mode !== undefined && (file.mode & 0o200) === 0;
  let denied = false;
  try {
    await access(file.target, constants.W_OK);
  } catch {
    denied = true;
  }
  if (readOnly || denied) {
    throw new ClientConfigError(
      'read-only',
      `${label} config ${file.path} is read-only. Nothing was changed: make it writable (for example chmod u+w) and try again.`,
      { path: file.path },
    );
  }
}

/** Refuses to write when the file changed since it was read (the client saved it meanwhile): nothing is lost. */
export async function assertUnchanged(file: ConfigFile, label: string): Promise<void> {
  let now: Buffer | undefined;
  try {
    now = await readFile(file.target);
  } catch (cause) {
    if (!isErrno(cause, 'ENOENT')) throw ioError(file.path, 'read', cause);
  }
  const same = now === undefined ? !file.exists : file.exists && now.equals(file.bytes);
  if (!same) {
    throw new ClientConfigError(
      'changed-meanwhile',
      `${label} config ${file.path} changed while Eka MCP was editing it. Nothing was changed: try again.`,
      { path: file.path },
    );
  }
}

/** A backup name that sorts by time: `<file>.eka-backup-2026-01-31T09-15-02-123Z`. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/** The backups beside `path`, oldest first. */
export async function listBackups(path: string): Promise<string[]> {
  const prefix = basename(path) + BACKUP_MARKER;
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (cause) {
    if (isErrno(cause, 'ENOENT')) return [];
    throw cause;
  }
  return names
    .filter((name) => name.startsWith(prefix))
    .sort()
    .map((name) => join(dirname(path), name));
}

/**
 * Copies the file's current bytes (or `text`, the same file with secrets left
 * out) to a timestamped backup beside it, readable only by its owner (0600),
 * and keeps the newest few.
 */
export async function writeBackup(file: ConfigFile, now: Date, text?: string): Promise<string> {
  const base = `${file.path}${BACKUP_MARKER}${backupStamp(now)}`;
  for (let attempt = 0; ; attempt++) {
    const candidate = attempt === 0 ? base : `${base}-${attempt}`;
    try {
      await writeFile(candidate, text ?? file.bytes, { flag: 'wx', mode: 0o600 });
      // The mode given to open() is filtered by the umask; a backup is 0600 whatever it is.
      await chmod(candidate, 0o600);
      await pruneBackups(file.path, candidate);
      return candidate;
    } catch (cause) {
      if (isErrno(cause, 'EEXIST') && attempt < 100) continue;
      throw ioError(file.path, 'back up', cause);
    }
  }
}

async function pruneBackups(path: string, keep: string): Promise<void> {
  const backups = await listBackups(path);
  const excess = backups.slice(0, Math.max(0, backups.length - BACKUPS_KEPT)).filter((b) => b !== keep);
  for (const old of excess) await rm(old, { force: true });
}

/** Writes `text` atomically to the file's target, keeping its mode (0600 for a new file). */
export async function writeConfigFile(file: ConfigFile, text: string): Promise<void> {
  try {
    if (!file.exists) await mkdir(dirname(file.target), { recursive: true });
    await writeFileAtomic(file.target, text, { mode: file.mode ?? 0o600, encoding: 'utf8' });
  } catch (cause) {
    throw ioError(file.path, 'write', cause);
  }
}

/** Removes a config file Eka MCP created and has now emptied again. */
export async function removeConfigFile(file: ConfigFile): Promise<void> {
  try {
    await rm(file.target);
  } catch (cause) {
    throw ioError(file.path, 'remove', cause);
  }
}
