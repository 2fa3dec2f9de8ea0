/**
 * The activity journal: one JSON line per tool call, in daily files under
 * `<settings folder>/activity/` (`YYYY-MM-DD.jsonl`, UTC days), private
 * (folder 0700, files 0600). Any number of server processes append at once
 * without a lock: each batch of lines is one write to a file opened for
 * appending (O_APPEND), which the OS places at the end of the file in one
 * piece, so lines from different processes never interleave or overwrite
 * each other. Days are never rewritten: whole days older than the retention
 * are deleted. It holds Eka ids only, never names,
 * mobiles, free text or tokens: entries are built from a fixed set of fields
 * (see `ActivityEntry`) and ids are checked against a strict pattern.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const ACTIVITY_FOLDER = 'activity';
export const DEFAULT_RETENTION_DAYS = 30;

export type ActivityOutcome = 'ok' | 'error' | 'refused' | 'declined' | 'invalid';

/** The Eka ids a call touched, by kind. */
export interface ActivityIds {
  patient?: string[];
  appointment?: string[];
  doctor?: string[];
  clinic?: string[];
}

/** One tool call as the journal keeps it. */
export interface ActivityEntry {
  /** Unique per call. */
  id: string;
  /** ISO 8601, UTC. */
  time: string;
  client?: { name: string; version?: string };
  tool: string;
  kind: 'read' | 'change';
  outcome: ActivityOutcome;
  /** The error's stable code when the outcome is `error`. */
  errorCode?: string;
  durationMs: number;
  ids: ActivityIds;
  transport?: 'stdio' | 'http';
}

export interface ReadOptions {
  /** Only entries at or after this time (epoch ms). */
  since?: number;
  changesOnly?: boolean;
  failuresOnly?: boolean;
  client?: string;
  tool?: string;
  /** Newest first, at most this many. */
  limit?: number;
}

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/;
const NAME_PATTERN = /^[\w .@/()+-]{1,80}$/;
const FILE_PATTERN = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
const DAY_MS = 86_400_000;

/** Whether `value` looks like an Eka id (and so may be journaled). */
export function isJournalId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** A client name or version as journaled: short plain text, else dropped. */
function cleanName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim().slice(0, 80);
  return NAME_PATTERN.test(trimmed) ? trimmed : undefined;
}

function cleanIds(ids: ActivityIds): ActivityIds {
  const out: ActivityIds = {};
  for (const key of ['patient', 'appointment', 'doctor', 'clinic'] as const) {
    const list = [...new Set((ids[key] ?? []).filter(isJournalId))].slice(0, 100);
    if (list.length > 0) out[key] = list;
  }
  return out;
}

export interface Journal {
  readonly dir: string;
  append(entry: Omit<ActivityEntry, 'id' | 'time'> & { time?: string }): Promise<ActivityEntry>;
  read(options?: ReadOptions): Promise<ActivityEntry[]>;
  /** Deletes every entry. */
  clear(): Promise<void>;
  /** Deletes the days older than the retention; returns how many files went. */
  prune(now?: number): Promise<number>;
}

export interface JournalOptions {
  /** The settings folder; the journal lives in its `activity/` folder. */
  settingsDir: string;
  /** Days to keep (re-read before each prune, so a settings change applies). */
  retentionDays?: () => number | Promise<number>;
  now?: () => number;
}

