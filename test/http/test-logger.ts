import type { Logger } from '../../server/logging';

/** A logger that keeps what it is told, for assertions. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
  };
  return {
    level: 'debug',
    lines,
    error: record('error'),
    warn: record('warn'),
    info: record('info'),
    debug: record('debug'),
    close: async () => {},
  } as Logger & { lines: string[] };
}

/** A logger that drops everything. */
export function silentLogger(): Logger {
  return recordingLogger();
}
