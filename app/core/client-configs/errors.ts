/** Stable codes of client-config failures. */
export type ClientConfigErrorCode =
  | 'unknown-client'
  | 'not-installed'
  | 'unparseable'
  | 'unexpected-shape'
  | 'read-only'
  | 'changed-meanwhile'
  | 'io';

/** A client-config failure with a stable code and a message the user can act on. */
export class ClientConfigError extends Error {
  readonly code: ClientConfigErrorCode;
  /** The config file concerned, when there is one. */
  readonly path?: string;

  constructor(
    code: ClientConfigErrorCode,
    message: string,
    options: { path?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ClientConfigError';
    this.code = code;
    this.path = options.path;
  }
}
