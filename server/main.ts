/**
 * `eka-mcp-server`: the Eka MCP server as MCP clients start it. Reads flags,
 * the environment and `.env` files, picks the token source for the mode and
 * serves over stdio (default) or HTTP. stdout carries JSON-RPC only: every
 * log, warning, startup error and crash report goes to stderr.
 */
import { loadServerConfig, SERVER_USAGE, type ServerConfig } from './config/server-config';
import { isEkaError } from './errors';
import { createLogger, type Logger, redactText } from './logging';

/** Reroutes console output to stderr so no library can write to the protocol stream. */
function guardStdout(): void {
  const toStderr = (...args: unknown[]) => {
    process.stderr.write(
      `${redactText(args.map((a) => (typeof a === 'string' ? a : safeInspect(a))).join(' '))}\n`,
    );
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
  process.stderr.write(`eka-mcp-server: ${redactText(message)}\n`);
  process.exit(code);
}

let logger: Logger | undefined;

function installCrashHandlers(): void {
  process.on('uncaughtException', (error) => {
    if (logger) logger.error('Unexpected error; the server keeps running', { error });
    else process.stderr.write(`eka-mcp-server: unexpected error: ${redactText(String(error))}\n`);
  });
  process.on('unhandledRejection', (reason) => {
    if (logger) logger.error('Unhandled rejection; the server keeps running', { error: reason });
    else process.stderr.write(`eka-mcp-server: unhandled rejection: ${redactText(String(reason))}\n`);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void (logger?.close() ?? Promise.resolve()).finally(() => process.exit(0));
    });
  }
}

async function runStdio(config: ServerConfig, log: Logger): Promise<void> {
  const [{ createTokenSource }, { createServer }, { startStdioServer }] = await Promise.all([
    import('./eka/token-sources/index'),
    import('./create-server'),
    import('./transports/stdio'),
  ]);
  const tokenSource = await createTokenSource(config, log);
  const server = createServer({ config, tokenSource, logger: log });
  const { closed } = await startStdioServer(server, log);
  log.info('Eka MCP server ready on stdio', { mode: config.mode, env: config.env, api: config.apiBaseUrl });
  await closed;
  log.debug('stdin closed; shutting down');
  await log.close();
  process.exit(0);
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
  logger = createLogger({ level: config.logLevel, file: config.logFile });
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
      // Graceful shutdown: stop accepting, let requests in flight finish, then exit.
      for (const signal of ['SIGINT', 'SIGTERM'] as const) {
        process.removeAllListeners(signal);
        process.once(signal, () => {
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
