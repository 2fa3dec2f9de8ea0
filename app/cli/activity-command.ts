import { idsText, istTime, openJournal, parseDuration } from '../core/activity';
import { CliUsageError } from './cli-error';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';

export const ACTIVITY_HELP = `Usage: eka-mcp activity [--json] [--since DURATION] [--changes] [--failures]
       eka-mcp activity clear

What the AI assistants did through Eka MCP, newest first: the time (IST), the
client, the tool, read or change, the outcome, how long it took and the Eka
ids it touched (ids only; the journal never holds names or mobiles).

Options:
  --since DURATION   only the last 30m, 12h, 7d, 2w ...
  --changes          only calls that change Eka (bookings, edits, archiving)
  --failures         only calls that failed, were refused or declined
  --json             one JSON object per line on stdout
  -h, --help         show this help

"clear" deletes the whole journal. It keeps 30 days unless the settings say otherwise.`;

/** \`eka-mcp activity\`. */
export async function runActivityCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'activity',
    args,
    {
      json: { type: 'boolean' },
      since: { type: 'string' },
      changes: { type: 'boolean' },
      failures: { type: 'boolean' },
    },
    true,
  );
  if (values.help) {
    ctx.stdout(ACTIVITY_HELP);
    return 0;
  }
  const journal = openJournal(ctx.home, ctx.settings);
  if (positionals.length > 0) {
    if (positionals.length === 1 && positionals[0] === 'clear') {
      await journal.clear();
      ctx.stdout('Activity journal cleared.');
      return 0;
    }
    throw new CliUsageError(`activity: unexpected "${positionals.join(' ')}" (see eka-mcp activity --help)`);
  }
  let since: number | undefined;
  if (values.since !== undefined) {
    const ms = parseDuration(values.since);
    if (ms === undefined) {
      throw new CliUsageError(
        `activity: --since takes a duration such as 30m, 12h or 7d (got "${values.since}")`,
      );
    }
    since = Date.now() - ms;
  }
  const entries = await journal.read({
    since,
    changesOnly: values.changes === true,
    failuresOnly: values.failures === true,
  });
  if (values.json) {
    for (const entry of entries) ctx.stdout(JSON.stringify(entry));
    return 0;
  }
  if (entries.length === 0) {
    ctx.stdout('No activity yet.');
    return 0;
  }
  for (const e of entries) {
    const client = e.client
      ? `${e.client.name}${e.client.version ? ` ${e.client.version}` : ''}`
      : 'unknown client';
    const outcome = e.outcome === 'error' && e.errorCode ? `error (${e.errorCode})` : e.outcome;
    const ids = idsText(e);
    ctx.stdout(
      `${istTime(Date.parse(e.time))}  ${client}  ${e.tool}  ${e.kind}  ${outcome}  ${e.durationMs} ms${ids ? `  ${ids}` : ''}`,
    );
  }
  return 0;
}
