import type { EkaEnvironment } from '../../../server/config/environments';

/** The MCP clients Eka MCP can connect to. */
export type ClientId = 'claude' | 'cursor' | 'vscode' | 'windsurf' | 'claude-code';

export const CLIENT_IDS: readonly ClientId[] = ['claude', 'cursor', 'vscode', 'windsurf', 'claude-code'];

/** The name of our entry in every client's config. */
export const ENTRY_NAME = 'eka-care';

/** The facts about the OS that decide where configs live; tests pass fakes. */
export interface OsFacts {
  platform: NodeJS.Platform;
  homedir: string;
  env: Record<string, string | undefined>;
  /** Whether a path exists (defaults to the real file system). */
  exists?: (path: string) => boolean;
}

/** How this install of Eka MCP starts its server. */
export interface Install {
  /** Absolute path of the runtime: the packaged app executable or the running `node`. */
  runtime: string;
  /** Absolute path of the bundled server `eka-mcp-server.mjs`. */
  serverPath: string;
  /** True when the runtime is Electron and needs `ELECTRON_RUN_AS_NODE=1` (a source checkout's Electron, Windows). */
  runAsNode: boolean;
  /** True when the runtime is the packaged app, started with `--mcp-stdio` instead of the bundle path. */
  serverFlag?: boolean;
}

/** The non-secret settings that shape the entry. */
export interface EntrySettings {
  mode: 'oidc' | 'client-credentials' | 'open';
  environment: EkaEnvironment;
  /** Only passed on when it differs from the environment's default. */
  apiBaseUrl?: string;
  /** `EKA_MCP_HOME` for the server, when not the default folder. */
  home?: string;
  /** `EKA_MCP_KEYCHAIN_SERVICE` for the server, when not the default service. */
  keychainService?: string;
}

/** An MCP server entry as clients read it (`type` only where the client wants it). */
export interface McpServerEntry {
  type?: 'stdio';
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Where a client keeps its config on this machine. */
export interface ConfigLocation {
  path: string;
  /** Whether the client looks installed for this location (its config folder or app exists). */
  installed: boolean;
}

export type ClientState = 'not-installed' | 'not-connected' | 'connected' | 'outdated' | 'unreadable';

/** The state of one config file. */
export interface ConfigFileStatus {
  path: string;
  state: ClientState;
  /** Why it is unreadable or outdated, or that a foreign `eka-care` entry is there. */
  detail?: string;
  /** An entry named `eka-care` exists but was not written by Eka MCP. */
  foreignEntry?: boolean;
}

/** The state of one client, over all its config files. */
export interface ClientStatus {
  client: ClientId;
  label: string;
  state: ClientState;
  files: ConfigFileStatus[];
  detail?: string;
}

/** What one connect, disconnect or repair did. */
export interface ChangeResult {
  client: ClientId;
  label: string;
  /** Whether any file was written. */
  changed: boolean;
  files: FileChange[];
  /** The reminder to restart the client, when something changed. */
  restartHint?: string;
}

export interface FileChange {
  path: string;
  changed: boolean;
  /** The backup written before the change, if any. */
  backupPath?: string;
  /** A foreign entry named `eka-care` was replaced or removed. */
  replacedForeign?: boolean;
  /** The file did not exist and was created. */
  created?: boolean;
  /** `env` names and `args` flags of the replaced entry whose secret values the backup leaves out. */
  removedSecrets?: string[];
}
