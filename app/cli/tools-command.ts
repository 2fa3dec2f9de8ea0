import {
  effectiveTools,
  PRESETS,
  type PresetName,
  type ToolPermissions,
  UnknownToolError,
  withPreset,
  withSwitch,
} from '../../server/permissions';
import { CliFailure, CliUsageError } from './cli-error';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';

export const TOOLS_HELP = `Usage: eka-mcp tools [--json]
       eka-mcp tools preset read-only|appointments|all
       eka-mcp tools allow|deny NAME...

What AI assistants may do through Eka MCP. Running servers pick a change up
at once: a tool switched off is no longer listed, and a call to it is refused.

  (no command)   every tool: on or off, read or change, ask first
  preset         read-only (look things up only), appointments (also book,
                 complete and cancel appointments) or all (everything);
                 resets the per-tool switches
  allow NAME     switch tools on, on top of the preset
  deny NAME      switch tools off

Options:
  --json       the tools as one JSON object
  -h, --help   show this help`;

const PRESET_NAMES = PRESETS.map((p) => p.name);

/** \`eka-mcp tools ...\`. */
export async function runToolsCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('tools', args, { json: { type: 'boolean' } }, true);
  if (values.help) {
    ctx.stdout(TOOLS_HELP);
    return 0;
  }
  const [action, ...names] = positionals;
  let permissions = (await ctx.settings.read()).toolPermissions;
  if (action !== undefined) {
    let change: (current: ToolPermissions | undefined) => ToolPermissions;
    if (action === 'preset') {
      const [preset, ...extra] = names;
      if (!preset || extra.length > 0 || !(PRESET_NAMES as string[]).includes(preset)) {
        throw new CliUsageError(`tools preset: expected one of ${PRESET_NAMES.join(', ')}`);
      }
      change = (current) => withPreset(current, preset as PresetName);
    } else if (action === 'allow' || action === 'deny') {
      if (names.length === 0) throw new CliUsageError(`tools ${action}: name at least one tool`);
      change = (current) => withSwitch(current, names, action === 'allow');
    } else {
      throw new CliUsageError(`tools: unknown command "${action}" (see eka-mcp tools --help)`);
    }
    // Computed from the settings as they are when saved, so a change made elsewhere meanwhile stays.
    try {
      permissions = (
        await ctx.settings.update((current) => ({ toolPermissions: change(current.toolPermissions) }))
      ).toolPermissions;
    } catch (error) {
      if (error instanceof UnknownToolError) throw new CliFailure(error.message);
      throw error;
    }
  }
  const tools = effectiveTools(permissions);
  const preset = permissions?.preset ?? 'all';
  if (values.json) {
    ctx.stdout(
      JSON.stringify({
        preset,
        tools: tools.map((t) => ({ name: t.name, kind: t.kind, enabled: t.enabled, askFirst: t.askFirst })),
      }),
    );
    return 0;
  }
  const label = PRESETS.find((p) => p.name === preset)?.label ?? preset;
  ctx.stdout(`Preset: ${label} (${preset})`);
  const width = Math.max(...tools.map((t) => t.name.length));
  for (const t of tools) {
    ctx.stdout(
      `${t.enabled ? 'on ' : 'off'}  ${t.name.padEnd(width)}  ${t.kind === 'read' ? 'read  ' : 'change'}${t.enabled && t.askFirst ? '  asks first' : ''}`,
    );
  }
  if (action !== undefined) ctx.stdout('Running servers use this at once.');
  return 0;
}
