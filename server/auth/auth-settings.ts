import { type EkaEnvironment, ENVIRONMENTS } from '../config/environments';
import { EkaConfigError } from '../errors';
import { redactText } from '../redact';
import type { TokenCheck } from './direct-token-validator';

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
  /** Eka API base URL, for the direct-token check and the OIDC token APIs. */
  apiBaseUrl: string;
  /** How a direct Eka token is checked (path relative to `apiBaseUrl`). */
  tokenCheck: TokenCheck;
  /** Whether raw Eka tokens are accepted at all (the internal-integrations path). */
  directTokens: boolean;
  /** When not empty, only direct tokens whose verdict names one of these client ids are accepted. */
  directClientIds: string[];
  /**
   * Which upstream tokens the server keeps for Eka calls: `exchange` turns the
   * provider's ID token into Eka API tokens (`/connect-auth/v1/oidc-client/{id}/verify`);
   * `direct` uses the provider's access token as the API accepts it.
   */
  tokenUse: 'exchange' | 'direct';
  /** Lifetime of this server's own access tokens, seconds. */
  accessTokenTtl: number;
  /** Lifetime of this server's own refresh tokens, seconds. */
  refreshTokenTtl: number;
  /** Most dynamic registrations per hour, per instance and across instances (Redis). */
  registrationLimit: number;
  /** Most dynamic registrations per hour from one client address. */
  registrationsPerAddress: number;
  /** Test setting: Client ID Metadata Documents may be on private or loopback addresses. */
  cimdAllowPrivate: boolean;
  /** Test setting: an extra CA (PEM file) trusted for Client ID Metadata Documents. */
  cimdCaFile: string | undefined;
  /** Redis URL for registered clients, pending logins, grants and token verdicts; memory when absent. */
  redisUrl: string | undefined;
}

const PREFIX = 'FASTMCP_SERVER_AUTH_EKACARE_';
const REQUIRED = ['BASE_URL', 'CLIENT_ID', 'CLIENT_SECRET'] as const;
const DEFAULT_SCOPES = 'openid profile email offline_access';
/** A cheap authenticated read Eka publishes (doc-tool.yaml): the default direct-token check. */
const DEFAULT_CHECK_PATH = '/dr/v1/business/entities';

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
  const path = (name: string, fallback: string | undefined): string | undefined => {
    const raw = value(name) ?? fallback;
    if (raw !== undefined && (!raw.startsWith('/') || /[?#\s]/.test(raw))) {
      throw new EkaConfigError(
        'invalid_config',
        `${PREFIX}${name} must be a path starting with "/", without query (got "${raw}").`,
      );
    }
    return raw;
  };
  const validatePath = path('VALIDATE_PATH', undefined);
  const tokenCheck: TokenCheck = validatePath
    ? { kind: 'validate', path: validatePath }
    : { kind: 'read', path: path('CHECK_PATH', DEFAULT_CHECK_PATH) as string };
  const choice = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = value(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    const found = allowed.find((item) => item === raw);
    if (!found) {
      throw new EkaConfigError(
        'invalid_config',
        `${PREFIX}${name} must be one of ${allowed.join(', ')} (got "${raw}").`,
      );
    }
    return found;
  };
  const seconds = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new EkaConfigError(
        'invalid_config',
        `${PREFIX}${name} must be a whole number from ${min} to ${max} (got "${raw}").`,
      );
    }
    return n;
  };
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
    tokenCheck,
    directTokens: choice('DIRECT_TOKENS', ['on', 'off'] as const, 'on') === 'on',
    directClientIds: (value('DIRECT_CLIENT_IDS') ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean),
    tokenUse: choice('TOKEN_USE', ['exchange', 'direct'] as const, 'exchange'),
    accessTokenTtl: seconds('ACCESS_TOKEN_TTL', 600, 60, 3600),
    refreshTokenTtl: seconds('REFRESH_TOKEN_TTL', 30 * 24 * 3600, 600, 90 * 24 * 3600),
    registrationLimit: seconds('REGISTRATION_LIMIT', 100, 1, 100_000),
    registrationsPerAddress: seconds('REGISTRATIONS_PER_ADDRESS', 20, 1, 100_000),
    cimdAllowPrivate: env.EKA_MCP_CIMD_ALLOW_PRIVATE?.trim() === '1',
    cimdCaFile: env.EKA_MCP_CIMD_CA_FILE?.trim() || undefined,
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
