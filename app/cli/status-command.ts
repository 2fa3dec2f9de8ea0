import { isDesktopError } from '../../server/desktop/errors';
import { readSession } from '../../server/desktop/session';
import { getFreshSession, isSessionFresh } from '../../server/desktop/session-refresh';
import { istWhen } from '../../server/tools/ist-time';
import { getStatus, type SignInStatus } from '../core/status';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';

export const STATUS_HELP = `Usage: eka-mcp status [--json]

Show the mode, environment, whether you are signed in, your name and email,
when the access token expires, the last refresh and the last error. A token
near expiry is refreshed first (under the same lock the servers use).

Options:
  --json       one JSON object on stdout
  -h, --help   show this help`;

/** An ISO time from the status as people read times here: IST with the weekday. */
function showTime(iso: string | null): string {
  const ms = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(ms) ? show(iso) : istWhen(Math.floor(ms / 1000));
}

function show(value: string | null): string {
  return value ?? '-';
}

/** `eka-mcp status [--json]`; never prints a token. */
export async function runStatusCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs('status', args, { json: { type: 'boolean' } });
  if (values.help) {
    ctx.stdout(STATUS_HELP);
    return 0;
  }
  const settings = await ctx.settings.read();
  if (settings.mode === 'oidc') {
    const session = await readSession(ctx.secretStore);
    if (session && !isSessionFresh(session, Date.now())) {
      try {
        await getFreshSession({ secretStore: ctx.secretStore, lockDir: ctx.home });
      } catch (error) {
        // A refresh failure is stored in the session and shown below.
        if (!isDesktopError(error)) throw error;
      }
    }
  }
  const status: SignInStatus = await getStatus({ settings: ctx.settings, secretStore: ctx.secretStore });
  if (values.json) {
    ctx.stdout(JSON.stringify(status));
    return 0;
  }
  const modeNames = { oidc: 'Eka account (oidc)', 'client-credentials': 'client credentials', open: 'open' };
  const account =
    status.mode === 'oidc'
      ? [
          `Signed in:     ${status.signedIn ? 'yes' : 'no'}`,
          `Name:          ${show(status.name)}`,
          `Email:         ${show(status.email)}`,
          `Token expires: ${showTime(status.tokenExpiresAt)}`,
          `Last refresh:  ${showTime(status.lastRefreshAt)}`,
          `Last error:    ${show(status.lastError)}`,
        ]
      : // The Eka account is not what this mode uses; say so rather than show it as the identity.
        status.signedIn
        ? [`Eka account:   ${show(status.name ?? status.email)} (signed in, not used in this mode)`]
        : [];
  ctx.stdout(
    [
      `Mode:          ${modeNames[status.mode]}`,
      `Identity:      ${status.identity}`,
      `Environment:   ${status.environment}`,
      ...(status.mode === 'oidc' ? [`Issuer:        ${status.issuer}`] : []),
      `API:           ${status.apiBaseUrl}`,
      ...(status.mode === 'oidc' ? [`Token use:     ${status.tokenUse}`] : []),
      ...account,
    ].join('\n'),
  );
  return 0;
}
