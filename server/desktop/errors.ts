/**
 * Errors of the desktop state shared by the app, the CLI and the server:
 * keychain, settings, session and sign-in. Each carries a stable `code` and a
 * message a clinician can act on; the underlying error is kept as `cause`.
 */
export type DesktopErrorCode =
  | 'keychain-unavailable'
  | 'keychain-failed'
  | 'settings-invalid'
  | 'settings-unreadable'
  | 'settings-unwritable'
  | 'session-corrupt'
  | 'signed-out'
  | 'refresh-unreachable'
  | 'refresh-failed'
  | 'lock-failed';

export class DesktopError extends Error {
  readonly code: DesktopErrorCode;

  constructor(code: DesktopErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DesktopError';
    this.code = code;
  }
}

/** Whether `error` is a `DesktopError`, optionally with the given code. */
export function isDesktopError(error: unknown, code?: DesktopErrorCode): error is DesktopError {
  return error instanceof DesktopError && (code === undefined || error.code === code);
}
