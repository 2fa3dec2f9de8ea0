/**
 * The server's settings, from flags, environment variables and `.env` files
 * (flags win over the environment, the environment over `.env` files), each
 * checked with a message that says what to fix.
 */
import { parseArgs } from 'node:util';
import { EkaConfigError } from '../errors';
import { type LogLevel, parseLogLevel } from '../logging';
import { describeArgsError } from './args-error';
import type { EnvMap } from './env-files';
import { type EkaEnvironment, ENVIRONMENTS, isEkaEnvironment } from './environments';

export type ServerMode = 'open' | 'client-credentials' | 'oidc';
export type ServerTransport = 'stdio' | 'http';
/** Which client-credentials token endpoint to use (Eka documents both). */
export type TokenFlow = 'connect-auth' | 'api-token';

export interface ServerConfig {
  transport: ServerTransport;
  mode: ServerMode;
  env: EkaEnvironment;
  /** Eka API base URL without a trailing slash. */
  apiBaseUrl: string;
  /** OpenID issuer for the desktop session (oidc mode). */
  issuer: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  apiKey: string | undefined;
  tokenFlow: TokenFlow;
  /** HTTP transport listen address. */
  host: string;
  port: number;
  logLevel: LogLevel;
  logFile: string | undefined;
  /** Per-request timeout towards Eka, in milliseconds. */
  requestTimeoutMs: number;
  /** Extra attempts for idempotent calls on 429/502/503/network errors. */
  maxRetries: number;
  /** First backoff delay in milliseconds (doubles each attempt, with jitter). */
  retryBaseMs: number;
  /** Longest wait the server accepts from Retry-After before giving up, in milliseconds. */
  maxRetryWaitMs: number;
  /** Refresh client-credential tokens this many seconds before they expire (capped at a fifth of the lifetime). */
  refreshMarginSeconds: number;
}

/** What `--help` prints. */
export const SERVER_USAGE = `Usage: eka-mcp-server [options]

Runs the Eka MCP server (Eka.care patients, appointments, ABHA and Indian
clinical references) for MCP clients such as Claude Desktop.

Options (each also read from the environment and from .env files):
  --transport stdio|http     stdio (default) or HTTP                 EKA_MCP_TRANSPORT
  --mode MODE                open | client-credentials | oidc        EKA_MCP_MODE
                             (default: client-credentials when EKA_CLIENT_ID and
                             EKA_CLIENT_SECRET are set, else open; client-credentials
                             without them reads the app's settings and OS keychain)
  --env ENV                  production | development | sandbox      EKA_ENV
  --api-base-url URL         Eka API base URL                        EKA_API_BASE_URL
  --issuer URL               OpenID issuer (oidc mode)               EKA_ISSUER
  --client-id ID             client id                               EKA_CLIENT_ID
                             client secret (environment only)        EKA_CLIENT_SECRET
                             API key (environment only)              EKA_API_KEY
  --token-flow FLOW          connect-auth | api-token                EKA_TOKEN_FLOW
  --host HOST                HTTP listen host (default 127.0.0.1)    EKA_MCP_SERVER_HOST
  --port PORT                HTTP listen port (default 8000)         EKA_MCP_SERVER_PORT
  --timeout-ms MS            Eka request timeout (default 30000)     EKA_HTTP_TIMEOUT_MS
  --log-level LEVEL          error | warn | info | debug             EKA_LOG_LEVEL
  --log-file PATH            also append logs to this file           EKA_LOG_FILE
  --help                     show this help

Other settings: EKA_HTTP_RETRIES (default 2), EKA_HTTP_RETRY_BASE_MS (default 250),
EKA_HTTP_MAX_RETRY_WAIT_MS (default 10000), EKA_TOKEN_REFRESH_MARGIN_S (default 60).

HTTP mode (--transport http) runs open unless EkaCare OAuth is configured:
  FASTMCP_SERVER_AUTH_EKACARE_BASE_URL        public URL of this server   } all three
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID       this server's client at Eka } or none
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET   its secret                  }
  FASTMCP_SERVER_AUTH_EKACARE_CLIENT_STORAGE_BE  Redis URL for shared OAuth state and token verdicts
  FASTMCP_SERVER_AUTH_EKACARE_ISSUER          Eka's OpenID provider (default by environment)
  FASTMCP_SERVER_AUTH_EKACARE_SCOPES          scopes asked upstream
  FASTMCP_SERVER_AUTH_EKACARE_TOKEN_USE       exchange (Eka API tokens, default) | direct
  FASTMCP_SERVER_AUTH_EKACARE_DIRECT_TOKENS   on (default) | off: raw Eka tokens accepted
  FASTMCP_SERVER_AUTH_EKACARE_DIRECT_CLIENT_IDS  only these Eka client ids' raw tokens
  FASTMCP_SERVER_AUTH_EKACARE_CHECK_PATH      raw-token check read (default /dr/v1/business/entities)
  FASTMCP_SERVER_AUTH_EKACARE_VALIDATE_PATH   a token-introspection path instead of the read
  FASTMCP_SERVER_AUTH_EKACARE_ACCESS_TOKEN_TTL, _REFRESH_TOKEN_TTL, _REGISTRATION_LIMIT,
  _REGISTRATIONS_PER_ADDRESS (see the README)
  EKA_MCP_ALLOWED_HOSTS, EKA_MCP_ALLOWED_ORIGINS, EKA_MCP_HTTP_MAX_BODY_BYTES,
  EKA_MCP_HTTP_REQUEST_TIMEOUT_MS, EKA_MCP_TRUST_PROXY (hop count or addresses; not true)

Logs go to stderr; stdout carries only the MCP protocol.
`;

