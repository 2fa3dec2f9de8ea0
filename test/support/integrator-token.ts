import type { Sandbox } from '../sandbox/types';

/** Logs the integrator in at the sandbox API and returns its raw Eka access token (with its API key unless `apiKey` is false). */
export async function integratorToken(
  sandbox: Sandbox,
  { apiKey = true }: { apiKey?: boolean } = {},
): Promise<string> {
  const { client_id, client_secret, api_key } = sandbox.clients.integrator;
  const response = await fetch(`${sandbox.apiBaseUrl}/connect-auth/v1/account/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id, client_secret, ...(apiKey ? { api_key } : {}) }),
  });
  if (!response.ok) throw new Error(`sandbox login failed: ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