/** The journal in `settingsDir/activity`. */
export function createJournal(options: JournalOptions): Journal {
  const dir = join(options.settingsDir, ACTIVITY_FOLDER);
  const now = options.now ?? Date.now;
  let prunedDay: string | undefined;

  let dirReady = false;
  const ensureDir = async () => {
    if (dirReady) return;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    dirReady = true;
  };
  /** Days whose file this process has made private (once per file: a later loosening waits for the next day or restart). */
  const privateDays = new Set<string>();

  const retention = async () => {
    const days = (await options.retentionDays?.()) ?? DEFAULT_RETENTION_DAYS;
    return Number.isInteger(days) && days >= 1 ? days : DEFAULT_RETENTION_DAYS;
  };

  const files = async (): Promise<{ day: string; path: string }[]> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => FILE_PATTERN.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ day: m[1] as string, path: join(dir, m[0]) }))
      .sort((a, b) => (a.day < b.day ? -1 : 1));
  };

  const prune = async (at = now()): Promise<number> => {
    const days = await retention();
    const cutoff = new Date(at - days * DAY_MS).toISOString().slice(0, 10);
    let removed = 0;
    for (const file of await files()) {
      if (file.day < cutoff) {
        await rm(file.path, { force: true });
        removed += 1;
      }
    }
    return removed;
  };

  // Appends from one process go out in batches: one write per file for every line
  // queued meanwhile, so concurrent calls share a write.
  let queue: { entry: ActivityEntry; done: (error?: unknown) => void }[] = [];
  let flushing = false;

  const writeBatch = async (batch: typeof queue) => {
    const byFile = new Map<string, string[]>();
    for (const { entry } of batch) {
      const day = entry.time.slice(0, 10);
      const lines = byFile.get(day) ?? [];
      lines.push(`${JSON.stringify(entry)}\n`);
      byFile.set(day, lines);
    }
    await ensureDir();
    for (const [day, lines] of byFile) {
      const file = join(dir, `${day}.jsonl`);
      await appendLines(file, Buffer.from(lines.join('')));
      if (!privateDays.has(day)) {
        // Created private; an existing file is made private again if someone loosened it.
        await chmod(file, 0o600).catch(() => undefined);
        privateDays.add(day);
      }
      if (prunedDay !== day) {
        prunedDay = day;
        await prune();
      }
    }
  };

  /**
   * The file of the day being written, kept open for appending. Each batch is
   * one synchronous write of a few hundred bytes to it: cheaper than three
   * thread-pool round trips (open, write, close) per batch. A file deleted
   * meanwhile (Clear, or a prune elsewhere) is noticed by its link count and
   * opened again, so no line goes to a file nobody can read.
   */
  let open_: { file: string; fd: number } | undefined;
  const appendLines = async (file: string, bytes: Buffer): Promise<void> => {
    if (open_ && (open_.file !== file || fstatSync(open_.fd).nlink === 0)) {
      closeSync(open_.fd);
      open_ = undefined;
    }
    if (!open_) {
      let fd: number;
      try {
        fd = openSync(file, 'a', 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        dirReady = false;
        await ensureDir();
        fd = openSync(file, 'a', 0o600);
      }
      open_ = { file, fd };
    }
    let written = 0;
    while (written < bytes.length) written += writeSync(open_.fd, bytes, written);
  };

  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await writeBatch(batch);
        for (const item of batch) item.done();
      } catch (error) {
        for (const item of batch) item.done(error);
      }
    }
    flushing = false;
  };

  const enqueue = (entry: ActivityEntry) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ entry, done: (error) => (error === undefined ? resolve() : reject(error)) });
      if (!flushing) {
        flushing = true;
        // Every call answered in this turn of the event loop goes out in the same write.
        setImmediate(() => void flush());
      }
    });

  return {
    dir,
    async append(input) {
      const entry: ActivityEntry = {
        id: randomUUID(),
        time: input.time ?? new Date(now()).toISOString(),
        tool: input.tool.slice(0, 64),
        kind: input.kind,
        outcome: input.outcome,
        durationMs: Math.max(0, Math.round(input.durationMs)),
        ids: cleanIds(input.ids),
      };
      const name = cleanName(input.client?.name);
      if (name) {
        const version = cleanName(input.client?.version);
        entry.client = version ? { name, version } : { name };
      }
      if (input.errorCode && /^[a-z_]{1,40}$/.test(input.errorCode)) entry.errorCode = input.errorCode;
      if (input.transport) entry.transport = input.transport;
      await enqueue(entry);
      return entry;
    },

    async read(opts = {}) {
      const out: ActivityEntry[] = [];
      const sinceDay = opts.since !== undefined ? new Date(opts.since).toISOString().slice(0, 10) : undefined;
      for (const file of await files()) {
        if (sinceDay && file.day < sinceDay) continue;
        let text: string;
        try {
          text = await readFile(file.path, 'utf8');
        } catch {
          continue;
        }
        for (const line of text.split('\n')) {
          if (line.trim() === '') continue;
          let entry: ActivityEntry;
          try {
            entry = JSON.parse(line) as ActivityEntry;
          } catch {
            continue; // a torn last line after a crash
          }
          if (typeof entry?.tool !== 'string' || typeof entry.time !== 'string') continue;
          const time = Date.parse(entry.time);
          if (opts.since !== undefined && time < opts.since) continue;
          if (opts.changesOnly && entry.kind !== 'change') continue;
          if (opts.failuresOnly && entry.outcome === 'ok') continue;
          if (opts.client && entry.client?.name !== opts.client) continue;
          if (opts.tool && entry.tool !== opts.tool) continue;
          out.push(entry);
        }
      }
      out.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0));
      return opts.limit !== undefined ? out.slice(0, opts.limit) : out;
    },

    async clear() {
      for (const file of await files()) await rm(file.path, { force: true });
    },

    prune: (at) => prune(at),
  };
}

/** Appends without waiting on the caller; a failing journal never fails a tool call. */
export function appendQuietly(
  journal: Journal,
  entry: Parameters<Journal['append']>[0],
  onError: (error: unknown) => void,
): Promise<void> {
  return journal.append(entry).then(
    () => undefined,
    (error: unknown) => onError(error),
  );
}