export interface ParsedArgs {
  help: boolean;
  flags: Partial<Record<FlagName, string>>;
}

type FlagName =
  | 'transport'
  | 'mode'
  | 'env'
  | 'api-base-url'
  | 'issuer'
  | 'client-id'
  | 'token-flow'
  | 'host'
  | 'port'
  | 'timeout-ms'
  | 'log-level'
  | 'log-file';

const FLAG_NAMES: FlagName[] = [
  'transport',
  'mode',
  'env',
  'api-base-url',
  'issuer',
  'client-id',
  'token-flow',
  'host',
  'port',
  'timeout-ms',
  'log-level',
  'log-file',
];

/** Parses command-line flags; unknown flags and missing values are config errors. */
export function parseServerArgs(argv: string[]): ParsedArgs {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const name of FLAG_NAMES) options[name] = { type: 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }) as {
      values: Record<string, string | boolean | undefined>;
    });
  } catch (error) {
    throw new EkaConfigError(
      'invalid_config',
      `${describeArgsError(error)}. Run eka-mcp-server --help for the options.`,
      {
        cause: error,
      },
    );
  }
  const flags: ParsedArgs['flags'] = {};
  for (const name of FLAG_NAMES) {
    const value = values[name];
    if (typeof value === 'string') flags[name] = value;
  }
  return { help: values.help === true, flags };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const lower = value.trim().toLowerCase();
  const found = allowed.find((a) => a === lower);
  if (!found) {
    throw new EkaConfigError(
      'invalid_config',
      `${what} must be one of ${allowed.join(', ')} (got "${value}").`,
    );
  }
  return found;
}

function positiveInt(value: string, what: string, { min = 0, max = Number.MAX_SAFE_INTEGER } = {}): number {
  const n = Number(value.trim());
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new EkaConfigError(
      'invalid_config',
      `${what} must be a whole number from ${min} to ${max} (got "${value}").`,
    );
  }
  return n;
}

function url(value: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value.trim());
  } catch {
    throw new EkaConfigError(
      'invalid_config',
      `${what} must be an http(s) URL such as https://api.eka.care (got "${value}").`,
    );
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new EkaConfigError('invalid_config', `${what} must use http or https (got "${parsed.protocol}").`);
  }
  return parsed.toString().replace(/\/+$/, '');
}

