import { constants, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { default as Conf, Options as ConfOptions } from 'conf';
import { type ParseError, parse as parseJsonc } from 'jsonc-parser';
import { z } from 'zod';
import { type EkaEnvironment, ENVIRONMENTS } from '../config/environments';
import { toolPermissionsSchema } from '../permissions';
import { DesktopError } from './errors';
import { withFileLock } from './file-lock';
import { type TokenUse, tokenUseSchema } from './session';

/** Base name of the lock taken around every settings change (proper-lockfile makes `settings-change.lock`). */
export const SETTINGS_LOCK_NAME = 'settings-change';
/** How long a settings change waits for another process's change to finish. */
const SETTINGS_LOCK_WAIT_MS = 10_000;

/** Name of the app's folder in the per-OS user data location. */
export const APP_FOLDER_NAME = 'Eka MCP';
export const SETTINGS_FILE = 'settings.json';

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL');

export const settingsSchema = z
  .object({
    mode: z.enum(['oidc', 'client-credentials', 'open']).default('oidc'),
    environment: z.enum(['production', 'development', 'sandbox']).default('production'),
    issuer: httpUrl.optional(),
    clientId: z.string().min(1).optional(),
    apiBaseUrl: httpUrl.optional(),
    ccClientId: z.string().min(1).optional(),
    /** The API base URL the client secret was saved for: testing it elsewhere asks for the secret again. */
    ccApiBaseUrl: httpUrl.optional(),
    /** How "Sign in with Eka" gets Eka API tokens (default `exchange`; see session.ts). */
    tokenUse: tokenUseSchema.optional(),
    launchAtLogin: z.boolean().default(false),
    /** Eka account mode: a tool that finds no session starts "Sign in with Eka" (off on shared PCs). */
    signInFromTools: z.boolean().default(true),
    /** How long a tool call waits for that sign-in before answering "still open", seconds. */
    signInWaitSeconds: z.number().int().min(1).max(600).default(45),
    /** What assistants may do (absent: Everything, archiving asks first). */
    toolPermissions: toolPermissionsSchema.optional(),
    /** Days the activity journal keeps (absent: 30). */
    activityRetentionDays: z.number().int().min(1).max(3650).optional(),
    autoUpdate: z.boolean().default(true),
  })
  .strict();

export type Settings = z.infer<typeof settingsSchema>;
export type SettingsPatch = Partial<{ [K in keyof Settings]: Settings[K] | undefined }>;
export type AuthMode = Settings['mode'];

/** Non-secret settings: mode, environment, issuer, client ids, API base URL. */
export interface SettingsStore {
  /** Where the settings live (for messages and `doctor`). */
  readonly location: string;
  read(): Promise<Settings>;
  /**
   * Applies `change` (an `undefined` value removes the field) and returns the
   * result. A function gets the settings as they are on disk at that moment,
   * under the settings lock, so a change computed from them is never lost to
   * another process's (or this one's) change made at the same time.
   */
  update(change: SettingsPatch | ((current: Settings) => SettingsPatch)): Promise<Settings>;
  /** Calls `listener` when another process (or this one) changes the settings; returns the unsubscribe. */
  watch?(listener: (settings: Settings) => void, onError?: (error: unknown) => void): () => void;
}

/** The per-OS folder of settings and the refresh lock: `EKA_MCP_HOME` or the app's user data folder. */
export function settingsDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.EKA_MCP_HOME) return env.EKA_MCP_HOME;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', APP_FOLDER_NAME);
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), APP_FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), APP_FOLDER_NAME);
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Validates a settings object, throwing `settings-invalid` with the offending fields. */
export function parseSettings(value: unknown, source: string): Settings {
  const parsed = settingsSchema.safeParse(value);
  if (!parsed.success) {
    throw new DesktopError(
      'settings-invalid',
      `Settings in ${source} are not valid: ${describeIssues(parsed.error)}`,
    );
  }
  return parsed.data;
}

/** The settings file's schema version; conf runs every migration up to it. */
export const SETTINGS_SCHEMA_VERSION = '1.0.0';

/** conf's own bookkeeping key in the file (the schema version the file has reached). */
const INTERNAL_KEY = '__internal__';

type RawSettings = Record<string, unknown>;

