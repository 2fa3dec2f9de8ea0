import type { SecretStore } from './secret-store';

/** Keychain accounts of client-credentials mode (the client id itself is a setting). */
export const CLIENT_SECRET_ACCOUNT = 'client-secret';
export const API_KEY_ACCOUNT = 'api-key';

export interface StoredClientSecrets {
  clientSecret: string | null;
  apiKey: string | null;
}

/** Reads the client secret and API key of client-credentials mode from the keychain. */
export async function readClientSecrets(store: SecretStore): Promise<StoredClientSecrets> {
  const [clientSecret, apiKey] = await Promise.all([
    store.get(CLIENT_SECRET_ACCOUNT),
    store.get(API_KEY_ACCOUNT),
  ]);
  return { clientSecret, apiKey };
}
