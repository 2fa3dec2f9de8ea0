/**
 * The single contract between the UI and the app core.
 *
 * Every method the renderer may call (its input schema and result type) and
 * every event it may receive is listed here. The Electron preload, main's
 * handler registration and the demo host's browser bridge are all generated
 * from `METHODS` and `EVENTS`; nothing else spells a channel name. The
 * renderer imports only the types.
 */
import { z } from 'zod';

/** The three ways the server can authenticate to Eka. */
export const modeSchema = z.enum(['oidc', 'client-credentials', 'open']);
export type Mode = z.infer<typeof modeSchema>;

export const environmentSchema = z.enum(['production', 'development', 'sandbox']);
export type Environment = z.infer<typeof environmentSchema>;

/** The MCP clients the app can connect. */
export const clientIdSchema = z.enum(['claude', 'cursor', 'vscode', 'windsurf', 'claude-code']);
export type McpClientId = z.infer<typeof clientIdSchema>;

export type ConnectionState = 'not-installed' | 'not-connected' | 'connected' | 'outdated' | 'unreadable';

/** When a client last used Eka MCP, from the activity journal. */
export interface LastUseView {
  /** Epoch ms of its newest call. */
  at: number;
  reads: number;
  changes: number;
  failures: number;
}

/** A dismissable notice on a client card after Connect or Disconnect. */
export interface ClientNotice {
  kind: 'connected' | 'disconnected' | 'first-call';
  /** What to do now, in plain words. */
  text: string;
  /** Set once the journal shows the client's first call after Connect. */
  confirmedAt?: number;
}

export interface ClientView {
  id: McpClientId;
  /** Display name, e.g. "Claude Desktop". */
  name: string;
  state: ConnectionState;
  /** The config file the entry lives in. */
  configPath: string;
  /** Plain-words detail (why unreadable, what is outdated). */
  detail?: string;
  /** Set right after a change: the client must be restarted to pick it up. */
  restartNeeded?: boolean;
  /** Set right after a connect that replaced an entry with secrets: their names (the backup does not keep them). */
  removedSecrets?: string[];
  /** The client to begin with (Claude Desktop). */
  startHere?: boolean;
  lastUse?: LastUseView;
  notice?: ClientNotice;
}

export interface SessionView {
  signedIn: boolean;
  name?: string;
  email?: string;
  /** Access token expiry, epoch milliseconds. */
  expiresAt?: number;
  /** Last successful refresh, epoch milliseconds. */
  lastRefreshAt?: number;
  /** Why the clinician was signed out, or the last refresh problem. */
  lastError?: string;
}

export interface SettingsView {
  mode: Mode;
  environment: Environment;
  apiBaseUrl: string;
  issuer: string;
  clientId: string;
  launchAtLogin: boolean;
  /** Eka account mode: a tool call that finds no session starts sign-in (off on shared computers). */
  signInFromTools: boolean;
  /** Download and install updates without asking ("Update automatically"). */
  autoUpdate: boolean;
  /** Whether a client secret / API key is in the keychain (never their values). */
  hasClientSecret: boolean;
  hasApiKey: boolean;
}

export type ServerState = 'starting' | 'ok' | 'down' | 'stopped';

/** What the health check found, from one real call to Eka through the server. */
export type HealthVerdict =
  | 'checking'
  | 'ready'
  | 'signed-out'
  | 'refused'
  | 'unreachable'
  | 'open'
  | 'problem'
  | 'not-running';

export interface ServerHealth {
  state: ServerState;
  /** The honest answer for Home and the tray (absent until the first check). */
  verdict?: HealthVerdict;
  /** One line for the verdict, e.g. "Eka refused the credentials". */
  headline?: string;
  /** What to do about it, in plain words. */
  advice?: string;
  toolCount?: number;
  /** initialize + tools/list round trip, milliseconds. */
  latencyMs?: number;
  checkedAt?: number;
  restarts: number;
  message?: string;
}

export interface SignInView {
  state: 'idle' | 'waiting';
  /** The authorization URL while waiting (to open it again). */
  url?: string;
  /** The last sign-in failure, in plain words. */
  error?: string;
}

export interface LogLine {
  time: number;
  source: 'server' | 'app';
  text: string;
}

/** The UI's screens. */
export type Screen = 'home' | 'activity' | 'settings' | 'logs';

