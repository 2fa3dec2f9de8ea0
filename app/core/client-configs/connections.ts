import { chmod } from 'node:fs/promises';
import { resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { entrySecrets } from './backup-secrets';
import { CLIENTS, type ClientDefinition, configLocations } from './clients';
import {
  assertUnchanged,
  assertWritable,
  type ConfigFile,
  listBackups,
  readConfigFile,
  removeConfigFile,
  writeBackup,
  writeConfigFile,
} from './config-file';
import { type ConfigText, entryValue, parseConfigText, sectionNode } from './config-text';
import { removeEntryText, setEntryText } from './edit';
import {
  buildEntry,
  entryForClient,
  isLegacyEntry,
  isOurEntry,
  isRecord,
  sameEntry,
  updatedEntry,
} from './entry';
import { ClientConfigError } from './errors';
import {
  type ChangeResult,
  CLIENT_IDS,
  type ClientId,
  type ClientState,
  type ClientStatus,
  type ConfigFileStatus,
  type ConfigLocation,
  ENTRY_NAME,
  type EntrySettings,
  type FileChange,
  type Install,
  type McpServerEntry,
  type OsFacts,
} from './types';

/** What every operation needs: the OS facts, this install and the settings. */
export interface ConnectionContext {
  os: OsFacts;
  install: Install;
  settings: EntrySettings;
  /** The clock for backup names. */
  now?: () => Date;
}

export interface TargetOptions {
  /** Use this config file instead of the client's usual one(s). */
  configPath?: string;
  /** Write even when the client does not look installed. */
  force?: boolean;
}

interface LoadedFile {
  file: ConfigFile;
  config: ConfigText;
}

function locationsFor(client: ClientId, ctx: ConnectionContext, options: TargetOptions): ConfigLocation[] {
  if (options.configPath) return [{ path: resolve(options.configPath), installed: true }];
  return configLocations(client, ctx.os);
}

async function load(path: string, definition: ClientDefinition): Promise<LoadedFile> {
  const file = await readConfigFile(path);
  const config = parseConfigText(file.text, { path, label: definition.label, jsonc: definition.jsonc });
  sectionNode(config, definition.sectionKey, { path, label: definition.label });
  return { file, config };
}

/** Reads and checks every file before anything is written. */
async function loadAll(locations: ConfigLocation[], definition: ClientDefinition): Promise<LoadedFile[]> {
  const loaded: LoadedFile[] = [];
  for (const location of locations) loaded.push(await load(location.path, definition));
  return loaded;
}

/** One file's planned change: its new text, or its removal when `text` is undefined. */
interface Plan {
  file: ConfigFile;
  text?: string;
  /** What the change reports beyond the path, the flag and the backup. */
  report?: Pick<FileChange, 'replacedForeign' | 'created'>;
}

/**
 * Plans each loaded file's change (null leaves it alone), then applies the
 * plans: each file is checked unchanged since it was read and backed up first.
 */
async function planAndApply(
  definition: ClientDefinition,
  ctx: ConnectionContext,
  loaded: LoadedFile[],
  plan: (item: LoadedFile, current: unknown) => Promise<Plan | null>,
): Promise<ChangeResult> {
  const plans: Array<Plan | null> = [];
  for (const item of loaded) {
    plans.push(await plan(item, entryValue(item.config, definition.sectionKey, ENTRY_NAME)));
  }
  const files: FileChange[] = [];
  for (const [index, planned] of plans.entries()) {
    const path = (loaded[index] as LoadedFile).file.path;
    if (!planned) {
      files.push({ path, changed: false });
      continue;
    }
    const { file } = planned;
    const item = loaded[index] as LoadedFile;
    await assertUnchanged(file, definition.label);
    // The entry we replace or remove may carry secrets (another tool's setup): the backup leaves them out.
    const secrets = entrySecrets(entryValue(item.config, definition.sectionKey, ENTRY_NAME));
    const backupText =
      secrets.names.length > 0
        ? setEntryText(item.config, definition.sectionKey, ENTRY_NAME, secrets.blanked)
        : undefined;
    const backupPath = file.exists
      ? await writeBackup(file, ctx.now?.() ?? new Date(), backupText)
      : undefined;
    if (planned.text === undefined) await removeConfigFile(file);
    else await writeConfigFile(file, planned.text);
    await scrubOlderBackups(path, definition, planned.text ?? '', backupPath);
    const removedSecrets = secrets.names.length > 0 ? secrets.names : undefined;
    files.push({ path, changed: true, backupPath, removedSecrets, ...planned.report });
  }
  return result(definition, files);
}

/**
 * Older backups beside `path` whose entry holds a secret the live text no
 * longer has: rewritten with those values blanked (0600). Every backup is
 * made 0600. A backup that cannot be read as a config is removed if it
 * holds such a secret in its raw text.
 */
async function scrubOlderBackups(
  path: string,
  definition: ClientDefinition,
  liveText: string,
  skip: string | undefined,
): Promise<void> {
  for (const backup of await listBackups(path)) {
    if (backup === skip) continue;
    try {
      await chmod(backup, 0o600);
      const { file, config } = await load(backup, definition);
      const secrets = entrySecrets(entryValue(config, definition.sectionKey, ENTRY_NAME));
      if (!secrets.values.some((value) => !liveText.includes(value))) continue;
      const text = setEntryText(config, definition.sectionKey, ENTRY_NAME, secrets.blanked);
      await writeFileAtomic(file.target, text, { mode: 0o600, encoding: 'utf8' });
    } catch {
      // A backup we cannot read or rewrite is left as it is; the live file is what counts.
    }
  }
}

/** The exact entry this install writes for `client`. */
export function expectedEntry(client: ClientId, ctx: ConnectionContext): McpServerEntry {
  return entryForClient(CLIENTS[client], buildEntry(ctx.install, ctx.settings));
}

function notInstalled(definition: ClientDefinition, locations: ConfigLocation[]): ClientConfigError {
  const where = locations.map((l) => l.path).join(' or ');
  return new ClientConfigError(
    'not-installed',
    `${definition.label} does not look installed (no config folder for ${where}). Install and open it once, or pass --config PATH to name its config file.`,
  );
}

/**
 * Adds or updates the `eka-care` entry in the client's config file(s).
 *
 * Every file is read and checked before any is written; a file that does not
 * parse, is read-only or has an unexpected shape stops the whole action with
 * nothing changed. An unchanged entry means no write and no backup.
 */
export async function connectClient(
  client: ClientId,
  ctx: ConnectionContext,
  options: TargetOptions = {},
): Promise<ChangeResult> {
  const definition = CLIENTS[client];
  const locations = locationsFor(client, ctx, options);
  const targets = options.force ? locations : locations.filter((l) => l.installed);
  if (targets.length === 0) throw notInstalled(definition, locations);
  const entry = expectedEntry(client, ctx);
  const loaded = await loadAll(targets, definition);
  return planAndApply(definition, ctx, loaded, async (item, current) => {
    if (current !== undefined && sameEntry(current, entry)) return null;
    await assertWritable(item.file, definition.label);
    return {
      file: item.file,
      text: setEntryText(item.config, definition.sectionKey, ENTRY_NAME, updatedEntry(current, entry)),
      report: { replacedForeign: current !== undefined && !isOurEntry(current), created: !item.file.exists },
    };
  });
}

function result(definition: ClientDefinition, files: FileChange[]): ChangeResult {
  const changed = files.some((f) => f.changed);
  return {
    client: definition.id,
    label: definition.label,
    changed,
    files,
    restartHint: changed ? definition.restartHint : undefined,
  };
}

/**
 * The text that undoes our last connect exactly: the newest backup, when
 * re-applying our entry to it gives the current file byte for byte (nothing
 * else changed since) and it had no `eka-care` entry of its own.
 */
async function exactUndo(item: LoadedFile, definition: ClientDefinition, current: unknown) {
  const backups = await listBackups(item.file.path);
  const newest = backups[backups.length - 1];
  if (!newest) {
    const fromNothing = setEntryText(
      { bom: item.config.bom, body: '', eol: item.config.eol, empty: true },
      definition.sectionKey,
      ENTRY_NAME,
      current,
    );
    return fromNothing === item.file.text ? { removeFile: true as const } : undefined;
  }
  try {
    const backup = await load(newest, definition);
    if (entryValue(backup.config, definition.sectionKey, ENTRY_NAME) !== undefined) return undefined;
    const redo = setEntryText(backup.config, definition.sectionKey, ENTRY_NAME, current);
    return redo === item.file.text ? { text: backup.file.text } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Removes the `eka-care` entry Eka MCP wrote, and nothing else.
 *
 * When the file is unchanged since our connect, its earlier text comes back
 * byte for byte (a file we created is removed); otherwise only the entry goes.
 * A foreign entry named `eka-care` is left alone.
 */
export async function disconnectClient(
  client: ClientId,
  ctx: ConnectionContext,
  options: TargetOptions = {},
): Promise<ChangeResult> {
  const definition = CLIENTS[client];
  const loaded = await loadAll(locationsFor(client, ctx, options), definition);
  return planAndApply(definition, ctx, loaded, async (item, current) => {
    if (current === undefined || !isOurEntry(current)) return null;
    await assertWritable(item.file, definition.label);
    const undo = await exactUndo(item, definition, current);
    if (undo && 'removeFile' in undo) return { file: item.file };
    return {
      file: item.file,
      text: undo?.text ?? removeEntryText(item.config, definition.sectionKey, ENTRY_NAME),
    };
  });
}

function describeDifference(current: unknown, expected: McpServerEntry): string {
  if (!isRecord(current)) return 'the entry is not an object';
  const args = Array.isArray(current.args) ? current.args : [];
  if (current.command !== expected.command)
    return `it runs ${String(current.command)}, this install is ${expected.command}`;
  if (args[0] !== expected.args[0])
    return `it points at ${String(args[0])}, this install's server is ${expected.args[0]}`;
  if (isLegacyEntry(current))
    return 'it was written by an earlier Eka MCP that put the mode in the entry; connecting updates it';
  return 'its settings (environment or API URL) differ from the current ones';
}

async function fileStatus(
  location: ConfigLocation,
  definition: ClientDefinition,
  expected: McpServerEntry,
): Promise<ConfigFileStatus> {
  const { path } = location;
  let item: LoadedFile;
  try {
    item = await load(path, definition);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { path, state: 'unreadable', detail };
  }
  if (!item.file.exists && !location.installed) return { path, state: 'not-installed' };
  const current = entryValue(item.config, definition.sectionKey, ENTRY_NAME);
  if (current === undefined) return { path, state: 'not-connected' };
  if (sameEntry(current, expected)) return { path, state: 'connected' };
  if (isOurEntry(current)) return { path, state: 'outdated', detail: describeDifference(current, expected) };
  return {
    path,
    state: 'not-connected',
    foreignEntry: true,
    detail: `an "${ENTRY_NAME}" entry not written by Eka MCP is there; connecting replaces it (a backup is kept)`,
  };
}

function overall(files: ConfigFileStatus[]): ClientState {
  const states = files.map((f) => f.state).filter((s) => s !== 'not-installed');
  if (states.length === 0) return 'not-installed';
  for (const state of ['unreadable', 'outdated'] as const) if (states.includes(state)) return state;
  return states.every((s) => s === 'connected') ? 'connected' : 'not-connected';
}

/** The status of one client: not installed, not connected, connected, outdated or unreadable. */
export async function clientStatus(
  client: ClientId,
  ctx: ConnectionContext,
  options: TargetOptions = {},
): Promise<ClientStatus> {
  const definition = CLIENTS[client];
  const expected = expectedEntry(client, ctx);
  const files: ConfigFileStatus[] = [];
  for (const location of locationsFor(client, ctx, options)) {
    files.push(await fileStatus(location, definition, expected));
  }
  const state = overall(files);
  const detail = files.find((f) => f.state === state && f.detail)?.detail;
  return { client, label: definition.label, state, files, detail };
}

/** The status of every client. */
export async function listClientStatuses(ctx: ConnectionContext): Promise<ClientStatus[]> {
  const out: ClientStatus[] = [];
  for (const client of CLIENT_IDS) out.push(await clientStatus(client, ctx));
  return out;
}

/**
 * Re-writes every outdated entry (the app was moved or updated, or its mode or
 * environment changed); the app calls this at start. Clients whose config
 * cannot be read are reported and left untouched.
 */
export async function repairConnections(
  ctx: ConnectionContext,
): Promise<{ repaired: ChangeResult[]; failed: Array<{ client: ClientId; message: string }> }> {
  const repaired: ChangeResult[] = [];
  const failed: Array<{ client: ClientId; message: string }> = [];
  for (const client of CLIENT_IDS) {
    const status = await clientStatus(client, ctx);
    const outdated = status.files.filter((f) => f.state === 'outdated');
    if (outdated.length === 0) continue;
    const files: FileChange[] = [];
    try {
      for (const file of outdated) {
        const change = await connectClient(client, ctx, { configPath: file.path });
        files.push(...change.files);
      }
    } catch (error) {
      failed.push({ client, message: error instanceof Error ? error.message : String(error) });
    }
    if (files.length > 0) repaired.push(result(CLIENTS[client], files));
  }
  return { repaired, failed };
}
