import { EkaAuthError } from '../errors';

/** The parts of Eka's OpenID provider metadata the OAuth proxy uses. */
export interface UpstreamMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  token_endpoint_auth_methods_supported?: string[];
  scopes_supported?: string[];
}

/** How long discovery may take. */
const DISCOVERY_TIMEOUT_MS = 10_000;

/**
 * Eka's OpenID provider, discovered lazily (the server starts even while the
 * provider is unreachable) and remembered once found.
 */
export class UpstreamProvider {
  readonly issuer: string;
  readonly #fetch: typeof fetch;
  #metadata: Promise<UpstreamMetadata> | undefined;

  constructor(issuer: string, options: { fetch?: typeof fetch } = {}) {
    this.issuer = issuer.replace(/\/+$/, '');
    this.#fetch = options.fetch ?? fetch;
  }

  /** The provider's discovery document, fetched once (retried after a failure). */
  metadata(): Promise<UpstreamMetadata> {
    if (!this.#metadata) {
      this.#metadata = this.#discover().catch((error: unknown) => {
        this.#metadata = undefined;
        throw error;
      });
    }
    return this.#metadata;
  }

  async #discover(): Promise<UpstreamMetadata> {
    const url = `${this.issuer}/.well-known/openid-configuration`;
    let body: unknown;
    try {
      const response = await this.#fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`discovery answered ${response.status}`);
      }
      body = await response.json();
    } catch (cause) {
      throw new EkaAuthError(
        'auth_required',
        `Eka's sign-in service (${this.issuer}) could not be reached; try again shortly.`,
        {
          cause,
        },
      );
    }
    const record = (body ?? {}) as Record<string, unknown>;
    for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const) {
      if (typeof record[field] !== 'string') {
        throw new EkaAuthError('auth_required', `Eka's sign-in service metadata has no ${field}.`);
      }
    }
    if (String(record.issuer).replace(/\/+$/, '') !== this.issuer) {
      throw new EkaAuthError(
        'auth_required',
        `Eka's sign-in service reports issuer ${String(record.issuer)}, expected ${this.issuer}.`,
      );
    }
    return record as unknown as UpstreamMetadata;
  }
}
