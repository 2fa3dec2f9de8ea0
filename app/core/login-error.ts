/** Stable codes of a failed "Sign in with Eka". */
export type LoginErrorCode =
  | 'login-in-progress'
  | 'invalid-issuer'
  | 'provider-unreachable'
  | 'provider-invalid'
  | 'port-in-use'
  | 'listener-failed'
  | 'browser-failed'
  | 'cancelled'
  | 'timeout'
  | 'access-denied'
  | 'provider-error'
  | 'state-mismatch'
  | 'issuer-mismatch'
  | 'token-exchange-failed'
  | 'eka-token-refused'
  | 'eka-unreachable'
  | 'id-token-invalid';

/** Sign-in failed: `code` is stable, the message tells the clinician what happened and what to do. */
export class LoginError extends Error {
  readonly code: LoginErrorCode;

  constructor(code: LoginErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LoginError';
    this.code = code;
  }
}

/** How a sign-in ended, as told to the processes waiting for it (no secret in it). */
export type LoginOutcome = 'signed-in' | 'cancelled' | 'denied' | 'failed' | 'timeout';

/** The outcome and the clinician's message for a failed sign-in. */
export function loginOutcomeOf(error: unknown): { outcome: LoginOutcome; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof LoginError)) return { outcome: 'failed', message };
  switch (error.code) {
    case 'cancelled':
      return { outcome: 'cancelled', message };
    case 'access-denied':
      return { outcome: 'denied', message };
    case 'timeout':
      return { outcome: 'timeout', message };
    default:
      return { outcome: 'failed', message };
  }
}
