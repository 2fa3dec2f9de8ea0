/**
 * Which redirect URIs an MCP client may register, and which need the
 * clinician's consent on our page before a sign-in goes to Eka.
 *
 * Allowed: https; http on a loopback address (native apps, RFC 8252 §7.3);
 * a private-use scheme in reverse-DNS form (`com.example.app:/cb`, RFC 8252
 * §7.1). Refused: every other scheme, including browser and app launchers
 * that hand the URL on to something else (`microsoft-edge:https://…`,
 * `x-safari-https://…`, `googlechromes://`, `intent://`,
 * `chrome-extension://`, `ms-word:ofe|u|https://…`, `mailto:`).
 */
import { InvalidClientMetadataError } from '@modelcontextprotocol/sdk/server/auth/errors.js';

/** The longest redirect URI accepted. */
const MAX_REDIRECT_URI_LENGTH = 2_000;

/** A reverse-DNS scheme: at least two dot-separated labels, as in `com.example.app`. */
const REVERSE_DNS_SCHEME = /^[a-z][a-z0-9-]*(?:\.[a-z0-9][a-z0-9-]*)+:$/;

export function isLoopbackHost(hostname: string): boolean {
  return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
}

/** Whether `uri` is plain http on a loopback address (a native app on this machine). */
export function isLoopbackHttp(uri: string): boolean {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}

/** Throws `InvalidClientMetadataError` unless `uri` may be registered as a redirect URI. */
export function checkRedirectUri(uri: string): void {
  if (uri.length > MAX_REDIRECT_URI_LENGTH) {
    throw new InvalidClientMetadataError(`redirect_uri is longer than ${MAX_REDIRECT_URI_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new InvalidClientMetadataError(`redirect_uri is not a URL: ${uri.slice(0, 200)}`);
  }
  if (url.hash || uri.includes('#')) {
    throw new InvalidClientMetadataError(`redirect_uri must not have a fragment: ${uri}`);
  }
  if (url.username || url.password) {
    throw new InvalidClientMetadataError(`redirect_uri must not carry a user name or password: ${uri}`);
  }
  if (url.protocol === 'https:' && url.hostname) return;
  if (isLoopbackHttp(uri)) return;
  // A private-use scheme names its app in reverse-DNS form and carries no other URL inside it.
  if (
    REVERSE_DNS_SCHEME.test(url.protocol) &&
    !/[a-z][a-z0-9+.-]*:\/\//i.test(uri.slice(url.protocol.length))
  ) {
    return;
  }
  throw new InvalidClientMetadataError(
    `redirect_uri must be https, http on a loopback address, or an app scheme in reverse-DNS form such as com.example.app:/callback: ${uri.slice(0, 200)}`,
  );
}

/** Whether a sign-in for `redirectUri` needs the clinician's consent on our page (all but loopback http). */
export function needsConsent(redirectUri: string): boolean {
  return !isLoopbackHttp(redirectUri);
}