/** What a migration step sees: the raw settings, before validation. */
export interface MigrationStore {
  has(key: string): boolean;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** The one migration list, by schema version; each step edits the raw store before validation. */
export const SETTINGS_MIGRATIONS: Record<string, (store: MigrationStore) => void> = {
  // The unversioned file of Eka MCP 0.1 (written by hand on write-file-atomic)
  // has today's fields; it predates the updater, so the choice is recorded.
  '1.0.0': (store) => {
    if (!store.has('autoUpdate')) store.set('autoUpdate', true);
  },
};

/** The settings' JSON schema (for conf, electron-store and editors), derived from `settingsSchema`. */
export function settingsJsonSchema(): { properties: Record<string, Record<string, unknown>> } {
  const schema = z.toJSONSchema(settingsSchema, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, Record<string, unknown>>;
  };
  return { properties: { ...(schema.properties ?? {}), [INTERNAL_KEY]: { type: 'object' } } };
}

/**
 * The store class behind the settings: conf under Node, electron-store in
 * Electron's main process. Only a change opens it: reading parses the file
 * itself, so a server that only reads never loads conf (or its JSON-schema
 * validator).
 */
export type SettingsBackend = (
  options: ConfOptions<RawSettings>,
) => Conf<RawSettings> | Promise<Conf<RawSettings>>;

const confBackend: SettingsBackend = async (options) => {
  const { default: ConfStore } = await import('conf');
  return new ConfStore<RawSettings>(options);
};

/** File name of the copy kept of a settings file before it migrates to `version`. */
export function settingsBackupName(version: string): string {
  return `settings.before-${version}.json`;
}

/**
 * A settings store on `<dir>/settings.json` on conf (or electron-store, via
 * `backend`): one JSON schema, the migration list, atomic writes with mode
 * 0600; a malformed file is an error with its line:column, never overwritten.
 * Reading never writes: an older file is migrated in memory, and on disk (with
 * a backup of the original) at the first change.
 */
export function createFileSettingsStore(
  dir: string = settingsDir(),
  backend: SettingsBackend = confBackend,
): SettingsStore {
  const file = join(dir, SETTINGS_FILE);
  let conf: Conf<RawSettings> | undefined;
  const backupsMade: string[] = [];

  const deserialize = (text: string): RawSettings => {
    if (text.trim() === '') return {};
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new DesktopError(
        'settings-invalid',
        `The settings file ${file} is not valid JSON ${jsonErrorSpot(text, cause)}: fix it in a text editor or delete it (Eka MCP never overwrites it)`,
        { cause },
      );
    }
    if (!isPlainObject(json)) parseSettings(json, file);
    return json as RawSettings;
  };

  const unreadable = (cause: unknown) =>
    new DesktopError(
      'settings-unreadable',
      `Cannot read the settings file ${file} (${errnoOf(cause)}): ${dir} must be a folder you can read (set EKA_MCP_HOME to move it)`,
      { cause },
    );

