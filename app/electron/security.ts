/**
 * Which URLs the app may hand to the system browser, which senders may call
 * the core, and the page's content security policy.
 */

/** The renderer's content security policy (also sent as a response header). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Whether `url` is one of Eka's https pages (eka.care or a subdomain). */
export function isEkaPage(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return parsed.hostname === 'eka.care' || parsed.hostname.endsWith('.eka.care');
}

/**
 * Whether the app may open `url` in the system browser: the login URL of the
 * sign-in in progress (exactly), or one of Eka's https pages.
 */
export function isAllowedExternalUrl(url: string, pendingLoginUrl: string | undefined): boolean {
  if (pendingLoginUrl !== undefined && url === pendingLoginUrl) return true;
  return isEkaPage(url);
}

/**
 * Whether an IPC message comes from our own page: the sending frame's URL
 * must be the renderer's file (any hash or query).
 */
export function isTrustedSenderUrl(senderUrl: string | undefined, rendererUrl: string): boolean {
  if (!senderUrl) return false;
  let sender: URL;
  let ours: URL;
  try {
    sender = new URL(senderUrl);
    ours = new URL(rendererUrl);
  } catch {
    return false;
  }
  return sender.protocol === ours.protocol && sender.host === ours.host && sender.pathname === ours.pathname;
}
