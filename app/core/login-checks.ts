/**
 * Checks on what the provider hands the desktop sign-in: the authorization
 * URL it may open in the browser, and the provider's own words it may repeat.
 */
import { redactText } from '../../server/redact';

/** Longest piece of the provider's own words (error_description, iss) that a message repeats. */
const MAX_ECHO_CHARS = 200;

/**
 * Text the redirect carried, fit to repeat in a message, the browser page and
 * the log: control characters removed, secrets and identifiers redacted, cut
 * to a short length.
 */
export function echoProviderText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
  const clean = redactText(text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')).trim();
  return clean.length > MAX_ECHO_CHARS ? `${clean.slice(0, MAX_ECHO_CHARS)}…` : clean;
}

/**
 * Whether the provider's authorization URL may be handed to the system
 * browser: https, or http on 127.0.0.1 / localhost (the local sandbox). Any
 * other scheme (file:, javascript:, a custom app handler) is refused.
 */
export function isSafeAuthorizationUrl(url: URL): boolean {
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
