/**
 * Which senders may call the core, and the page's content security policy.
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