  /** The file as it is on disk (null when there is none), without conf. */
  const readRaw = (): RawSettings | null => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw unreadable(cause);
    }
    return deserialize(text);
  };

  /** Keeps the file as it was before its first migration step. */
  const backUp = (version: string) => {
    const backup = join(dir, settingsBackupName(version));
    if (existsSync(file) && !existsSync(backup)) {
      copyFileSync(file, backup, constants.COPYFILE_EXCL);
      backupsMade.push(backup);
    }
  };

  /** conf over the file, opened once even when changes come at once. */
  let opening: Promise<Conf<RawSettings>> | undefined;
  const open = (): Promise<Conf<RawSettings>> => {
    opening ??= openConf().catch((cause: unknown) => {
      opening = undefined;
      throw cause;
    });
    return opening;
  };

  /** Opens conf over the file; opening it runs (and writes) the pending migrations. */
  const openConf = async (): Promise<Conf<RawSettings>> => {
    if (conf) return conf;
    const raw = readRaw();
    if (raw && versionOf(raw) === SETTINGS_SCHEMA_VERSION) parseSettings(withoutInternal(raw), file);
    backupsMade.length = 0;
    try {
      conf = await backend({
        cwd: dir,
        configName: 'settings',
        projectVersion: SETTINGS_SCHEMA_VERSION,
        migrations: Object.fromEntries(
          Object.entries(SETTINGS_MIGRATIONS).map(([version, step]) => [
            version,
            (store: Conf<RawSettings>) => step(confMigrationStore(store)),
          ]),
        ),
        beforeEachMigration: (_store, context) => {
          if (context.versions[0] === context.toVersion) backUp(context.toVersion);
        },
        schema: settingsJsonSchema().properties as ConfOptions<RawSettings>['schema'],
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
        deserialize,
      });
    } catch (cause) {
      // A file that failed validation after migrating goes back to what it was.
      const first = backupsMade[0];
      if (first) {
        copyFileSync(first, file);
        rmSync(first, { force: true });
      }
      throw cause;
    }
    return conf;
  };

  // Reading never needs conf: the file is parsed and checked against the same schema here
  // (conf's own check is the JSON schema derived from it), an older one migrated in memory.
  const read = async (): Promise<Settings> => {
    const raw = readRaw();
    if (raw === null) return parseSettings({}, file);
    if (versionOf(raw) !== SETTINGS_SCHEMA_VERSION) return parseSettings(migratedInMemory(raw), file);
    return parseSettings(withoutInternal(raw), file);
  };

  const unwritable = (cause: unknown) =>
    new DesktopError(
      'settings-unwritable',
      `Cannot save the settings file ${file} (${errnoOf(cause)}): ${dir} must be a folder you can write to (set EKA_MCP_HOME to move it); nothing was changed`,
      { cause },
    );

  const applyChange = async (change: SettingsPatch | ((current: Settings) => SettingsPatch)) => {
    // A file that cannot be read (or is malformed) is that error, before anything is written.
    await read();
    try {
      mkdirSync(dir, { recursive: true });
    } catch (cause) {
      throw unwritable(cause);
    }
    return withFileLock(
      dir,
      SETTINGS_LOCK_NAME,
      async () => {
        const current = await read();
        const patch = typeof change === 'function' ? change(current) : change;
        const next: Record<string, unknown> = { ...current };
        for (const [key, value] of Object.entries(patch)) {
          if (value === undefined) delete next[key];
          else next[key] = value;
        }
        const settings = parseSettings(next, 'the requested change');
        try {
          (await open()).store = { ...settings };
        } catch (cause) {
          throw asSettingsError(cause, file) ?? unwritable(cause);
        }
        return settings;
      },
      { waitMs: SETTINGS_LOCK_WAIT_MS, what: 'settings' },
    ).catch((error: unknown) => {
      // A lock that cannot be made (not merely held by another process) is a folder that cannot be written.
      const cause = error instanceof DesktopError && error.code === 'lock-failed' ? error.cause : undefined;
      if (cause !== undefined && errnoOf(cause) !== 'ELOCKED') throw unwritable(cause);
      throw error;
    });
  };
  let changes: Promise<unknown> = Promise.resolve();

  return {
    location: file,
    read,
    update(change) {
      // One change at a time in this process, and across processes the settings lock around
      // read-merge-write: two changes made at once both land.
      const run = () => applyChange(change);
      const result = changes.then(run, run);
      changes = result.catch(() => undefined);
      return result;
    },
    watch(listener, onError) {
      return watchSettings(dir, read, listener, onError);
    },
  };
}

/** The token use when the settings name none: Eka's OIDC token APIs. */
export const DEFAULT_TOKEN_USE: TokenUse = 'exchange';

/** The schema version a raw settings file has reached (undefined before the first). */
function versionOf(raw: RawSettings): string | undefined {
  const version = (raw[INTERNAL_KEY] as { migrations?: { version?: unknown } } | undefined)?.migrations
    ?.version;
  return typeof version === 'string' ? version : undefined;
}

/** `raw` with the migrations it has not had yet applied, in memory. */
function migratedInMemory(raw: RawSettings): RawSettings {
  const from = versionOf(raw);
  const data: RawSettings = withoutInternal(raw);
  const store: MigrationStore = {
    has: (key) => Object.hasOwn(data, key),
    get: (key) => data[key],
    set: (key, value) => {
      data[key] = value;
    },
    delete: (key) => {
      delete data[key];
    },
  };
  const pending = Object.keys(SETTINGS_MIGRATIONS)
    .filter(
      (v) =>
        (from === undefined || compareVersions(v, from) > 0) &&
        compareVersions(v, SETTINGS_SCHEMA_VERSION) <= 0,
    )
    .sort(compareVersions);
  for (const version of pending) SETTINGS_MIGRATIONS[version]?.(store);
  return data;
}

