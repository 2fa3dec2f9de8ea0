/**
 * Picks the token source for the configured mode. Heavy sources are imported
 * only when used, so open and client-credentials servers start without
 * loading the keychain or OpenID code.
 */
import type { ServerConfig } from '../../config/server-config';
import { EkaConfigError } from '../../errors';
import type { Logger } from '../../logging';
import type { TokenSource } from '../token-source';
import { createClientCredentialsTokenSource } from './client-credentials';
import { createOpenTokenSource } from './open';

/** Creates the token source for `config.mode`. */
export async function createTokenSource(
  config: ServerConfig,
  logger: Logger,
  options: { fetch?: typeof fetch } = {},
): Promise<TokenSource> {
  switch (config.mode) {
    case 'open':
      return createOpenTokenSource({ clientId: config.clientId });
    case 'client-credentials': {
      if (!config.clientId || !config.clientSecret) {
        throw new EkaConfigError(
          'invalid_config',
          'Client-credentials mode needs EKA_CLIENT_ID and EKA_CLIENT_SECRET (and EKA_API_KEY when Eka issued one).',
        );
      }
      return createClientCredentialsTokenSource({
        apiBaseUrl: config.apiBaseUrl,
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        apiKey: config.apiKey,
        tokenFlow: config.tokenFlow,
        refreshMarginSeconds: config.refreshMarginSeconds,
        requestTimeoutMs: config.requestTimeoutMs,
        logger,
        fetch: options.fetch,
      });
    }
    case 'oidc': {
      const { createDesktopSessionTokenSource } = await import('../../desktop/session-token-source');
      return createDesktopSessionTokenSource({ fetch: options.fetch });
    }
  }
}
