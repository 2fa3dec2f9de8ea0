import { parseArgs } from 'node:util';
import { createFileSettingsStore, settingsDir } from '../../server/desktop/settings';
import {
  type ChangeResult,
  CLIENT_IDS,
  CLIENTS,
  ClientConfigError,
  type ClientStatus,
  type ConnectionContext,
  clientStatus,
  connectClient,
  currentInstall,
  currentOsFacts,
  disconnectClient,
  entrySettingsFrom,
  listClientStatuses,
  parseClientId,
} from '../core/client-configs';

type ClientsCommand = 'connect' | 'disconnect' | 'clients';

const CLIENT_LIST = CLIENT_IDS.map((id) => `  ${id.padEnd(12)} ${CLIENTS[id].label}`).join('\n');

export const CONNECT_HELP = `Usage: eka-mcp connect <client> [--config PATH] [--force]

Adds the "eka-care" server to an AI client's MCP config. Only that entry
changes; a timestamped backup (<file>.eka-backup-<time>, last 5 kept) is
written beside the file first. A file that is not valid JSON is never touched.

Clients:
${CLIENT_LIST}

Options:
  --config PATH   the config file to edit (default: the client's own)
  --force         write even if the client does not look installed
  --json          print the result as JSON
  -h, --help      show this help`;

export const DISCONNECT_HELP = `Usage: eka-mcp disconnect <client> [--config PATH]

Removes the "eka-care" entry Eka MCP added, and nothing else (a backup is
written first).

Clients:
${CLIENT_LIST}

Options:
  --config PATH   the config file to edit (default: the client's own)
  --json          print the result as JSON
  -h, --help      show this help`;

export const CLIENTS_HELP = `Usage: eka-mcp clients [--json]

Lists the AI clients and whether Eka MCP is connected to each:
  not-installed   the client's config folder was not found
  not-connected   no "eka-care" entry (or one not written by Eka MCP)
  connected       the entry matches this install and its settings
  outdated        the entry points at a moved or older install, or other settings
                  (the app repairs it when it starts; or run eka-mcp connect)
  unreadable      the config file does not parse (the reason is shown)

Options:
  --json       print the list as JSON
  -h, --help   show this help`;

const HELP: Record<ClientsCommand, string> = {
  connect: CONNECT_HELP,
  disconnect: DISCONNECT_HELP,
  clients: CLIENTS_HELP,
};

class UsageError extends Error {}

function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        config: { type: 'string' },
        force: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
}

async function context(): Promise<ConnectionContext> {
  const settings = await createFileSettingsStore(settingsDir()).read();
  return {
    os: currentOsFacts(),
    install: currentInstall(import.meta.url),
    settings: entrySettingsFrom(settings),
  };
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

function reportChange(command: 'connect' | 'disconnect', change: ChangeResult): void {
  if (!change.changed) {
    const where = change.files.map((f) => f.path).join(', ');
    out(
      command === 'connect'
        ? `${change.label} is already connected (${where}). Nothing changed.`
        : `${change.label} has no Eka MCP entry (${where}). Nothing changed.`,
    );
    return;
  }
  out(
    command === 'connect'
      ? `Connected Eka MCP to ${change.label}.`
      : `Disconnected Eka MCP from ${change.label}.`,
  );
  for (const file of change.files) {
    const note = !file.changed
      ? 'unchanged'
      : file.backupPath
        ? `backup: ${file.backupPath}`
        : file.created
          ? 'created'
          : 'changed';
    out(`  ${file.path} (${note})`);
    if (file.replacedForeign) {
      out('  An existing "eka-care" entry pointed elsewhere; it was replaced (the backup keeps it).');
    }
    if (file.removedSecrets) {
      out(
        `  The replaced entry's secrets (${file.removedSecrets.join(', ')}) were removed: the backup does not keep them.`,
      );
    }
  }
  if (change.restartHint) out(change.restartHint);
}

function reportStatuses(statuses: ClientStatus[]): void {
  const width = Math.max(...statuses.map((s) => s.label.length));
  for (const status of statuses) {
    const paths = status.files.map((f) => f.path).join(', ');
    out(`${status.label.padEnd(width)}  ${status.state.padEnd(13)}  ${paths}`);
    if (status.detail) out(`${' '.repeat(width)}  ${status.detail}`);
  }
}

/** `eka-mcp connect|disconnect <client> [--config PATH]` and `eka-mcp clients [--json]`; returns the exit code. */
export async function runClientsCommand(command: ClientsCommand, args: string[]): Promise<number> {
  try {
    const { values, positionals } = parse(args);
    if (values.help) {
      out(HELP[command]);
      return 0;
    }
    if (command === 'clients') {
      if (positionals.length > 0 || values.config || values.force) {
        throw new UsageError('clients takes only --json');
      }
      const statuses = await listClientStatuses(await context());
      if (values.json) out(JSON.stringify(statuses, null, 2));
      else reportStatuses(statuses);
      return 0;
    }
    const [name, ...extra] = positionals;
    if (name === undefined) throw new UsageError(`${command} needs a client: ${CLIENT_IDS.join(', ')}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (command === 'disconnect' && values.force) throw new UsageError('disconnect does not take --force');
    const client = parseClientId(name);
    const ctx = await context();
    const target = { configPath: values.config, force: values.force };
    const change =
      command === 'connect'
        ? await connectClient(client, ctx, target)
        : await disconnectClient(client, ctx, target);
    if (values.json) {
      const status = await clientStatus(client, ctx, target);
      out(JSON.stringify({ ...change, state: status.state }, null, 2));
    } else reportChange(command, change);
    return 0;
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
    if (error instanceof UsageError) {
      process.stderr.write(`eka-mcp ${command}: ${message} (see eka-mcp ${command} --help)\n`);
      return 2;
    }
    if (error instanceof ClientConfigError && error.code === 'unknown-client') {
      process.stderr.write(`eka-mcp ${command}: ${message}\n`);
      return 2;
    }
    process.stderr.write(`eka-mcp ${command}: ${message}\n`);
    return 1;
  }
}

/** The names of the clients connected now (they need a restart after a mode change). */
export async function connectedClientLabels(): Promise<string[]> {
  const statuses = await listClientStatuses(await context());
  return statuses.filter((s) => s.state === 'connected').map((s) => s.label);
}
