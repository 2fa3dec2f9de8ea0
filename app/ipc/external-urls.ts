/**
 * Which URLs the app may hand to the system browser: the login URL of the
 * sign-in in progress, and Eka's own https pages. Shared by Electron's main
 * process, the core and the demo host.
 */

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