/** One tool call from the activity journal (ids only). */
export interface ActivityRow {
  id: string;
  /** Epoch ms. */
  time: number;
  clientName?: string;
  clientVersion?: string;
  tool: string;
  /** Plain words for the tool ("Book an appointment"). */
  toolLabel: string;
  kind: 'read' | 'change';
  outcome: 'ok' | 'error' | 'refused' | 'declined' | 'invalid';
  errorCode?: string;
  durationMs: number;
  patientIds: string[];
  appointmentIds: string[];
  doctorIds: string[];
  clinicIds: string[];
}

export interface ActivityPage {
  rows: ActivityRow[];
  /** Every client and tool in the journal, for the filters. */
  clients: string[];
  tools: string[];
  retentionDays: number;
}

/** Names fetched live from Eka for ids on screen (only when signed in). */
export interface ActivityNames {
  available: boolean;
  patients: Record<string, string>;
  doctors: Record<string, string>;
}

export type PresetName = 'read-only' | 'appointments' | 'all';

export interface ToolPermissionView {
  name: string;
  label: string;
  kind: 'read' | 'change';
  destructive: boolean;
  enabled: boolean;
  askFirst: boolean;
}

export interface PermissionsView {
  preset: PresetName;
  tools: ToolPermissionView[];
}

export interface AppState {
  session: SessionView;
  settings: SettingsView;
  signIn: SignInView;
  server: ServerHealth;
  clients: ClientView[];
}

export interface CredentialsTest {
  ok: boolean;
  message: string;
  expiresAt?: number;
}

/** Declares a method's result type without a runtime value. */
function returns<T>(): T {
  return undefined as T;
}

const noInput = z.undefined();
const httpsOrLoopbackUrl = z
  .string()
  .trim()
  .url('Enter a full URL, e.g. https://api.eka.care')
  .refine((v) => /^https:\/\//.test(v) || /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(v), {
    message: 'Use an https:// address (http:// is allowed only for 127.0.0.1)',
  })
  .refine((v) => !hasCredentials(v), {
    message: 'Leave the user name and password out of the address: secrets belong in the keychain',
  });

function hasCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

export const settingsInputSchema = z
  .object({
    mode: modeSchema,
    environment: environmentSchema,
    apiBaseUrl: httpsOrLoopbackUrl.optional(),
    issuer: httpsOrLoopbackUrl.optional(),
    clientId: z.string().trim().max(200).optional(),
    launchAtLogin: z.boolean(),
    /** Absent: unchanged. */
    signInFromTools: z.boolean().optional(),
    /** Absent: keep the saved choice. */
    autoUpdate: z.boolean().optional(),
  })
  .strict();
export type SettingsInput = z.infer<typeof settingsInputSchema>;

export const credentialsInputSchema = z
  .object({
    clientId: z.string().trim().min(1, 'Enter the client id').max(200, 'The client id is too long'),
    /** Absent: keep the stored secret. */
    clientSecret: z
      .string()
      .min(1, 'Enter the client secret')
      .max(4096, 'The client secret is too long')
      .optional(),
    apiKey: z.string().min(1, 'Enter the API key').max(4096, 'The API key is too long').optional(),
  })
  .strict();

const toolNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'Unknown tool');

export const activityQuerySchema = z
  .object({
    client: z.string().max(200).optional(),
    tool: toolNameSchema.optional(),
    changesOnly: z.boolean().optional(),
    failuresOnly: z.boolean().optional(),
    limit: z.number().int().min(1).max(5000).optional(),
  })
  .strict();
export type ActivityQuery = z.infer<typeof activityQuerySchema>;

const idList = z.array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$/)).max(100);
export type CredentialsInput = z.infer<typeof credentialsInputSchema>;

