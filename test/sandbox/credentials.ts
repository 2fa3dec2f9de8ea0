/**
 * The sandbox's fixed, documented credentials. They open nothing but the
 * local sandbox; every value is synthetic.
 */
export const CLINICIAN = {
  accountId: 'doc-ananya-iyer',
  username: 'dr.ananya',
  password: 'sandbox-clinician',
  name: 'Dr. Ananya Iyer',
  givenName: 'Ananya',
  familyName: 'Iyer',
  email: 'ananya.iyer@clinic.example',
} as const;

/** Public native client of the desktop app ("Sign in with Eka"). */
export const DESKTOP_CLIENT_ID = 'eka-mcp-desktop';
/** Redirect URI registered for the desktop client; any port is accepted (RFC 8252). */
export const DESKTOP_REDIRECT_URI = 'http://127.0.0.1/callback';

/** Confidential client of the HTTP mode's OAuth proxy. */
export const SERVER_CLIENT_ID = 'eka-mcp-server';
export const SERVER_CLIENT_SECRET = 'sandbox-server-secret';

/** Client-credentials integrator. */
export const INTEGRATOR_CLIENT_ID = 'sandbox-integrator';
export const INTEGRATOR_CLIENT_SECRET = 'sandbox-integrator-secret';
export const INTEGRATOR_API_KEY = 'sandbox-api-key';

/** The fixed one-time password of the sandbox's ABHA login. */
export const ABHA_TEST_OTP = '123456';
