/**
 * Client ID Metadata Documents (CIMD): an MCP client whose `client_id` is an
 * https URL publishes its metadata at that URL, and this server fetches it
 * instead of asking the client to register.
 *
 * The fetch is guarded against server-side request forgery: https only, no
 * redirects, every address the name resolves to must be public (no private,
 * loopback, link-local, multicast or reserved range; checked at connect time,
 * so a DNS answer that changes between check and use cannot slip through),
 * at most 5 KB, at most 5 seconds. Documents are cached for 10 minutes.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request } from 'node:https';
import { BlockList, isIP } from 'node:net';
import {
  InvalidClientError,
  InvalidClientMetadataError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthClientInformationFull } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { AuthLogger } from './auth-logger';
import type { KeyValueStore } from './key-value-store';
import { checkRedirectUri } from './redirect-uri';

const MAX_BYTES = 5 * 1024;
const TIMEOUT_MS = 5_000;
const CACHE_SECONDS = 10 * 60;
const MAX_REDIRECT_URIS = 10;
const MAX_CLIENT_NAME = 200;

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** Whether `address` is private, loopback, link-local or otherwise not a public internet address. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
    if (mapped?.[1]) return blocked.check(mapped[1], 'ipv4');
    if (/^::ffff:/i.test(address)) return true;
    return blocked.check(address, 'ipv6');
  }
  return true;
}

/** Whether `clientId` is meant as a Client ID Metadata Document URL. */
export function isMetadataDocumentUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}

/** Fetches, checks and caches Client ID Metadata Documents. */
export class ClientMetadataDocuments {
  readonly #store: KeyValueStore;
  readonly #allowPrivate: boolean;
  readonly #ca: string | undefined;
  readonly #logger: AuthLogger;

  constructor(options: {
    store: KeyValueStore;
    logger: AuthLogger;
    /** Test setting: allow loopback and private addresses. */
    allowPrivate?: boolean;
    /** Test setting: an extra trusted CA (PEM). */
    ca?: string;
  }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#allowPrivate = options.allowPrivate ?? false;
    this.#ca = options.ca;
  }

  /** The client a document describes; throws `InvalidClientError` when it cannot be used. */
  async get(clientId: string): Promise<OAuthClientInformationFull> {
    const url = checkDocumentUrl(clientId);
    const cacheKey = `cimd:${url.href}`;
    const cached = await this.#store.get(cacheKey);
    if (cached) return JSON.parse(cached) as OAuthClientInformationFull;
    let body: string;
    try {
      body = await this.#fetch(url);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#logger.warn('client metadata document refused', { clientId: url.href, reason });
      throw new InvalidClientError(
        `The client metadata document at ${url.href} could not be used: ${reason}`,
      );
    }
    const client = parseDocument(clientId, body);
    await this.#store.set(cacheKey, JSON.stringify(client), CACHE_SECONDS);
    return client;
  }

  #fetch(url: URL): Promise<string> {
    const allowPrivate = this.#allowPrivate;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !allowPrivate && isNonPublicAddress(host)) {
      return Promise.reject(new Error('it is on a private or local address'));
    }
    const lookup = (
      hostname: string,
      options: { all?: boolean },
      callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      dnsLookup(hostname, { all: true }, (error, addresses) => {
        if (error) return callback(error, '');
        const bad = addresses.find((entry) => isNonPublicAddress(entry.address));
        if (bad && !allowPrivate) return callback(new Error('it is on a private or local address'), '');
        if (options.all) return callback(null, addresses);
        const first = addresses[0] as LookupAddress;
        callback(null, first.address, first.family);
      });
    };
    return new Promise<string>((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'GET',
          headers: { accept: 'application/json' },
          lookup: lookup as never,
          timeout: TIMEOUT_MS,
          ...(this.#ca ? { ca: this.#ca } : {}),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`it answered ${res.statusCode} (redirects are not followed)`));
            return;
          }
          const declared = Number(res.headers['content-length'] ?? 0);
          if (declared > MAX_BYTES) {
            res.destroy();
            reject(new Error(`it is larger than ${MAX_BYTES} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BYTES) {
              res.destroy();
              reject(new Error(`it is larger than ${MAX_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error('it took too long')), TIMEOUT_MS);
      req.on('close', () => clearTimeout(timer));
      req.on('timeout', () => req.destroy(new Error('it took too long')));
      req.on('error', (error) => reject(error));
      req.end();
    });
  }
}

function checkDocumentUrl(clientId: string): URL {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw new InvalidClientError('client_id is not a valid URL');
  }
  if (url.protocol !== 'https:' || url.pathname === '/' || url.hash || url.username || url.password) {
    throw new InvalidClientError(
      'A URL client_id must be an https URL with a path, without fragment or credentials',
    );
  }
  if (url.href !== clientId) throw new InvalidClientError('A URL client_id must be in normal form');
  return url;
}

function parseDocument(clientId: string, body: string): OAuthClientInformationFull {
  let doc: Record<string, unknown>;
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    doc = parsed as Record<string, unknown>;
  } catch {
    throw new InvalidClientMetadataError('The client metadata document is not a JSON object');
  }
  if (doc.client_id !== clientId) {
    throw new InvalidClientMetadataError('The client metadata document names another client_id');
  }
  if ('client_secret' in doc || 'client_secret_expires_at' in doc) {
    throw new InvalidClientMetadataError('A client metadata document must not carry a client secret');
  }
  const method = doc.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') {
    throw new InvalidClientMetadataError(
      'Only public clients (token_endpoint_auth_method "none") are supported',
    );
  }
  const uris = doc.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS) {
    throw new InvalidClientMetadataError(`redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs`);
  }
  for (const uri of uris) {
    if (typeof uri !== 'string') throw new InvalidClientMetadataError('redirect_uris must be strings');
    checkRedirectUri(uri);
  }
  const name = doc.client_name;
  if (name !== undefined && (typeof name !== 'string' || name.length > MAX_CLIENT_NAME)) {
    throw new InvalidClientMetadataError(`client_name must be text of at most ${MAX_CLIENT_NAME} characters`);
  }
  return {
    client_id: clientId,
    redirect_uris: uris as string[],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    ...(typeof name === 'string' ? { client_name: name } : {}),
  };
}
