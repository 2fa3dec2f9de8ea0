import {
  API_KEY_ACCOUNT,
  CLIENT_SECRET_ACCOUNT,
  readClientSecrets,
} from '../../server/desktop/client-credentials-store';
import type { SecretStore } from '../../server/desktop/secret-store';
import { resolveEndpoints, type SettingsStore } from '../../server/desktop/settings';
import { createClientCredentialsTokenSource } from '../../server/eka/token-sources/client-credentials';
import { EkaError } from '../../server/errors';
import { createLogger } from '../../server/logging';

export interface ClientCredentialsInput {
  clientId: string;
  /** Stored in the keychain; left unchanged when absent. */
  clientSecret?: string;
  /** Stored in the keychain; left unchanged when absent. */
  apiKey?: string;
}

/** Saves client-credentials: the client id in settings, the secret and API key in the keychain. */
export async function setClientCredentials(
  options: { settings: SettingsStore; secretStore: SecretStore },
  input: ClientCredentialsInput,
): Promise<void> {
  const clientId = input.clientId.trim();
  if (clientId === '') throw new TypeError('The client id is empty');
  if (input.clientSecret !== undefined) {
    if (input.clientSecret.trim() === '') throw new TypeError('The client secret is empty');
    await options.secretStore.set(CLIENT_SECRET_ACCOUNT, input.clientSecret.trim());
  }
  if (input.apiKey !== undefined) {
    if (input.apiKey.trim() === '') throw new TypeError('The API key is empty');
    await options.secretStore.set(API_KEY_ACCOUNT, input.apiKey.trim());
  }
  // The secret is bound to the API it was entered for: "Test credentials" never sends it elsewhere.
  await options.settings.update((current) => ({
    ccClientId: clientId,
    ...(input.clientSecret !== undefined ? { ccApiBaseUrl: resolveEndpoints(current).apiBaseUrl } : {}),
  }));
}

export type CredentialsTestResult =
  | { ok: true; clientId: string; apiBaseUrl: string }
  | { ok: false; code: string; message: string };

/**
 * "Test credentials": performs the real exchange at Eka's token endpoint with
 * the stored client id, secret and API key (the server's own
 * client-credentials token source) and reports success or Eka's error.
 */
export async function testClientCredentials(options: {
  settings: SettingsStore;
  secretStore: SecretStore;
  fetch?: typeof fetch;
}): Promise<CredentialsTestResult> {
  const settings = await options.settings.read();
  const { apiBaseUrl } = resolveEndpoints(settings);
  const clientId = settings.ccClientId;
  const { clientSecret, apiKey } = await readClientSecrets(options.secretStore);
  if (!clientId || !clientSecret) {
    return {
      ok: false,
      code: 'not-configured',
      message:
        'No client credentials saved: run `eka-mcp credentials set --client-id ID --client-secret-stdin`',
    };
  }
  if (settings.ccApiBaseUrl !== apiBaseUrl) {
    // Someone changed the API base URL since the secret was entered: the secret is not sent there unasked.
    return {
      ok: false,
      code: 'secret-needed',
      message: `The client secret was saved for ${settings.ccApiBaseUrl ?? 'another API address'}, not ${apiBaseUrl}: enter the client secret again to test against ${apiBaseUrl}`,
    };
  }
  const result = await tryClientCredentials({
    apiBaseUrl,
    clientId,
    clientSecret,
    apiKey: apiKey ?? undefined,
    fetch: options.fetch,
  });
  if (result.ok) return { ok: true, clientId, apiBaseUrl };
  if (result.code === 'invalid_credentials') {
    return {
      ok: false,
      code: result.code,
      message: `Eka at ${apiBaseUrl} refused the client credentials for ${clientId}${
        result.refusal ? ` (${result.refusal})` : ''
      }: check the client id, client secret and API key, and save them again with \`eka-mcp credentials set\` (or in Settings)`,
    };
  }
  if (result.code === 'network_error' || result.code === 'timeout') {
    return {
      ok: false,
      code: result.code,
      message: `${result.code === 'timeout' ? 'No answer from' : 'Could not reach'} Eka at ${apiBaseUrl}: check the API base URL and the connection, then try again`,
    };
  }
  return { ok: false, code: result.code, message: result.message };
}

export type CredentialsTry =
  | { ok: true }
  | {
      ok: false;
      code: string;
      message: string /** Eka's own words, e.g. "HTTP 401 invalid_client". */;
      refusal?: string;
    };

/**
 * Performs the real exchange at Eka's token endpoint with the given values
 * (the server's own client-credentials token source). Stores nothing.
 */
export async function tryClientCredentials(values: {
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  apiKey?: string;
  fetch?: typeof fetch;
}): Promise<CredentialsTry> {
  const baseFetch = values.fetch ?? fetch;
  let refusal: string | undefined;
  // Keeps Eka's own words when it refuses (its `error` and `message`), so the
  // person testing sees why; the request never carries them back out.
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    if (response.status >= 400 && response.status < 500) {
      refusal = await describeRefusal(response.clone());
    }
    return response;
  };
  const source = createClientCredentialsTokenSource({
    apiBaseUrl: values.apiBaseUrl,
    clientId: values.clientId,
    clientSecret: values.clientSecret,
    apiKey: values.apiKey,
    tokenFlow: 'connect-auth',
    refreshMarginSeconds: 60,
    requestTimeoutMs: 15_000,
    logger: createLogger({ level: 'error' }),
    fetch: recordingFetch,
  });
  try {
    await source.getAccessToken();
    return { ok: true };
  } catch (error) {
    if (error instanceof EkaError) return { ok: false, code: error.code, message: error.message, refusal };
    return { ok: false, code: 'unexpected', message: error instanceof Error ? error.message : String(error) };
  }
}

/** Eka's refusal as one short line: `status error: message` from its JSON body, when it has one. */
async function describeRefusal(response: Response): Promise<string> {
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return `HTTP ${response.status}`;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const parts = [record.error, record.message ?? record.error_description]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .map((part) => part.replace(/\s+/g, ' ').trim().slice(0, 200));
  return [`HTTP ${response.status}`, parts.join(': ')].filter(Boolean).join(' ');
}
