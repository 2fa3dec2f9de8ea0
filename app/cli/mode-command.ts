import { CliUsageError } from './cli-error';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';

export const MODE_HELP = `Usage: eka-mcp mode oidc|client-credentials|open

Choose how the Eka MCP server authenticates to Eka:
  oidc                 your Eka account (eka-mcp login)
  client-credentials   an integrator's client id and secret (eka-mcp credentials set)
  open                 no authentication (development)

Options:
  -h, --help   show this help`;

const MODES = ['oidc', 'client-credentials', 'open'] as const;

/** `eka-mcp mode MODE`. */
export async function runModeCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('mode', args, {}, true);
  if (values.help) {
    ctx.stdout(MODE_HELP);
    return 0;
  }
  const [mode, ...extra] = positionals;
  if (mode === undefined) {
    const settings = await ctx.settings.read();
    ctx.stdout(settings.mode);
    return 0;
  }
  if (extra.length > 0 || !(MODES as readonly string[]).includes(mode)) {
    throw new CliUsageError(
      `mode: expected one of oidc, client-credentials, open (got "${positionals.join(' ')}")`,
    );
  }
  const settings = await ctx.settings.update({ mode: mode as (typeof MODES)[number] });
  ctx.stdout(`Mode set to ${mode}.`);
  // Entries carry no mode: a connected client's server reads it when it starts.
  const { connectedClientLabels } = await import('./clients-command');
  const connected = await connectedClientLabels().catch(() => []);
  if (connected.length > 0) {
    ctx.stdout(`Quit and reopen ${connected.join(', ')} to use the new mode.`);
  }
  if (mode === 'client-credentials' && !settings.ccClientId) {
    process.stderr.write('Next: eka-mcp credentials set --client-id ID --client-secret-stdin\n');
  }
  return 0;
}