function confMigrationStore(store: Conf<RawSettings>): MigrationStore {
  return {
    has: (key) => store.has(key),
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    delete: (key) => store.delete(key),
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/**
 * Calls `listener` with the new settings soon after any process changes the
 * file. conf's own watcher polls every 5 s on Linux; this one watches the
 * folder (atomic writes replace the file) and re-reads at most every 50 ms.
 */
function watchSettings(
  dir: string,
  read: () => Promise<Settings>,
  listener: (settings: Settings) => void,
  onError?: (error: unknown) => void,
): () => void {
  let last: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const check = async () => {
    timer = undefined;
    try {
      const settings = await read();
      const text = JSON.stringify(settings);
      if (closed || text === last) return;
      last = text;
      listener(settings);
    } catch (error) {
      if (!closed) onError?.(error);
    }
  };
  void read()
    .then((settings) => {
      last ??= JSON.stringify(settings);
    })
    .catch(() => undefined);
  mkdirSync(dir, { recursive: true });
  const watcher = watch(dir, { persistent: false }, (_event, name) => {
    if (name && name !== SETTINGS_FILE) return;
    if (!timer) timer = setTimeout(() => void check(), 50);
  });
  watcher.on('error', (error) => onError?.(error));
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}

function withoutInternal(raw: RawSettings): RawSettings {
  const { [INTERNAL_KEY]: _internal, ...rest } = raw;
  return rest;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** conf's errors as ours: ours as they are, a schema violation re-described by zod; undefined for file errors. */
function asSettingsError(cause: unknown, file: string): Error | undefined {
  if (cause instanceof DesktopError) return cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  if (message.startsWith('Config schema violation')) {
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as unknown;
      parseSettings(isPlainObject(raw) ? withoutInternal(raw) : raw, file);
    } catch (error) {
      if (error instanceof DesktopError) return error;
    }
    return new DesktopError('settings-invalid', `Settings in ${file} are not valid: ${message}`, { cause });
  }
  if (message.startsWith('Something went wrong during the migration')) {
    return new DesktopError('settings-invalid', `Settings in ${file} could not be migrated: ${message}`, {
      cause,
    });
  }
  return undefined;
}

/** The issuer, desktop client id, API base URL and token use in effect: settings over the environment's defaults. */
export function resolveEndpoints(settings: Settings): {
  environment: EkaEnvironment;
  issuer: string;
  clientId: string;
  apiBaseUrl: string;
  tokenUse: TokenUse;
} {
  const defaults = ENVIRONMENTS[settings.environment];
  return {
    environment: settings.environment,
    issuer: settings.issuer ?? defaults.issuer,
    clientId: settings.clientId ?? defaults.desktopClientId,
    apiBaseUrl: settings.apiBaseUrl ?? defaults.apiBaseUrl,
    tokenUse: settings.tokenUse ?? DEFAULT_TOKEN_USE,
  };
}

/** Where JSON.parse stopped, as `at line L:C (reason)`, from V8's "at position N" (the end for truncated text). */
function jsonErrorSpot(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = / in JSON at position (\d+)/.exec(message);
  const offset = match
    ? Number(match[1])
    : /end of JSON input/.test(message)
      ? text.length
      : firstSyntaxErrorOffset(text);
  const reason = message
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 120);
  if (offset === undefined) return `(${reason})`;
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  const line = before.length;
  const column = (before[before.length - 1] ?? '').length + 1;
  return `at line ${line}:${column} (${reason})`;
}

/** Where a strict JSON parse of `text` first fails (V8 does not always say). */
function firstSyntaxErrorOffset(text: string): number | undefined {
  const errors: ParseError[] = [];
  parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false });
  return errors[0]?.offset;
}

/** The errno code of a file-system error (`EACCES`, `ENOTDIR`, ...), else its message. */
function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
