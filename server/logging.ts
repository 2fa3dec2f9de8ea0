/**
 * The server's logger: human-readable lines on stderr (stdout belongs to the
 * protocol) and optionally appended to a file, every message and field passed
 * through `redact()` first.
 */
import { closeSync, createWriteStream, fchmodSync, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { redact, redactText } from './redact';

export { redact, redactText } from './redact';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

const RANK: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  readonly level: LogLevel;
  error(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Flushes and closes the log file, if any. */
  close(): Promise<void>;
}

/** Reads a level name the way users write it (INFO, warning, Debug, CRITICAL); `undefined` when unknown. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  switch (value.trim().toLowerCase()) {
    case 'error':
    case 'critical':
    case 'fatal':
      return 'error';
    case 'warn':
    case 'warning':
      return 'warn';
    case 'info':
    case 'notice':
      return 'info';
    case 'debug':
    case 'trace':
      return 'debug';
    default:
      return undefined;
  }
}

export interface LoggerOptions {
  level: LogLevel;
  /** Also append every line to this file (created with mode 0600). */
  file?: string;
  /** Where lines go; defaults to process.stderr. */
  stream?: NodeJS.WritableStream;
}

/** Creates a logger writing redacted lines to stderr and, when asked, to a file. */
export function createLogger(options: LoggerOptions): Logger {
  const stream = options.stream ?? process.stderr;
  let file: WriteStream | undefined;
  if (options.file) {
    try {
      file = openPrivateLog(options.file);
    } catch (error) {
      stream.write(
        `${new Date().toISOString()} WARN cannot write the log file: ${redactText((error as Error).message)}\n`,
      );
    }
    file?.on('error', (error) => {
      stream.write(
        `${new Date().toISOString()} WARN cannot write the log file: ${redactText(error.message)}\n`,
      );
      file = undefined;
    });
  }
  const threshold = RANK[options.level];

  function write(level: LogLevel, message: string, fields?: Record<string, unknown>): void {
    if (RANK[level] > threshold) return;
    let line = `${new Date().toISOString()} ${level.toUpperCase()} ${redactText(message)}`;
    if (fields && Object.keys(fields).length > 0) {
      line += ` ${safeJson(redact(fields))}`;
    }
    line += '\n';
    stream.write(line);
    file?.write(line);
  }

  return {
    level: options.level,
    error: (m, f) => write('error', m, f),
    warn: (m, f) => write('warn', m, f),
    info: (m, f) => write('info', m, f),
    debug: (m, f) => write('debug', m, f),
    close: () =>
      new Promise((resolve) => {
        if (!file) return resolve();
        file.end(() => resolve());
      }),
  };
}

/**
 * Opens the log file for appending, private to the user: its folder is
 * created 0700, and a file that already exists with wider permissions
 * (created by hand, or by an older version) is narrowed to 0600.
 */
function openPrivateLog(path: string): WriteStream {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const fd = openSync(path, 'a', 0o600);
  try {
    if (process.platform !== 'win32') fchmodSync(fd, 0o600);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return createWriteStream('', { fd, flags: 'a' });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '"[unserialisable]"';
  }
}
