/**
 * Client-credentials mode as the desktop app sets it up: the client entry in
 * Claude Desktop carries no secret, so the client id comes from the app's
 * settings (`ccClientId`, unless EKA_CLIENT_ID is set) and the client secret
 * and API key from the OS keychain (unless EKA_CLIENT_SECRET / EKA_API_KEY
 * are set). Resolved at the first call that needs a token, never at start-up,
 * and again after a failure (the user may run `eka-mcp credentials set`).
 */
import type { ServerConfig } from '../../config/server-config';
import { EkaAuthError } from '../../errors';
import type { Logger } from '../../logging';
import type { TokenSource } from '../token-source';
import { createClientCredentialsTokenSource } from './client-credentials';

const MISSING =
  'Client-credentials mode has no client id or secret: save them with "eka-mcp credentials set" (or in Eka MCP), or set EKA_CLIENT_ID and EKA_CLIENT_SECRET.';

async function resolveCredentials(config: ServerConfig) {
  const [
    { createKeytarSecretStore },
    { keychainServiceName },
    { readClientSecrets },
    { createFileSettingsStore },
  ] = await Promise.all([
    import('../../desktop/secret-store'),
    import('../../desktop/session'),
    import('../../desktop/client-credentials-store'),
    import('../../desktop/settings'),
  ]);
  let clientId = config.clientId;
  if (!clientId) {
    try {
      clientId = (await createFileSettingsStore().read()).ccClientId;
    } catch (error) {
      throw new EkaAuthError('invalid_credentials', `${MISSING} (${(error as Error).message})`, {
        cause: error,
      });
    }
  }
  let clientSecret = config.clientSecret;
  let apiKey = config.apiKey;
  if (!clientSecret) {
    try {
      const stored = await readClientSecrets(createKeytarSecretStore(keychainServiceName()));
      clientSecret = stored.clientSecret ?? undefined;
      apiKey ??= stored.apiKey ?? undefined;
    } catch (error) {
      throw new EkaAuthError(
        'invalid_credentials',
        `Could not read the client secret: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  if (!clientId || !clientSecret) throw new EkaAuthError('invalid_credentials', MISSING);
  return { clientId, clientSecret, apiKey };
}

/** Creates a client-credentials token source whose id, secret and API key may come from the app's settings and keychain. */
export function createStoredClientCredentialsTokenSource(
  config: ServerConfig,
  logger: Logger,
  options: { fetch?: typeof fetch } = {},
): TokenSource {
  let inner: TokenSource | undefined;
  let resolving: Promise<TokenSource> | undefined;

  const source = async (): Promise<TokenSource> => {
    if (inner) return inner;
    resolving ??= resolveCredentials(config)
      .then((credentials) => {
        inner = createClientCredentialsTokenSource({
          apiBaseUrl: config.apiBaseUrl,
          ...credentials,
          tokenFlow: config.tokenFlow,
          refreshMarginSeconds: config.refreshMarginSeconds,
          requestTimeoutMs: config.requestTimeoutMs,
          logger,
          fetch: options.fetch,
        });
        return inner;
      })
      .finally(() => {
        resolving = undefined;
      });
    return resolving;
  };

  return {
    kind: 'client-credentials',
    clientId: () => inner?.clientId() ?? config.clientId,
    getAccessToken: async (scope) => (await source()).getAccessToken(scope),
    invalidate: async (rejected) => inner?.invalidate(rejected),
  };
}
