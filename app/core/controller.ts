/**
 * The one object the UI drives: it composes sign-in, the session's status
 * and refresh, sign-out, mode and settings, client credentials and their
 * test, client connections, the supervised server's health and the logs,
 * and pushes every change to the UI as contract events. Electron's main
 * process and the demo host both serve its `handlers`.
 */
import { EventEmitter } from 'node:events';
import { ENVIRONMENTS } from '../../server/config/environments';
import { readClientSecrets } from '../../server/desktop/client-credentials-store';
import type { SecretStore } from '../../server/desktop/secret-store';
import { getFreshSession } from '../../server/desktop/session-refresh';
import { resolveEndpoints, type Settings, type SettingsStore } from '../../server/desktop/settings';
import type {
  AppState,
  ClientView,
  CredentialsTest,
  EventName,
  EventPayloads,
  LogLine,
  McpClientId,
  SessionView,
  SettingsView,
  SignInView,
} from '../ipc/contract';
import { ContractError } from '../ipc/contract';
import { isAllowedExternalUrl } from '../ipc/external-urls';
import type { Handlers } from '../ipc/handlers';
import { CLIENTS } from './client-configs/clients';
import {
  type ConnectionContext,
  clientStatus,
  connectClient,
  disconnectClient,
  listClientStatuses,
  repairConnections,
} from './client-configs/connections';
import { buildEntry } from './client-configs/entry';
import type { ClientStatus, EntrySettings, Install, OsFacts } from './client-configs/types';
import { setClientCredentials, testClientCredentials } from './client-credentials';
import { login } from './login';
import { signOut } from './sign-out';
import { getStatus } from './status';
import { ServerSupervisor } from './supervisor';

export interface ControllerOptions {
  settings: SettingsStore;
  secretStore: SecretStore;
  /** The settings folder: home of the refresh lock. */
  settingsDir: string;
  /** Opens a URL in the system browser (Electron's shell, or the demo's new tab). */
  openExternal: (url: string) => void | Promise<void>;
  /** Where client configs live (home folder, platform, environment). */
  os: OsFacts;
  /** How this install starts its server (runtime and bundle path). */
  install: Install;
  /** Passed to the server entry as `EKA_MCP_HOME` when not the default folder. */
  home?: string;
  /** Passed to the server entry as `EKA_MCP_KEYCHAIN_SERVICE` when not the default service. */
  keychainService?: string;
  /** Removes secrets and identifiers from log text. */
  redact: (text: string) => string;
  fetch?: typeof fetch;
  /** Applies the launch-at-login setting to the OS (Electron only). */
  setLaunchAtLogin?: (enabled: boolean) => void;
  /** Run and watch the server (default true). */
  superviseServer?: boolean;
  /** How often to refresh the status and keep the session fresh, ms. Default 60 000. */
  pollMs?: number;
  /** Sign-in gives up after this long. */
  loginTimeoutMs?: number;
}

export interface Controller {
  /** One handler per contract method. */
  readonly handlers: Handlers;
  on<E extends EventName>(event: E, listener: (payload: EventPayloads[E]) => void): () => void;
  /** Loads the state, repairs moved installs' entries and starts the server. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The last computed state. */
  snapshot(): AppState | undefined;
}

const MAX_APP_LOG_LINES = 200;

