import * as client from 'openid-client';

export interface OidcConfigOptions {
  issuer: string;
  clientId: string;
  fetch?: typeof fetch;
  /** Seconds for each request to the provider. Default 15. */
  timeoutSeconds?: number;
}

/** Whether `url` is plain http to this machine (the sandbox), where TLS is not required. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

/** Checks an issuer URL: https, or http only on loopback. Throws a `TypeError` with a clear message otherwise. */
export function checkIssuerUrl(issuer: string): URL {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new TypeError(`The issuer "${issuer}" is not a URL`);
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw new TypeError(`The issuer ${url.origin} must use https (plain http is allowed only on 127.0.0.1)`);
  }
  return url;
}

const cache = new Map<string, Promise<client.Configuration>>();

/**
 * Discovers the OpenID provider for a public native client (no client
 * secret), once per issuer and client id in this process.
 */
export function discoverProvider(options: OidcConfigOptions): Promise<client.Configuration> {
  const url = checkIssuerUrl(options.issuer);
  const key = `${url.href}\n${options.clientId}`;
  const cached = options.fetch ? undefined : cache.get(key);
  if (cached) return cached;
  const discovered = client.discovery(url, options.clientId, undefined, client.None(), {
    execute: isLoopbackHttp(url) ? [client.allowInsecureRequests] : [],
    timeout: options.timeoutSeconds ?? 15,
    ...(options.fetch ? { [client.customFetch]: options.fetch as client.CustomFetch } : {}),
  });
  if (!options.fetch) {
    cache.set(key, discovered);
    discovered.catch(() => cache.delete(key));
  }
  return discovered;
}