function nonEmpty(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Builds the server config from parsed flags and an environment map (the real
 * environment already merged over `.env` files).
 */
export function resolveServerConfig(
  flags: ParsedArgs['flags'],
  env: EnvMap,
  /** The mode saved by the desktop app, used by a stdio server given no mode (client entries carry none). */
  savedMode?: ServerMode,
): ServerConfig {
  const pick = (flag: FlagName | undefined, variable: string | undefined) =>
    nonEmpty(flag ? flags[flag] : undefined) ?? nonEmpty(variable ? env[variable] : undefined);

  const envName = pick('env', 'EKA_ENV');
  const ekaEnv: EkaEnvironment = envName
    ? (oneOf(
        envName,
        ['production', 'development', 'sandbox'],
        'The environment (--env / EKA_ENV)',
      ) as EkaEnvironment)
    : 'production';
  if (!isEkaEnvironment(ekaEnv)) throw new EkaConfigError('invalid_config', 'Unknown environment.');
  const defaults = ENVIRONMENTS[ekaEnv];

  const clientId = pick('client-id', 'EKA_CLIENT_ID');
  const clientSecret = nonEmpty(env.EKA_CLIENT_SECRET);
  const apiKey = nonEmpty(env.EKA_API_KEY);

  const modeValue = pick('mode', 'EKA_MCP_MODE');
  const mode: ServerMode = modeValue
    ? oneOf(modeValue, ['open', 'client-credentials', 'oidc'] as const, 'The mode (--mode / EKA_MCP_MODE)')
    : clientId && clientSecret
      ? 'client-credentials'
      : (savedMode ?? 'open');
  // In client-credentials mode a missing id or secret is looked up, at the first call, in the
  // desktop app's settings and the OS keychain (where `eka-mcp credentials set` keeps them).

  const transportValue = pick('transport', 'EKA_MCP_TRANSPORT');
  const transport: ServerTransport = transportValue
    ? oneOf(transportValue, ['stdio', 'http'] as const, 'The transport (--transport)')
    : 'stdio';

  const tokenFlowValue = pick('token-flow', 'EKA_TOKEN_FLOW');
  const tokenFlow: TokenFlow = tokenFlowValue
    ? oneOf(
        tokenFlowValue,
        ['connect-auth', 'api-token'] as const,
        'The token flow (--token-flow / EKA_TOKEN_FLOW)',
      )
    : 'connect-auth';

  const levelValue = pick('log-level', 'EKA_LOG_LEVEL');
  const logLevel = levelValue ? parseLogLevel(levelValue) : 'info';
  if (!logLevel) {
    throw new EkaConfigError(
      'invalid_config',
      `The log level (--log-level / EKA_LOG_LEVEL) must be error, warn, info or debug (got "${levelValue}").`,
    );
  }

  const portValue = pick('port', 'EKA_MCP_SERVER_PORT');
  const timeoutValue = pick('timeout-ms', 'EKA_HTTP_TIMEOUT_MS');
  const retriesValue = pick(undefined, 'EKA_HTTP_RETRIES');
  const retryBaseValue = pick(undefined, 'EKA_HTTP_RETRY_BASE_MS');
  const maxWaitValue = pick(undefined, 'EKA_HTTP_MAX_RETRY_WAIT_MS');
  const marginValue = pick(undefined, 'EKA_TOKEN_REFRESH_MARGIN_S');

  const apiBaseUrlValue = pick('api-base-url', 'EKA_API_BASE_URL');
  const issuerValue = pick('issuer', 'EKA_ISSUER');

  return {
    transport,
    mode,
    env: ekaEnv,
    apiBaseUrl: apiBaseUrlValue
      ? url(apiBaseUrlValue, 'The API base URL (--api-base-url / EKA_API_BASE_URL)')
      : defaults.apiBaseUrl,
    issuer: issuerValue ? url(issuerValue, 'The issuer (--issuer / EKA_ISSUER)') : defaults.issuer,
    clientId,
    clientSecret,
    apiKey,
    tokenFlow,
    host: pick('host', 'EKA_MCP_SERVER_HOST') ?? '127.0.0.1',
    port: portValue
      ? positiveInt(portValue, 'The port (--port / EKA_MCP_SERVER_PORT)', { min: 0, max: 65535 })
      : 8000,
    logLevel,
    logFile: pick('log-file', 'EKA_LOG_FILE'),
    requestTimeoutMs: timeoutValue
      ? positiveInt(timeoutValue, 'The timeout (--timeout-ms / EKA_HTTP_TIMEOUT_MS)', {
          min: 1,
          max: 600_000,
        })
      : 30_000,
    maxRetries: retriesValue ? positiveInt(retriesValue, 'EKA_HTTP_RETRIES', { max: 10 }) : 2,
    retryBaseMs: retryBaseValue
      ? positiveInt(retryBaseValue, 'EKA_HTTP_RETRY_BASE_MS', { max: 60_000 })
      : 250,
    maxRetryWaitMs: maxWaitValue
      ? positiveInt(maxWaitValue, 'EKA_HTTP_MAX_RETRY_WAIT_MS', { max: 600_000 })
      : 10_000,
    refreshMarginSeconds: marginValue
      ? positiveInt(marginValue, 'EKA_TOKEN_REFRESH_MARGIN_S', { max: 3600 })
      : 60,
  };
}

/** Loads the full config: flags, then the environment merged over `.env` files in `cwd`. */
export async function loadServerConfig(options: {
  argv: string[];
  env: EnvMap;
  cwd: string;
}): Promise<{ help: boolean; config: ServerConfig | undefined }> {
  const parsed = parseServerArgs(options.argv);
  if (parsed.help) return { help: true, config: undefined };
  const { loadEnvFiles } = await import('./env-files');
  const env = await loadEnvFiles(options.cwd, options.env, nonEmpty(parsed.flags.env));
  const needsSavedMode =
    !nonEmpty(parsed.flags.mode) &&
    !nonEmpty(env.EKA_MCP_MODE) &&
    (nonEmpty(parsed.flags.transport) ?? nonEmpty(env.EKA_MCP_TRANSPORT) ?? 'stdio') === 'stdio';
  const savedMode = needsSavedMode ? await readSavedMode(env) : undefined;
  return { help: false, config: resolveServerConfig(parsed.flags, env, savedMode) };
}

/** The mode in the desktop app's settings file, when there is one (a broken file counts as none). */
async function readSavedMode(env: EnvMap): Promise<ServerMode | undefined> {
  const [{ readFile }, { join }, { settingsDir, SETTINGS_FILE }] = await Promise.all([
    import('node:fs/promises'),
    import('node:path'),
    import('../desktop/settings'),
  ]);
  try {
    const text = await readFile(join(settingsDir(env as NodeJS.ProcessEnv), SETTINGS_FILE), 'utf8');
    const mode = (JSON.parse(text) as { mode?: unknown }).mode ?? 'oidc';
    return mode === 'oidc' || mode === 'client-credentials' || mode === 'open' ? mode : undefined;
  } catch {
    return undefined;
  }
}
