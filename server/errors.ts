/**
 * Errors the server raises, one class per area. Each carries a stable `code`
 * that tests, logs and clients can match on, a message a clinician can act on
 * (never a token, secret or patient identifier), and the original `cause`.
 */

/** Common base: a stable code plus a clinician-actionable message. */
export class EkaError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EkaError';
    this.code = code;
  }
}

export type EkaAuthErrorCode =
  | 'session_expired'
  | 'signed_out'
  | 'invalid_credentials'
  | 'auth_required'
  | 'token_rejected'
  | 'forbidden'
  | 'sign_in_pending'
  | 'sign_in_cancelled'
  | 'sign_in_failed';

/** No usable Eka token: signed out, expired session, bad credentials, open mode refused. */
export class EkaAuthError extends EkaError {
  declare readonly code: EkaAuthErrorCode;

  constructor(code: EkaAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EkaAuthError';
  }
}

export type EkaApiErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'timeout'
  | 'network_error'
  | 'malformed_response';

/** The Eka API answered with an error, an unreadable reply, or not at all. */
export class EkaApiError extends EkaError {
  declare readonly code: EkaApiErrorCode;
  /** HTTP status from Eka, when there was one. */
  readonly status: number | undefined;
  /** Seconds Eka asked us to wait (429 Retry-After), when given. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: EkaApiErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number; retryAfterSeconds?: number },
  ) {
    super(code, message, options);
    this.name = 'EkaApiError';
    this.status = options?.status;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export type EkaConfigErrorCode = 'invalid_config' | 'not_available';

/** A flag, environment variable or `.env` value is wrong or missing. */
export class EkaConfigError extends EkaError {
  declare readonly code: EkaConfigErrorCode;

  constructor(code: EkaConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'EkaConfigError';
  }
}

/** A tool argument passed the schema but still cannot be used (e.g. end date before start date). */
export class EkaInputError extends EkaError {
  declare readonly code: 'invalid_input';

  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_input', message, options);
    this.name = 'EkaInputError';
  }
}

/** Whether `error` is one of ours (and so has a code and a safe message). */
export function isEkaError(error: unknown): error is EkaError {
  return error instanceof EkaError;
}
