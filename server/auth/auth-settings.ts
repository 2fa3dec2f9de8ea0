import { type EkaEnvironment, ENVIRONMENTS } from '../config/environments';
import { EkaConfigError } from '../errors';
import { redactText } from '../redact';

/** How the HTTP mode authenticates callers. */
export type AuthSettings = OpenAuthSettings | EkaOAuthSettings;

export interface OpenAuthSettings {
  mode: 'open';
}

export interface EkaOAuthSettings {
  mode: 'oauth';
  /** Public URL of this server (no trailing slash), e.g. https://medai.example.com */
  baseUrl: string;
  /** Resource identifier of the MCP endpoint: `${baseUrl}/mcp`. Tokens must carry it as audience. */
  resource: string;
  /** This server's confidential client at Eka's OpenID provider. */
  clientId: string;
  clientSecret: string;
  /** Eka's OpenID provider. */
  issuer: string;
  /** Scopes requested upstream for MCP clients. */
  scopes: string[];
  /** Eka API base URL, for the direct-token check. */
  apiBaseUrl: string;
  /** Path of the Eka API token check, relative to `apiBaseUrl`. */
  validatePath: string;
  /** Redis URL for registered clients, pending logins and token verdicts; memory when absent. */
  redisUrl: string | undefined;
}

const PREFIX = 'FASTMCP_SERVER_AUTH_EKACARE_';
const REQUIRED = ['BASE_URL', 'CLIENT_ID', 'CLIENT_SECRET'] as const;
const DEFAULT_SCOPES = 'openid profile email offline_access';
const DEFAULT_VALIDATE_PATH = '/connect-auth/v1/account/validate';

/**
 * Reads the HTTP-mode auth settings from the environment.
 *
 * None of the three required variables set: open mode. Some but not all:
 * an `EkaConfigError` naming the missing ones.
 */
export function readAuthSettings(
  env: Record<string, string | undefined>,
  defaults: { environment: EkaEnvironment; apiBaseUrl?: string },
): AuthSettings {
  const value = (name: string): string | undefined => {
    const raw = env[`${PREFIX}${name}`]?.trim();
    return raw ? raw : undefined;
  };
  const present = REQUIRED.filter((name) => value(name) !== undefined);
  if (present.length === 0) return { mode: 'open' };
  const missing = REQUIRED.filter((name) => value(name) === undefined).map((name) => `${PREFIX}${name}`);
  if (missing.length > 0) {
    throw new EkaConfigError(
      'invalid_config',
      `EkaCare OAuth needs ${missing.join(' and ')} (set all of ${REQUIRED.map((n) => PREFIX + n).join(', ')}, or none for open mode).`,
    );
  }
  const envDefaults = ENVIRONMENTS[defaults.environment];
  const baseUrl = parseUrl(`${PREFIX}BASE_URL`, value('BASE_URL') as string);
  const base = new URL(baseUrl);
  if (base.protocol !== 'https:' && base.hostname !== 'localhost' && base.hostname !== '127.0.0.1') {
    throw new EkaConfigError(
      'invalid_config',
      `${PREFIX}BASE_URL must be an https URL (plain http only for localhost or 127.0.0.1): OAuth clients refuse anything else.`,
    );
  }
  if (base.pathname !== '/') {
    throw new EkaConfigError(
      'invalid_config',
      `${PREFIX}BASE_URL must be the server's origin without a path (e.g. https://medai.example.com).`,
    );
  }
  // The client secret goes to the issuer and callers' tokens to the API: never in clear over a network.
  const issuer = requireHttps(
    `${PREFIX}ISSUER`,
    parseUrl(`${PREFIX}ISSUER`, value('ISSUER') ?? envDefaults.issuer),
  );
  const apiBaseUrl = requireHttps(
    'EKA_API_BASE_URL',
    parseUrl('EKA_API_BASE_URL', defaults.apiBaseUrl ?? env.EKA_API_BASE_URL ?? envDefaults.apiBaseUrl),
  );
  const validatePath = value('VALIDATE_PATH') ?? DEFAULT_VALIDATE_PATH;
  if (!validatePath.startsWith('/')) {
    throw new EkaConfigError(
      'invalid_config',
      `${PREFIX}VALIDATE_PATH must start with "/" (got "${validatePath}").`,
    );
  }
  const redisUrl = value('CLIENT_STORAGE_BE');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new EkaConfigError(
      'invalid_config',
      `${PREFIX}CLIENT_STORAGE_BE must be a redis:// or rediss:// URL (e.g. redis://localhost:6379/0).`,
    );
  }
  return {
    mode: 'oauth',
    baseUrl,
    resource: `${baseUrl}/mcp`,
    clientId: value('CLIENT_ID') as string,
    clientSecret: value('CLIENT_SECRET') as string,
    issuer,
    scopes: (value('SCOPES') ?? DEFAULT_SCOPES).split(/\s+/).filter(Boolean),
    apiBaseUrl,
    validatePath,
    redisUrl,
  };
}

/** `url` itself when it is https or plain http on a loopback address; a clear error otherwise. */
function requireHttps(name: string, url: string): string {
  const { protocol, hostname } = new URL(url);
  const loopback = hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
  if (protocol === 'https:' || loopback) return url;
  throw new EkaConfigError(
    'invalid_config',
    `${name} must be an https URL (plain http only for localhost or 127.0.0.1): secrets and tokens would cross the network in clear.`,
  );
}

function parseUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw new EkaConfigError(
      'invalid_config',
      `${name} must be an absolute URL (got "${redactText(raw)}").`,
      { cause },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EkaConfigError('invalid_config', `${name} must be an http(s) URL (got "${redactText(raw)}").`);
  }
  if (url.search || url.hash) {
    throw new EkaConfigError(
      'invalid_config',
      `${name} must not have a query or fragment (got "${redactText(raw)}").`,
    );
  }
  return url.href.replace(/\/+$/, '');
}
