import { parseArgs } from 'node:util';
import { startSandbox } from './index';
import type { SandboxInfo, SandboxOptions } from './types';

const USAGE = `Usage: npm run sandbox -- [options]

Starts the local Eka sandbox (OpenID provider + Eka API) on 127.0.0.1.

  --issuer-port N            OpenID provider port (default 7780; 0 = any free port)
  --api-port N               Eka API port (default 7781; 0 = any free port)
  --access-token-ttl S       access token lifetime in seconds (default 3600)
  --refresh-token-ttl S      refresh token lifetime in seconds (default 1209600)
  --id-token-ttl S           ID token lifetime in seconds (default 3600)
  --client-credentials-ttl S client-credentials token lifetime in seconds (default 1800)
  --server-redirect-uri URL  extra redirect URI for the server client (repeatable)
  --scopes LIST              scopes the provider supports, comma-separated (default
                             openid,profile,email,offline_access; openid required)
  --accept-provider-tokens   the API also takes the desktop client's provider access
                             tokens as they are (the desktop's "direct" token use)
  --json                     print one JSON line with the URLs and credentials, nothing else
  --help                     show this help`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function integer(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > 65535 * 1e4) {
    fail(`${flag} must be a whole number${min > 0 ? ' above 0' : ''}.`);
  }
  return Number(value);
}

function summary(info: SandboxInfo): string {
  const { clinician, clients } = info;
  return [
    'Eka sandbox is running (synthetic data only; Ctrl-C stops it).',
    '',
    `  OpenID provider  ${info.issuer}  (discovery: ${info.issuer}/.well-known/openid-configuration)`,
    `  Eka API          ${info.apiBaseUrl}`,
    `  OIDC token APIs  POST ${info.apiBaseUrl}/connect-auth/v1/oidc-client/{client_id}/verify, /refresh`,
    `  Token check      GET ${info.apiBaseUrl}/connect-auth/v1/account/validate`,
    `  Faults, log      ${info.apiBaseUrl}/__sandbox/faults, ${info.apiBaseUrl}/__sandbox/requests`,
    '',
    `  Clinician        ${clinician.name} <${clinician.email}>`,
    `                   username ${clinician.username}  password ${clinician.password}`,
    `  Desktop client   ${clients.desktop.client_id} (public, PKCE, redirect http://127.0.0.1:<any port>/callback)`,
    `  Server client    ${clients.server.client_id} / ${clients.server.client_secret}`,
    `  Integrator       ${clients.integrator.client_id} / ${clients.integrator.client_secret}  API key ${clients.integrator.api_key}`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | string[] | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        'issuer-port': { type: 'string' },
        'api-port': { type: 'string' },
        'access-token-ttl': { type: 'string' },
        'refresh-token-ttl': { type: 'string' },
        'id-token-ttl': { type: 'string' },
        'client-credentials-ttl': { type: 'string' },
        'server-redirect-uri': { type: 'string', multiple: true },
        scopes: { type: 'string' },
        'accept-provider-tokens': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const str = (name: string) => values[name] as string | undefined;
  const options: SandboxOptions = {};
  const issuerPort = integer('--issuer-port', str('issuer-port'), 0);
  const apiPort = integer('--api-port', str('api-port'), 0);
  if (issuerPort !== undefined) options.issuerPort = issuerPort;
  if (apiPort !== undefined) options.apiPort = apiPort;
  const ttl = (flag: string, key: keyof SandboxOptions) => {
    const value = integer(`--${flag}`, str(flag), 1);
    if (value !== undefined) (options as Record<string, unknown>)[key] = value;
  };
  ttl('access-token-ttl', 'accessTokenTtl');
  ttl('refresh-token-ttl', 'refreshTokenTtl');
  ttl('id-token-ttl', 'idTokenTtl');
  ttl('client-credentials-ttl', 'clientCredentialsTtl');
  const uris = values['server-redirect-uri'] as string[] | undefined;
  if (uris) options.serverRedirectUris = uris;
  const scopes = str('scopes');
  if (scopes !== undefined) {
    const list = scopes
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean);
    const known = ['openid', 'profile', 'email', 'offline_access'];
    const unknown = list.find((scope) => !known.includes(scope));
    if (unknown !== undefined) fail(`--scopes: unknown scope "${unknown}" (known: ${known.join(', ')}).`);
    if (!list.includes('openid')) fail('--scopes must include openid.');
    options.scopesSupported = list;
  }
  if (values['accept-provider-tokens']) options.acceptProviderTokens = true;

  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(options);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') {
      fail(
        'A sandbox port is already in use. Stop the other sandbox or pick ports with --issuer-port/--api-port.',
      );
    }
    process.stderr.write(`The sandbox could not start: ${err.message}\n`);
    process.exit(1);
  }
  const info: SandboxInfo = {
    issuer: sandbox.issuer,
    apiBaseUrl: sandbox.apiBaseUrl,
    clinician: sandbox.clinician,
    clients: sandbox.clients,
  };
  process.stdout.write(values.json ? `${JSON.stringify(info)}\n` : summary(info));

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
