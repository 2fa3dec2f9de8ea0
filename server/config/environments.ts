/**
 * The Eka environments the product knows, with their documented defaults.
 * Every value can be overridden by a setting, a flag or an environment
 * variable.
 *
 * Published: the API hosts (`servers` of Eka's OpenAPI files, e.g.
 * authorization.yml: https://api.eka.care and https://api.dev.eka.care) and
 * the issuer https://accounts.eka.care/oauth2 (the discovery example in
 * ekascribe/api-reference/openapi.yaml). Not published: the desktop app's
 * client id (our default `eka-mcp-desktop`) and a separate development
 * issuer (the production one is used).
 */
export type EkaEnvironment = 'production' | 'development' | 'sandbox';

export interface EnvironmentDefaults {
  /** Eka API base URL (EMR and knowledge endpoints). */
  apiBaseUrl: string;
  /** OpenID Connect issuer for "Sign in with Eka". */
  issuer: string;
  /** Public OAuth client id of the desktop app at that issuer. */
  desktopClientId: string;
}

/** Default ports of `npm run sandbox` (both overridable there). */
export const SANDBOX_ISSUER_PORT = 7780;
export const SANDBOX_API_PORT = 7781;
/** Path of the issuer under its host, as Eka's (`https://accounts.eka.care/oauth2`). */
export const ISSUER_PATH = '/oauth2';

export const ENVIRONMENTS: Record<EkaEnvironment, EnvironmentDefaults> = {
  production: {
    apiBaseUrl: 'https://api.eka.care',
    issuer: 'https://accounts.eka.care/oauth2',
    desktopClientId: 'eka-mcp-desktop',
  },
  development: {
    apiBaseUrl: 'https://api.dev.eka.care',
    issuer: 'https://accounts.eka.care/oauth2',
    desktopClientId: 'eka-mcp-desktop',
  },
  sandbox: {
    apiBaseUrl: `http://127.0.0.1:${SANDBOX_API_PORT}`,
    issuer: `http://127.0.0.1:${SANDBOX_ISSUER_PORT}${ISSUER_PATH}`,
    desktopClientId: 'eka-mcp-desktop',
  },
};

/** Whether `value` names a known environment. */
export function isEkaEnvironment(value: unknown): value is EkaEnvironment {
  return value === 'production' || value === 'development' || value === 'sandbox';
}
