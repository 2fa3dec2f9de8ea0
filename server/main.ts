/**
 * `eka-mcp-server`: the Eka MCP server as MCP clients start it. Reads flags,
 * the environment and `.env` files, picks the token source for the mode and
 * serves over stdio (default) or HTTP. stdout carries JSON-RPC only: every
 * log, warning, startup error and crash report goes to stderr.
 *
 * The process never outlives its client: when stdin ends or stdout is gone
 * it exits within a second, SIGTERM always ends it, and a failing stdout or
 * stderr (EPIPE, EBADF: the reader went away) is never reported to the
 * stream that failed, so a closed stderr cannot start a loop of errors.
 */
import { loadServerConfig, SERVER_USAGE, type ServerConfig } from './config/server-config';
import { isEkaError } from './errors';
import { createLogger, type Logger, redactText } from './logging';

/** How long shutdown may take before the process exits anyway, in milliseconds. */
const EXIT_DEADLINE_MS = 800;

/** Set once stderr failed: from then on nothing more is written to it. */
let stderrGone = false;

/** Writes to stderr unless it has failed; never throws. */
function writeStderr(text: string): void {
  if (stderrGone || process.stderr.destroyed) return;
  try {
    process.stderr.write(text);
  } catch {
    stderrGone = true;
  }
}

/** The logger's stream: stderr, until it fails. */
const stderrSink = {
  write(chunk: string): boolean {
    writeStderr(chunk);
    return true;
  },
} as unknown as NodeJS.WritableStream;

/** Whether `error` says a standard stream's reader went away (the pipe or descriptor is gone). */
function isStreamGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'EPIPE' || code === 'EBADF' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Watches stdout and stderr: an error on stderr silences it (it is never
 * logged there); an error on stdout ends the process, since no client can
 * read our answers any more (in HTTP mode stdout carries nothing, and its
 * loss is ignored).
 */
function guardStreams(transport: 'stdio' | 'http'): void {
  process.stderr.on('error', () => {
    stderrGone = true;
  });
  process.stdout.on('error', (error) => {
    if (transport === 'http') return;
    logger?.debug('stdout is gone; exiting', { code: (error as NodeJS.ErrnoException).code });
    exitSoon(0);
  });
}

let exiting = false;

/** Closes the log file and exits, within EXIT_DEADLINE_MS whatever happens. */
function exitSoon(code: number): void {
  if (exiting) return;
  exiting = true;
  setTimeout(() => process.exit(code), EXIT_DEADLINE_MS).unref();
  void (logger?.close() ?? Promise.resolve()).finally(() => process.exit(code));
}

/** Reroutes console output to stderr so no library can write to the protocol stream. */
function guardStdout(): void {
  const toStderr = (...args: unknown[]) => {
    writeStderr(`${redactText(args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' '))}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
  console.warn = toStderr;
  console.trace = toStderr;
}

function safeInspect(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function fail(message: string, code = 2): never {
  writeStderr(`eka-mcp-server: ${redactText(message)}\n`);
  process.exit(code);
}

let logger: Logger | undefined;

function installCrashHandlers(): void {
  process.on('uncaughtException', (error) => {
    // A pipe whose reader went away is not reported: it may be stderr itself (stdout and stderr
    // have their own error handlers, so this is a last line of defence against a loop of errors).
    if (isStreamGone(error)) return;
    if (logger) logger.error('Unexpected error; the server keeps running', { error });
    else writeStderr(`eka-mcp-server: unexpected error: ${redactText(String(error))}\n`);
  });
  process.on('unhandledRejection', (reason) => {
    if (isStreamGone(reason)) return;
    if (logger) logger.error('Unhandled rejection; the server keeps running', { error: reason });
    else writeStderr(`eka-mcp-server: unhandled rejection: ${redactText(String(reason))}\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => exitSoon(0));
  }
}

async function runStdio(config: ServerConfig, log: Logger): Promise<void> {
  const [{ createTokenSource }, { createServerFactory }, { startStdioServer }] = await Promise.all([
    import('./eka/token-sources/index'),
    import('./create-server'),
    import('./transports/stdio'),
  ]);
  const tokenSource = await createTokenSource(config, log);
  const factory = createServerFactory({ config, tokenSource, logger: log });
  const { closed } = await startStdioServer(factory, log);
  log.info('Eka MCP server ready on stdio', { mode: config.mode, env: config.env, api: config.apiBaseUrl });
  await closed;
  log.debug('stdin closed; shutting down');
  exitSoon(0);
}

async function main(): Promise<void> {
  guardStdout();
  installCrashHandlers();
  let loaded: Awaited<ReturnType<typeof loadServerConfig>>;
  try {
    loaded = await loadServerConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
  } catch (error) {
    fail(isEkaError(error) ? error.message : `cannot read the settings: ${(error as Error).message}`);
  }
  if (loaded.help || !loaded.config) {
    process.stderr.write(SERVER_USAGE);
    process.exit(0);
  }
  const config = loaded.config;
  guardStreams(config.transport === 'http' ? 'http' : 'stdio');
  logger = createLogger({ level: config.logLevel, file: config.logFile, stream: stderrSink });
  // The HTTP transport says itself whether it runs open or behind EkaCare OAuth.
  if (config.mode === 'open' && config.transport !== 'http') {
    logger.warn(
      'Running in open mode: no authentication, Eka calls carry no token (development and internal use)',
    );
  }
  if (config.transport === 'http') {
    const log = logger;
    try {
      const [{ startHttpServer }, { loadEnvFiles }, { parseServerArgs }] = await Promise.all([
        import('./transports/http'),
        import('./config/env-files'),
        import('./config/server-config'),
      ]);
      const envName = parseServerArgs(process.argv.slice(2)).flags.env;
      const env = await loadEnvFiles(process.cwd(), process.env, envName);
      const http = await startHttpServer(config, log, { env });
      // Graceful shutdown: stop accepting, let requests in flight finish, then exit; a second signal exits at once.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(signal);
        process.on(signal, () => {
          if (exiting) process.exit(0);
          exiting = true;
          log.info(`${signal} received; shutting down`);
          void http
            .close()
            .then(() => log.close())
            .finally(() => process.exit(0));
        });
      }
      return;
    } catch (error) {
      // A known cause gets its one line below; the details (cause, stack) only at debug level.
      if (isEkaError(error)) log.debug('The HTTP server could not start', { error });
      else log.error('The HTTP server could not start', { error });
      await log.close();
      fail(isEkaError(error) ? error.message : 'the HTTP server could not start; see the log above.');
    }
  }
  try {
    await runStdio(config, logger);
  } catch (error) {
    if (isEkaError(error)) logger.debug('The server could not start', { error });
    else logger.error('The server could not start', { error });
    await logger.close();
    fail(isEkaError(error) ? error.message : 'the server could not start; see the log above.');
  }
}

void main();
