import { mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { type EkaEnvironment, ENVIRONMENTS } from '../config/environments';
import { toolPermissionsSchema } from '../permissions';
import { DesktopError } from './errors';
import { type TokenUse, tokenUseSchema } from './session';

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
  /** Applies `patch` (an `undefined` value removes the field) and returns the result. */
  update(patch: SettingsPatch): Promise<Settings>;
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

/** A settings store on `<dir>/settings.json`, written atomically; a malformed file is an error, never overwritten. */
export function createFileSettingsStore(dir: string = settingsDir()): SettingsStore {
  const file = join(dir, SETTINGS_FILE);

  const read = async (): Promise<Settings> => {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return parseSettings({}, file);
      throw new DesktopError(
        'settings-unreadable',
        `Cannot read the settings file ${file} (${errnoOf(cause)}): ${dir} must be a folder you can read (set EKA_MCP_HOME to move it)`,
        { cause },
      );
    }
    if (text.trim() === '') return parseSettings({}, file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (cause) {
      throw new DesktopError(
        'settings-invalid',
        `The settings file ${file} is not valid JSON ${jsonErrorSpot(text, cause)}: fix it in a text editor or delete it (Eka MCP never overwrites it)`,
        {
          cause,
        },
      );
    }
    return parseSettings(json, file);
  };

  return {
    location: file,
    read,
    async update(patch) {
      const current = await read();
      const next: Record<string, unknown> = { ...current };
      for (const [key, value] of Object.entries(patch)) {
        if (value === undefined) delete next[key];
        else next[key] = value;
      }
      const settings = parseSettings(next, 'the requested change');
      try {
        await mkdir(dir, { recursive: true });
        await writeFileAtomic(file, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
      } catch (cause) {
        throw new DesktopError(
          'settings-unwritable',
          `Cannot save the settings file ${file} (${errnoOf(cause)}): ${dir} must be a folder you can write to (set EKA_MCP_HOME to move it); nothing was changed`,
          { cause },
        );
      }
      return settings;
    },
  };
}

/** The token use when the settings name none: Eka's OIDC token APIs. */
export const DEFAULT_TOKEN_USE: TokenUse = 'exchange';

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
  const offset = match ? Number(match[1]) : /end of JSON input/.test(message) ? text.length : undefined;
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

/** The errno code of a file-system error (`EACCES`, `ENOTDIR`, ...), else its message. */
function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
