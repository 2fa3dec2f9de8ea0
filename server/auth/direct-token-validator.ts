import { decodeJwt } from 'jose';
import { EkaAuthError } from '../errors';
import { type Clock, systemClock } from './clock';
import type { TokenVerdict } from './token-verdict';
import type { VerdictCache } from './verdict-cache';

/** How long the Eka API token check may take. */
const VALIDATE_TIMEOUT_MS = 10_000;

/** The Eka API could not give a verdict (down, slow, unreadable): the request is refused, nothing cached. */
export class TokenCheckUnavailableError extends EkaAuthError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('token_rejected', message, options);
    this.name = 'TokenCheckUnavailableError';
  }
}

/**
 * How a raw Eka token is checked:
 * - `read` (default): a cheap authenticated read Eka publishes
 *   (`GET /dr/v1/business/entities`): 2xx valid, 401/403 invalid, anything
 *   else unavailable. The subject, client id and expiry come from the
 *   token's own claims when it is a JWT (Eka accepted it, so they are Eka's).
 * - `validate`: a token-introspection path that answers `{active, sub,
 *   client_id, exp}`, for deployments that have one.
 */
export type TokenCheck = { kind: 'read'; path: string } | { kind: 'validate'; path: string };

/**
 * Validates a raw Eka token with the Eka API (the token as bearer), through
 * the verdict cache. Concurrent checks of one token share a single request.
 */
export class DirectTokenValidator {
  readonly #url: string;
  readonly #check: TokenCheck;
  readonly #cache: VerdictCache;
  readonly #clock: Clock;
  readonly #fetch: typeof fetch;
  readonly #inFlight = new Map<string, Promise<TokenVerdict>>();

  constructor(options: {
    apiBaseUrl: string;
    check: TokenCheck;
    cache: VerdictCache;
    clock?: Clock;
    fetch?: typeof fetch;
  }) {
    this.#check = options.check;
    this.#url = `${options.apiBaseUrl.replace(/\/+$/, '')}${options.check.path}`;
    this.#cache = options.cache;
    this.#clock = options.clock ?? systemClock;
    this.#fetch = options.fetch ?? fetch;
  }

  /** The verdict on `token`, cached or fresh. Throws `TokenCheckUnavailableError` when none can be had. */
  async validate(token: string): Promise<TokenVerdict> {
    const cached = await this.#cache.get(token);
    if (cached) return cached;
    const pending = this.#inFlight.get(token);
    if (pending) return pending;
    const check = this.#checkLive(token).finally(() => this.#inFlight.delete(token));
    this.#inFlight.set(token, check);
    return check;
  }

  async #checkLive(token: string): Promise<TokenVerdict> {
    let response: Response;
    try {
      response = await this.#fetch(this.#url, {
        method: 'GET',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(VALIDATE_TIMEOUT_MS),
      });
    } catch (cause) {
      throw new TokenCheckUnavailableError('The Eka token check could not be reached; try again shortly.', {
        cause,
      });
    }
    let verdict: TokenVerdict;
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      verdict = { active: false };
    } else if (response.ok && this.#check.kind === 'read') {
      await response.body?.cancel();
      verdict = claimsVerdict(token, this.#clock());
    } else if (response.ok) {
      verdict = parseVerdict(await response.json().catch(() => undefined), this.#clock());
    } else {
      await response.body?.cancel();
      throw new TokenCheckUnavailableError(
        `The Eka token check answered ${response.status}; try again shortly.`,
      );
    }
    await this.#cache.put(token, verdict);
    return verdict;
  }
}

function parseVerdict(body: unknown, now: number): TokenVerdict {
  if (typeof body !== 'object' || body === null) {
    throw new TokenCheckUnavailableError('The Eka token check gave an unreadable answer; try again shortly.');
  }
  const record = body as Record<string, unknown>;
  const exp = typeof record.exp === 'number' && Number.isFinite(record.exp) ? record.exp : undefined;
  const active = record.active === true && (exp === undefined || exp * 1000 > now);
  if (!active) return { active: false };
  return {
    active: true,
    ...(typeof record.sub === 'string' ? { sub: record.sub } : {}),
    ...(typeof record.client_id === 'string' ? { clientId: record.client_id } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
}

/** The verdict on a token Eka just accepted: its own claims when it is a JWT, else just valid. */
function claimsVerdict(token: string, now: number): TokenVerdict {
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(token);
  } catch {
    return { active: true };
  }
  const exp = typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp : undefined;
  if (exp !== undefined && exp * 1000 <= now) return { active: false };
  const clientId =
    typeof claims.client_id === 'string'
      ? claims.client_id
      : typeof claims.azp === 'string'
        ? claims.azp
        : undefined;
  return {
    active: true,
    ...(typeof claims.sub === 'string' ? { sub: claims.sub } : {}),
    ...(clientId ? { clientId } : {}),
    ...(exp !== undefined ? { exp } : {}),
  };
}
