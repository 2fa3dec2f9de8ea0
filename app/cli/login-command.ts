import { isEkaEnvironment } from '../../server/config/environments';
import { resolveEndpoints, type SettingsPatch } from '../../server/desktop/settings';
import { login } from '../core/login';
import { CliUsageError } from './cli-error';
import type { CliContext } from './context';
import { openInSystemBrowser } from './open-browser';
import { parseCommandArgs } from './parse';

export const LOGIN_HELP = `Usage: eka-mcp login [options]

Sign in with your Eka account in the system browser. The session is kept in
the OS keychain and refreshed automatically; login also selects Eka account
(oidc) mode.

Options:
  --env ENV            production, development or sandbox (default: the saved
                       one, else production); naming it also resets the
                       issuer, client id and API base URL to that
                       environment's, except those given here
  --issuer URL         OpenID provider (default: the environment's)
  --client-id ID       desktop client id at the provider (default: eka-mcp-desktop)
  --api-base-url URL   Eka API base URL (default: the environment's)
  --token-use USE      exchange (default): trade the ID token for Eka API
                       tokens at Eka's OIDC token API; direct: send the
                       provider's access token to the API as it is
  --no-browser         print the sign-in URL on one line of stdout instead of
                       opening a browser, then wait for the redirect
  --timeout SECONDS    give up after this long, 1 to 86400 (default 300)
  --port PORT          loopback port for the redirect (default: a free one)
  -h, --help           show this help`;

function wholeNumber(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
    throw new CliUsageError(`login: --${name} must be a whole number from ${min} to ${max}`);
  }
  return n;
}

/** `eka-mcp login`: system-browser sign-in; settings are saved only when it succeeds. */
export async function runLoginCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs('login', args, {
    env: { type: 'string' },
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'api-base-url': { type: 'string' },
    'token-use': { type: 'string' },
    'no-browser': { type: 'boolean' },
    timeout: { type: 'string' },
    port: { type: 'string' },
  });
  if (values.help) {
    ctx.stdout(LOGIN_HELP);
    return 0;
  }
  if (values.env !== undefined && !isEkaEnvironment(values.env)) {
    throw new CliUsageError(`login: --env must be production, development or sandbox (got "${values.env}")`);
  }
  const tokenUse = values['token-use'];
  if (tokenUse !== undefined && tokenUse !== 'exchange' && tokenUse !== 'direct') {
    throw new CliUsageError(`login: --token-use must be exchange or direct (got "${tokenUse}")`);
  }
  const timeoutSeconds = wholeNumber('timeout', values.timeout, 1, 24 * 3600);
  const port = wholeNumber('port', values.port, 0, 65535);
  for (const flag of ['issuer', 'api-base-url'] as const) {
    const value = values[flag];
    if (value !== undefined && !/^https?:\/\/[^\s]+$/.test(value)) {
      throw new CliUsageError(`login: --${flag} must be an http(s) URL`);
    }
  }

  const current = await ctx.settings.read();
  // Naming the environment means its endpoints: saved overrides give way to
  // the environment's defaults unless repeated as flags.
  const envChanged = values.env !== undefined;
  const patch: SettingsPatch = {
    mode: 'oidc',
    environment: values.env ?? current.environment,
    issuer: values.issuer ?? (envChanged ? undefined : current.issuer),
    clientId: values['client-id'] ?? (envChanged ? undefined : current.clientId),
    apiBaseUrl: values['api-base-url'] ?? (envChanged ? undefined : current.apiBaseUrl),
    tokenUse: tokenUse ?? current.tokenUse,
  };
  const endpoints = resolveEndpoints({ ...current, ...patch } as typeof current);

  const controller = new AbortController();
  let signalled = false;
  const onSignal = () => {
    signalled = true;
    controller.abort();
  };
  // The settings library's exit hook (when-exit) re-raises the signal after its
  // own listener ran: ours stays registered once a signal came, so that second
  // delivery finds it and the command still ends with exit 130.
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await login({
      issuer: endpoints.issuer,
      clientId: endpoints.clientId,
      apiBaseUrl: endpoints.apiBaseUrl,
      tokenUse: endpoints.tokenUse,
      secretStore: ctx.secretStore,
      lockDir: ctx.home,
      signal: controller.signal,
      timeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
      port,
      openExternal: values['no-browser']
        ? (url) => ctx.stdout(url)
        : async (url) => {
            process.stderr.write('Opening your browser to sign in with Eka...\n');
            await openInSystemBrowser(url);
          },
    });
    await ctx.settings.update(patch);
    const who = [result.name, result.email ? `<${result.email}>` : undefined].filter(Boolean).join(' ');
    ctx.stdout(`Signed in${who ? ` as ${who}` : ''} (${endpoints.environment}).`);
    if (!result.hasRefreshToken) {
      process.stderr.write(
        'Note: Eka returned no refresh token; you will need to sign in again when it expires.\n',
      );
    }
    return 0;
  } finally {
    if (!signalled) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
