/**
 * Picks the token source for the configured mode. Heavy sources are imported
 * only when used, so open and client-credentials servers start without
 * loading the keychain or OpenID code.
 */
import type { ServerConfig } from '../../config/server-config';
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
      if (!config.clientId) {
        logger.warn(
          'No Eka client id is known (set EKA_CLIENT_ID): calls whose endpoints require the client-id header are sent without it',
        );
      }
      return createOpenTokenSource({ clientId: config.clientId });
    case 'client-credentials': {
      if (!config.clientId || !config.clientSecret) {
        // Set up by the desktop app: id in its settings, secret in the OS keychain.
        const { createStoredClientCredentialsTokenSource } = await import('./stored-client-credentials');
        return createStoredClientCredentialsTokenSource(config, logger, options);
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
      const { createSignInFromToolsSource } = await import('../../desktop/interactive-signin');
      return createSignInFromToolsSource(
        createDesktopSessionTokenSource({ fetch: options.fetch, clientId: config.clientId }),
        {
          logger,
          fetch: options.fetch,
        },
      );
    }
  }
}
