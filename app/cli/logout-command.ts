import { signOut } from '../core/sign-out';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';

export const LOGOUT_HELP = `Usage: eka-mcp logout

Sign out: delete the session from the OS keychain (a session that holds the
provider's own tokens, token use "direct", is first revoked at the provider
when it offers revocation). Running servers stop using it at once.

Options:
  -h, --help   show this help`;

/** `eka-mcp logout`. */
export async function runLogoutCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs('logout', args, {});
  if (values.help) {
    ctx.stdout(LOGOUT_HELP);
    return 0;
  }
  const result = await signOut({ secretStore: ctx.secretStore, lockDir: ctx.home });
  if (!result.wasSignedIn) {
    ctx.stdout('Not signed in.');
  } else if (result.revoked) {
    ctx.stdout('Signed out; the session was revoked at Eka.');
  } else {
    ctx.stdout('Signed out on this computer.');
    if (result.revocationError) {
      process.stderr.write(`Note: could not revoke the session at Eka (${result.revocationError}).\n`);
    }
  }
  return 0;
}