/** Builds the controller; nothing runs until `start()`. */
export function createController(options: ControllerOptions): Controller {
  const events = new EventEmitter();
  events.setMaxListeners(50);
  const appLog: LogLine[] = [];
  const restartNeeded = new Set<McpClientId>();
  let signIn: SignInView = { state: 'idle' };
  let loginAbort: AbortController | undefined;
  let current: AppState | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let wasSignedIn: boolean | undefined;
  let stopped = false;
  let unwatchSettings: (() => void) | undefined;

  const emit = <E extends EventName>(event: E, payload: EventPayloads[E]) => events.emit(event, payload);

  const log = (text: string) => {
    const line: LogLine = { time: Date.now(), source: 'app', text: options.redact(text) };
    appLog.push(line);
    if (appLog.length > MAX_APP_LOG_LINES) appLog.splice(0, appLog.length - MAX_APP_LOG_LINES);
    emit('log', [line]);
  };

  const entrySettings = (settings: Settings): EntrySettings => {
    const endpoints = resolveEndpoints(settings);
    return {
      mode: settings.mode,
      environment: settings.environment,
      apiBaseUrl: endpoints.apiBaseUrl,
      home: options.home,
      keychainService: options.keychainService,
    };
  };

  const connectionContext = async (): Promise<ConnectionContext> => ({
    os: options.os,
    install: options.install,
    settings: entrySettings(await options.settings.read()),
  });

  const supervisor =
    options.superviseServer === false
      ? undefined
      : new ServerSupervisor({
          redact: options.redact,
          launch: async () => {
            const settings = await options.settings.read();
            const entry = buildEntry(options.install, entrySettings(settings));
            return { command: entry.command, args: entry.args, env: entry.env, cwd: '/' };
          },
          onHealth: () => void publish(),
          onLog: (lines) => emit('log', lines),
        });

  const toClientView = (status: ClientStatus): ClientView => {
    const firstFile = status.files[0];
    const view: ClientView = {
      id: status.client,
      name: status.label,
      state: status.state,
      configPath: firstFile?.path ?? '',
    };
    const detail = status.detail ?? status.files.find((f) => f.detail)?.detail;
    if (detail) view.detail = detail;
    if (restartNeeded.has(status.client) && status.state === 'connected') view.restartNeeded = true;
    return view;
  };

  const readSettingsView = async (settings: Settings): Promise<SettingsView> => {
    const endpoints = resolveEndpoints(settings);
    const secrets = await readClientSecrets(options.secretStore).catch(() => ({
      clientSecret: null,
      apiKey: null,
    }));
    return {
      mode: settings.mode,
      environment: settings.environment,
      apiBaseUrl: endpoints.apiBaseUrl,
      issuer: endpoints.issuer,
      clientId: settings.ccClientId ?? '',
      launchAtLogin: settings.launchAtLogin,
      autoUpdate: settings.autoUpdate,
      hasClientSecret: secrets.clientSecret !== null,
      hasApiKey: secrets.apiKey !== null,
    };
  };

  const readSession = async (): Promise<SessionView> => {
    const status = await getStatus({ settings: options.settings, secretStore: options.secretStore });
    const view: SessionView = { signedIn: status.signedIn };
    if (status.name) view.name = status.name;
    if (status.email) view.email = status.email;
    if (status.tokenExpiresAt) view.expiresAt = Date.parse(status.tokenExpiresAt);
    if (status.lastRefreshAt) view.lastRefreshAt = Date.parse(status.lastRefreshAt);
    if (status.lastError) view.lastError = status.lastError;
    return view;
  };

  const computeState = async (): Promise<AppState> => {
    const settings = await options.settings.read();
    const [session, settingsView, clients] = await Promise.all([
      readSession(),
      readSettingsView(settings),
      listClientStatuses(await connectionContext()),
    ]);
    return {
      session,
      settings: settingsView,
      signIn: { ...signIn },
      server: supervisor?.health() ?? { state: 'stopped', restarts: 0 },
      clients: clients.map(toClientView),
    };
  };

  let publishing: Promise<AppState> | undefined;
  let publishAgain = false;
  /** Recomputes the state and sends it; concurrent calls coalesce. */
  const publish = (): Promise<AppState> => {
    if (publishing) {
      publishAgain = true;
      return publishing;
    }
    publishing = (async () => {
      try {
        let state: AppState;
        do {
          publishAgain = false;
          state = await computeState();
        } while (publishAgain);
        noticeTransitions(state);
        current = state;
        emit('state', state);
        return state;
      } finally {
        publishing = undefined;
      }
    })();
    return publishing;
  };

  const noticeTransitions = (state: AppState) => {
    const signedIn = state.session.signedIn;
    if (wasSignedIn === true && !signedIn && state.settings.mode === 'oidc' && state.session.lastError) {
      emit('notice', {
        kind: 'signed-out',
        title: 'Signed out of Eka',
        body: 'Sign in again to keep using Eka in Claude.',
      });
      log(`Signed out: ${state.session.lastError}`);
    }
    wasSignedIn = signedIn;
  };

  /** Keeps the session fresh in the background so it outlives idle weeks, and notices sign-outs. */
  const poll = async () => {
    try {
      const settings = await options.settings.read();
      if (settings.mode === 'oidc' && current?.session.signedIn) {
        await getFreshSession({
          secretStore: options.secretStore,
          lockDir: options.settingsDir,
          fetch: options.fetch,
        });
      }
    } catch (error) {
      log(`Session refresh: ${describe(error)}`);
    }
    await publish().catch((error: unknown) => log(`Status: ${describe(error)}`));
  };

  const handlers: Handlers = {
    getState: async () => current ?? publish(),

    signIn: async () => {
      const settings = await options.settings.read();
      if (settings.mode !== 'oidc') {
        throw new ContractError(
          'wrong-mode',
          'Sign-in is for Eka account mode: choose it in Settings first.',
        );
      }
      if (loginAbort)
        throw new ContractError('sign-in-busy', 'A sign-in is already waiting in your browser.');
      const endpoints = resolveEndpoints(settings);
      const abort = new AbortController();
      loginAbort = abort;
      signIn = { state: 'waiting' };
      void publish();
      log(`Sign-in started at ${endpoints.issuer}`);
      try {
        await login({
          issuer: endpoints.issuer,
          clientId: endpoints.clientId,
          secretStore: options.secretStore,
          lockDir: options.settingsDir,
          fetch: options.fetch,
          signal: abort.signal,
          timeoutMs: options.loginTimeoutMs,
          openExternal: async (url) => {
            signIn = { state: 'waiting', url };
            void publish();
            await options.openExternal(url);
          },
        });
        signIn = { state: 'idle' };
        log('Signed in to Eka');
        await supervisor?.check().catch(() => undefined);
        const state = await publish();
        return state.session;
      } catch (error) {
        const cancelled = abort.signal.aborted;
        signIn = cancelled ? { state: 'idle' } : { state: 'idle', error: describe(error) };
        log(cancelled ? 'Sign-in cancelled' : `Sign-in failed: ${describe(error)}`);
        const state = await publish();
        // Cancelling is not a failure: the UI simply returns to "Sign in with Eka".
        if (cancelled) return state.session;
        throw error;
      } finally {
        if (loginAbort === abort) loginAbort = undefined;
      }
    },

    cancelSignIn: async () => {
      loginAbort?.abort();
    },

    signOut: async () => {
      loginAbort?.abort();
      const result = await signOut({
        secretStore: options.secretStore,
        lockDir: options.settingsDir,
        fetch: options.fetch,
      });
      wasSignedIn = false;
      log(
        result.wasSignedIn
          ? `Signed out${result.revoked ? ' and revoked the session at Eka' : ''}`
          : 'Sign-out: there was no session',
      );
      const state = await publish();
      return state.session;
    },

    saveSettings: async (input) => {
      const before = await options.settings.read();
      const defaults = ENVIRONMENTS[input.environment];
      const differs = (value: string | undefined, fallback: string) =>
        value && value.replace(/\/+$/, '') !== fallback ? value.replace(/\/+$/, '') : undefined;
      const next = await options.settings.update({
        mode: input.mode,
        environment: input.environment,
        apiBaseUrl: differs(input.apiBaseUrl, defaults.apiBaseUrl),
        issuer: differs(input.issuer, defaults.issuer),
        launchAtLogin: input.launchAtLogin,
        ...(input.autoUpdate === undefined ? {} : { autoUpdate: input.autoUpdate }),
        ...(input.mode === 'client-credentials' && input.clientId ? { ccClientId: input.clientId } : {}),
      });
      if (before.launchAtLogin !== next.launchAtLogin) options.setLaunchAtLogin?.(next.launchAtLogin);
      const serverChanged =
        before.mode !== next.mode ||
        before.environment !== next.environment ||
        before.apiBaseUrl !== next.apiBaseUrl ||
        before.issuer !== next.issuer;
      log(`Settings saved (mode ${next.mode}, ${next.environment})`);
      if (serverChanged) {
        const repaired = await repairConnections(await connectionContext());
        for (const change of repaired.repaired) {
          if (change.changed) {
            restartNeeded.add(change.client);
            log(`Updated the ${change.label} entry for the new settings`);
          }
        }
        for (const failure of repaired.failed)
          log(`Could not update ${CLIENTS[failure.client].label}: ${failure.message}`);
        if (supervisor) void supervisor.restart().catch(() => undefined);
      }
      const state = await publish();
      return state.settings;
    },

    saveCredentials: async (input) => {
      await setClientCredentials(
        { settings: options.settings, secretStore: options.secretStore },
        { clientId: input.clientId, clientSecret: input.clientSecret, apiKey: input.apiKey },
      );
      log(`Client credentials saved for ${input.clientId}`);
      const state = await publish();
      return state.settings;
    },

    testCredentials: async (): Promise<CredentialsTest> => {
      const result = await testClientCredentials({
        settings: options.settings,
        secretStore: options.secretStore,
        fetch: options.fetch,
      });
      if (result.ok) {
        log(`Credentials test passed for ${result.clientId}`);
        return { ok: true, message: `Eka accepted the credentials for ${result.clientId}.` };
      }
      log(`Credentials test failed: ${result.message}`);
      if (result.code === 'not-configured') {
        return { ok: false, message: 'Enter a client id and client secret, then test again.' };
      }
      return { ok: false, message: `Eka refused the credentials: ${result.message}` };
    },

    connectClient: async ({ client }) => {
      const ctx = await connectionContext();
      const change = await connectClient(client, ctx, { force: true });
      if (change.changed) {
        restartNeeded.add(client);
        log(`Connected ${change.label} (${change.files.map((f) => f.path).join(', ')})`);
        emit('notice', {
          kind: 'connected',
          title: `Connected to ${change.label}`,
          body: change.restartHint ?? `Quit and reopen ${change.label} to use Eka.`,
        });
      }
      const view = toClientView(await clientStatus(client, ctx));
      void publish();
      return view;
    },

    disconnectClient: async ({ client }) => {
      const ctx = await connectionContext();
      const change = await disconnectClient(client, ctx);
      restartNeeded.delete(client);
      if (change.changed) log(`Disconnected ${change.label}`);
      const view = toClientView(await clientStatus(client, ctx));
      void publish();
      return view;
    },

    refreshClients: async () => {
      const state = await publish();
      return state.clients;
    },

    checkServer: async () => {
      if (!supervisor)
        return { state: 'stopped', restarts: 0, message: 'The server is not supervised here.' };
      const health = await supervisor.check();
      void publish();
      return health;
    },

    getLogs: async () => {
      const lines = [...appLog, ...(supervisor?.logs() ?? [])];
      return lines.sort((a, b) => a.time - b.time);
    },

    openExternal: async ({ url }) => {
      if (!isAllowedExternalUrl(url, signIn.url)) {
        throw new ContractError('forbidden-url', 'Eka MCP opens only Eka pages in your browser.');
      }
      await options.openExternal(url);
    },
  };

  return {
    handlers,
    on(event, listener) {
      events.on(event, listener as (payload: unknown) => void);
      return () => events.off(event, listener as (payload: unknown) => void);
    },
    async start() {
      stopped = false;
      try {
        const repaired = await repairConnections(await connectionContext());
        for (const change of repaired.repaired) if (change.changed) log(`Repaired the ${change.label} entry`);
      } catch (error) {
        log(`Could not check client connections: ${describe(error)}`);
      }
      await publish();
      // A change made elsewhere (the CLI, another window) reaches the tray and the UI at once.
      unwatchSettings = options.settings.watch?.(
        () => void publish().catch((error: unknown) => log(`Status: ${describe(error)}`)),
        (error) => log(`Settings: ${describe(error)}`),
      );
      if (supervisor) {
        void supervisor.start().then(() => publish().catch(() => undefined));
      }
      pollTimer = setInterval(() => {
        if (!stopped) void poll();
      }, options.pollMs ?? 60_000);
      pollTimer.unref?.();
    },
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      unwatchSettings?.();
      unwatchSettings = undefined;
      loginAbort?.abort();
      await supervisor?.stop();
      events.removeAllListeners();
    },
    snapshot: () => current,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
