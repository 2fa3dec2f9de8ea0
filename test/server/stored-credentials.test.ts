/**
 * Client-credentials mode as the desktop app writes it into Claude Desktop:
 * no secret in the environment; the client id comes from the app's settings
 * and the secret and API key from the OS keychain (real gnome-keyring under
 * `npm test`). Missing credentials are a clear tool error, not a crash.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_ACCOUNT, CLIENT_SECRET_ACCOUNT } from '../../server/desktop/client-credentials-store';
import { createKeytarSecretStore } from '../../server/desktop/secret-store';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { startServer, textOf } from './harness';

let sandbox: Sandbox;
const service = `Eka MCP Test ${randomUUID()}`;
const store = createKeytarSecretStore(service);

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await store.delete(CLIENT_SECRET_ACCOUNT).catch(() => false);
  await store.delete(API_KEY_ACCOUNT).catch(() => false);
  await sandbox?.stop();
});

function appEnv(home: string) {
  return { EKA_MCP_HOME: home, EKA_MCP_KEYCHAIN_SERVICE: service, EKA_API_BASE_URL: sandbox.apiBaseUrl };
}

describe('client credentials from the app settings and the keychain', () => {
  it('answers with a clear error while nothing is stored, then works once the credentials are saved', async () => {
    const home = mkdtempSync(join(tmpdir(), 'eka-home-'));
    const server = await startServer(appEnv(home), ['--mode', 'client-credentials', '--env', 'sandbox']);
    try {
      const missing = await server.call('get_business_entities');
      expect(missing.isError).toBe(true);
      expect(textOf(missing)).toMatch(/eka-mcp credentials set.*\(invalid_credentials\)/s);

      const { client_id, client_secret, api_key } = sandbox.clients.integrator;
      await createFileSettingsStore(home).update({ mode: 'client-credentials', ccClientId: client_id });
      await store.set(CLIENT_SECRET_ACCOUNT, client_secret);
      await store.set(API_KEY_ACCOUNT, api_key);

      sandbox.requests.clear();
      const ok = await server.call('get_business_entities');
      expect(ok.isError, textOf(ok)).toBeFalsy();
      expect(sandbox.requests.list().map((r) => r.path)).toContain('/connect-auth/v1/account/login');
      expect(server.stderr()).not.toContain(client_secret);
      expect(server.stderr()).not.toContain(api_key);
    } finally {
      await server.close();
    }
  });
});
