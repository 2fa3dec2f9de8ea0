/**
 * The slice of the server logger the auth layer uses. Messages and fields
 * never carry a token, a secret or a patient identifier.
 */
export interface AuthLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
