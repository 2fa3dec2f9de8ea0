import { type LoginOptions, login } from '../../app/core/login';

/**
 * Starts a core sign-in whose "browser" is the test: `authorizationUrl`
 * resolves with the URL the app would open, `outcome` with the login's end
 * (its rejection is observed, so a test may leave it unawaited).
 */
export function startCoreLogin(options: Omit<LoginOptions, 'openExternal'> & Partial<LoginOptions>) {
  let resolveUrl!: (url: URL) => void;
  const authorizationUrl = new Promise<URL>((resolve) => {
    resolveUrl = resolve;
  });
  const outcome = login({ timeoutMs: 30_000, openExternal: (url) => resolveUrl(new URL(url)), ...options });
  outcome.catch(() => undefined);
  return { authorizationUrl, outcome };
}
