/**
 * Eka's OIDC token APIs (authorization.yml): the provider's ID token becomes
 * a pair of Eka API tokens at `/connect-auth/v1/oidc-client/{client_id}/verify`,
 * renewed at `/connect-auth/v1/oidc-client/{client_id}/refresh`. The OAuth
 * proxy keeps that pair in its grant and uses it for every call to Eka.
 */
import type { z } from 'zod/v4';
import { type OidcTokenReply, oidcRefresh, oidcVerify } from '../eka/api/auth';
import { EkaClient } from '../eka/client';
import type { Logger } from '../logging';
import type { UpstreamTokens } from './grants';

type Reply = z.output<typeof OidcTokenReply>;

/** Exchanges and renews Eka API tokens for this server's client at Eka. */
export class EkaTokenExchange {
  readonly #client: EkaClient;
  readonly #clientId: string;
  readonly #now: () => number;

  constructor(options: {
    apiBaseUrl: string;
    clientId: string;
    logger: Logger;
    fetch?: typeof fetch;
    now?: () => number;
  }) {
    this.#clientId = options.clientId;
    this.#now = options.now ?? Date.now;
    this.#client = new EkaClient({
      baseUrl: options.apiBaseUrl,
      // The token APIs authenticate by their body; no bearer token goes with them.
      tokenSource: {
        kind: 'open',
        clientId: () => undefined,
        getAccessToken: async () => null,
        invalidate: async () => {},
      },
      logger: options.logger,
      fetch: options.fetch,
      timeoutMs: 15_000,
      maxRetries: 0,
      retryBaseMs: 250,
      maxRetryWaitMs: 1_000,
    });
  }

  /** Eka API tokens for a verified ID token from the provider. */
  async verify(idToken: string): Promise<UpstreamTokens> {
    // `call` checks params and body against the description at run time.
    const reply = (await this.#client.call(oidcVerify, {
      params: { client_id: this.#clientId },
      body: { id_token: idToken },
    } as never)) as unknown as Reply;
    return this.#tokens(reply);
  }

  /** Renewed Eka API tokens (the refresh token rotates). */
  async refresh(tokens: UpstreamTokens): Promise<UpstreamTokens> {
    const reply = (await this.#client.call(oidcRefresh, {
      params: { client_id: this.#clientId },
      body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken ?? '' },
    } as never)) as unknown as Reply;
    return this.#tokens(reply, tokens.refreshToken);
  }

  #tokens(
    reply: { access_token: string; refresh_token?: string; expires_in?: number },
    previousRefresh?: string,
  ): UpstreamTokens {
    const refreshToken = reply.refresh_token ?? previousRefresh;
    return {
      accessToken: reply.access_token,
      ...(refreshToken ? { refreshToken } : {}),
      expiresAt: reply.expires_in ? this.#now() + reply.expires_in * 1000 : 0,
    };
  }
}
