import { DesktopError } from '../../server/desktop/errors';
import { EkaError } from '../../server/errors';
import { LoginError } from '../core/login-error';
import { CliFailure, CliUsageError } from './cli-error';
import { type CliContext, createCliContext } from './context';

export const MAIN_HELP = `Usage: eka-mcp <command> [options]

Sign in with Eka, choose how the Eka MCP server authenticates, and connect
AI clients to it.

Commands:
  login        sign in with your Eka account in the browser
  logout       sign out and delete the session from the keychain
  status       show the sign-in state (--json for scripts)
  mode         choose oidc, client-credentials or open
  credentials  save (set) or check (test) client credentials
  connect      add Eka MCP to an AI client (claude, cursor, vscode, windsurf, claude-code)
  disconnect   remove Eka MCP from an AI client
  clients      list AI clients and whether they are connected
  doctor       check the settings, keychain, server, Eka API and sign-in service
  activity     what the AI assistants did through Eka MCP (--since, --changes, --json)
  tools        what AI assistants may do: presets and per-tool switches

Run eka-mcp <command> --help for a command's options.

Environment:
  EKA_MCP_HOME               settings folder (default: the app's user data folder)
  EKA_MCP_KEYCHAIN_SERVICE   keychain service name (default "Eka MCP" in the
                             installed app, "Eka MCP Dev" from a source checkout)`;

type Command = (args: string[], ctx: CliContext) => Promise<number>;

const commands: Record<string, () => Promise<Command>> = {
  login: async () => (await import('./login-command')).runLoginCommand,
  logout: async () => (await import('./logout-command')).runLogoutCommand,
  status: async () => (await import('./status-command')).runStatusCommand,
  mode: async () => (await import('./mode-command')).runModeCommand,
  credentials: async () => (await import('./credentials-command')).runCredentialsCommand,
  doctor: async () => (await import('./doctor-command')).runDoctorCommand,
  activity: async () => (await import('./activity-command')).runActivityCommand,
  tools: async () => (await import('./tools-command')).runToolsCommand,
};

const clientCommands = new Set(['connect', 'disconnect', 'clients']);

/** One line for stderr: the message without newlines. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** Runs the `eka-mcp` command line and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    if (command === 'help' && args[0] && args[0] in commands) return runCli([args[0], '--help']);
    // Without a command this is a usage error: the help goes to stderr.
    if (command === undefined) {
      process.stderr.write(`${MAIN_HELP}\n`);
      return 2;
    }
    process.stdout.write(`${MAIN_HELP}\n`);
    return 0;
  }
  try {
    if (clientCommands.has(command)) {
      const { runClientsCommand } = await import('./clients-command');
      return await runClientsCommand(command as 'connect' | 'disconnect' | 'clients', args);
    }
    const load = commands[command];
    if (!load) throw new CliUsageError(`unknown command "${command}" (see eka-mcp --help)`);
    return await (await load())(args, createCliContext());
  } catch (error) {
    if (error instanceof CliUsageError) {
      process.stderr.write(`eka-mcp: ${oneLine(error.message)}\n`);
      return 2;
    }
    if (error instanceof LoginError && error.code === 'cancelled') {
      process.stderr.write(`eka-mcp: ${oneLine(error.message)}\n`);
      return 130;
    }
    if (
      error instanceof CliFailure ||
      error instanceof LoginError ||
      error instanceof DesktopError ||
      error instanceof EkaError ||
      error instanceof TypeError
    ) {
      process.stderr.write(`eka-mcp: ${oneLine(error.message)}\n`);
      return error instanceof CliFailure ? error.exitCode : 1;
    }
    process.stderr.write(
      `eka-mcp: unexpected error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`,
    );
    return 1;
  }
}

process.exitCode = await runCli(process.argv.slice(2));
