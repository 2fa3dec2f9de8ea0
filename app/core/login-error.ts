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