/** Every method the UI can call: its input schema and (type-only) result. */
export const METHODS = {
  getState: { input: noInput, result: returns<AppState>() },
  signIn: { input: noInput, result: returns<SessionView>() },
  /** Sign-in that asks Eka for the login page again (prompt=login), for shared front-desk computers. */
  signInAsSomeoneElse: { input: noInput, result: returns<SessionView>() },
  cancelSignIn: { input: noInput, result: returns<void>() },
  signOut: { input: noInput, result: returns<SessionView>() },
  saveSettings: { input: settingsInputSchema, result: returns<SettingsView>() },
  saveCredentials: { input: credentialsInputSchema, result: returns<SettingsView>() },
  /** Tests what is typed (secret and key fall back to the saved ones); saves and switches nothing. */
  testCredentials: { input: credentialsInputSchema, result: returns<CredentialsTest>() },
  /** `create`: the client does not look installed and the person agreed to create its config. */
  connectClient: {
    input: z.object({ client: clientIdSchema, create: z.boolean().optional() }).strict(),
    result: returns<ClientView>(),
  },
  dismissClientNotice: { input: z.object({ client: clientIdSchema }).strict(), result: returns<void>() },
  disconnectClient: { input: z.object({ client: clientIdSchema }).strict(), result: returns<ClientView>() },
  refreshClients: { input: noInput, result: returns<ClientView[]>() },
  checkServer: { input: noInput, result: returns<ServerHealth>() },
  getLogs: { input: noInput, result: returns<LogLine[]>() },
  getActivity: { input: activityQuerySchema, result: returns<ActivityPage>() },
  getActivityNames: {
    input: z.object({ patientIds: idList, doctorIds: idList }).strict(),
    result: returns<ActivityNames>(),
  },
  exportActivityCsv: { input: activityQuerySchema, result: returns<string>() },
  clearActivity: { input: noInput, result: returns<void>() },
  setActivityRetention: {
    input: z
      .object({ days: z.number().int().min(1, 'Keep at least 1 day').max(3650, 'Keep at most 3650 days') })
      .strict(),
    result: returns<void>(),
  },
  getPermissions: { input: noInput, result: returns<PermissionsView>() },
  setToolPreset: {
    input: z.object({ preset: z.enum(['read-only', 'appointments', 'all']) }).strict(),
    result: returns<PermissionsView>(),
  },
  setToolEnabled: {
    input: z.object({ name: toolNameSchema, enabled: z.boolean() }).strict(),
    result: returns<PermissionsView>(),
  },
  setToolAskFirst: {
    input: z.object({ name: toolNameSchema, askFirst: z.boolean() }).strict(),
    result: returns<PermissionsView>(),
  },
  openExternal: {
    input: z
      .object({
        url: z
          .string()
          .max(4096)
          .url()
          .refine((v) => /^https?:\/\//i.test(v), 'only web addresses can be opened'),
      })
      .strict(),
    result: returns<void>(),
  },
} as const;

export type MethodName = keyof typeof METHODS;
export type MethodInput<M extends MethodName> = z.input<(typeof METHODS)[M]['input']>;
export type MethodResult<M extends MethodName> = (typeof METHODS)[M]['result'];

/** Method names in a stable order, for the generated preload, handlers and bridge. */
export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

/** Every event the core pushes to the UI, with its payload type. */
export interface EventPayloads {
  /** The whole app state changed (session, settings, health, clients). */
  state: AppState;
  /** Ask the host to open a URL in the system browser (the demo opens a tab). */
  openExternal: { url: string };
  /** A short message worth a native notification. */
  notice: { kind: 'signed-out' | 'connected' | 'server-down'; title: string; body: string };
  /** New tool calls were journaled (the Activity screen reloads). */
  activity: { count: number };
  /** New log lines. */
  log: LogLine[];
  /** Show a screen (the tray's Settings item). */
  navigate: { screen: Screen };
}
export type EventName = keyof EventPayloads;
export const EVENT_NAMES: EventName[] = ['state', 'openExternal', 'notice', 'log', 'navigate', 'activity'];

/** A method's answer as it crosses the process boundary. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

/** The API the renderer sees on `window.eka`. */
export type EkaApi = {
  [M in MethodName]: (
    ...args: MethodInput<M> extends undefined ? [] : [MethodInput<M>]
  ) => Promise<MethodResult<M>>;
} & {
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
};

/** The IPC channel of a method. */
export function methodChannel(name: MethodName): string {
  return `eka:call:${name}`;
}

/** The IPC channel of an event. */
export function eventChannel(name: EventName): string {
  return `eka:event:${name}`;
}

/** Whether `value` names a method of the contract. */
export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.hasOwn(METHODS, value);
}

/** Whether `value` names an event of the contract. */
export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && (EVENT_NAMES as string[]).includes(value);
}

/** Validates a method's raw input; throws a `ContractError` with a plain message. */
export function parseInput<M extends MethodName>(name: M, raw: unknown): MethodInput<M> {
  const result = METHODS[name].input.safeParse(raw);
  if (!result.success) {
    // The schemas' own messages are written for people ("Enter the client id"); no method or field names.
    const first = result.error.issues[0];
    const message =
      first?.message && !/^(Invalid|Expected|Unrecognized)/i.test(first.message) ? first.message : '';
    throw new ContractError(
      'invalid-input',
      message || 'That value is not accepted here: check it and try again.',
    );
  }
  return result.data as MethodInput<M>;
}

/** An error that crosses the boundary with a stable code and a plain message. */
export class ContractError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContractError';
    this.code = code;
  }
}

/** Unwraps an envelope: the value, or an `Error` carrying the code and message. */
export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new ContractError(envelope.error.code, envelope.error.message);
}
