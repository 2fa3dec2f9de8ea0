/**
 * The one object the UI drives: it composes sign-in, the session's status
 * and refresh, sign-out, mode and settings, client credentials and their
 * test, client connections, the supervised server's health and the logs,
 * and pushes every change to the UI as contract events. Electron's main
 * process and the demo host both serve its `handlers`.
 */
import { EventEmitter } from 'node:events';
import { type FSWatcher, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { ActivityEntry } from '../../server/activity/journal';
import { ENVIRONMENTS } from '../../server/config/environments';
import { readClientSecrets } from '../../server/desktop/client-credentials-store';
import type { SecretStore } from '../../server/desktop/secret-store';
import { getFreshSession } from '../../server/desktop/session-refresh';
import { resolveEndpoints, type Settings, type SettingsStore } from '../../server/desktop/settings';
import {
  type AppSignIn,
  listenForSignInRequests,
  type SignInChannelServer,
} from '../../server/desktop/signin-channel';
import { catalogTool, effectiveTools, withAskFirst, withPreset, withSwitch } from '../../server/permissions';
import type {
  ActivityQuery,
  ActivityRow,
  AppState,
  ClientNotice,
  ClientView,
  CredentialsTest,
  EventName,
  EventPayloads,
  LogLine,
  McpClientId,
  PermissionsView,
  SessionView,
  SettingsView,
  SignInView,
} from '../ipc/contract';
import { ContractError } from '../ipc/contract';
import { isAllowedExternalUrl } from '../ipc/external-urls';
import type { Handlers } from '../ipc/handlers';
import {
  activityCsv,
  clientIdForName,
  HEALTH_CHECK_CLIENT,
  type LastUse,
  lastUseByClient,
  openJournal,
} from './activity';
import { lookUpNames } from './activity-names';
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
import { setClientCredentials, tryClientCredentials } from './client-credentials';
import { createHealthProbe } from './health';
import { login } from './login';
import { type LoginOutcome, loginOutcomeOf } from './login-error';
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
  /** Listen for sign-in requests from server processes (default true). */
  signInChannel?: boolean;
  /** A server asked to sign in: bring the window forward (Electron). */
  onSignInRequested?: () => void;
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

/** The sign-in waiting in the browser: how to cancel it, its URL once open, and how it ended. */
interface RunningSignIn {
  abort: AbortController;
  url: Promise<string>;
  done: Promise<unknown>;
  ended: Promise<{ outcome: LoginOutcome; message: string }>;
}

/** Builds the controller; nothing runs until `start()`. */
export function createController(options: ControllerOptions): Controller {
  const events = new EventEmitter();
  events.setMaxListeners(50);
  const appLog: LogLine[] = [];
  const restartNeeded = new Set<McpClientId>();
  /** Names of the secrets the last connect removed from a replaced entry, per client. */
  const removedSecrets = new Map<McpClientId, string[]>();
  /** Notices on client cards after Connect / Disconnect, until dismissed. */
  const notices = new Map<McpClientId, ClientNotice & { since: number }>();
  const journal = openJournal(options.settingsDir, options.settings);
  let lastUse: Partial<Record<McpClientId, LastUse>> = {};
  let journalWatcher: FSWatcher | undefined;
  let journalTimer: NodeJS.Timeout | undefined;
  let signIn: SignInView = { state: 'idle' };
  let running: RunningSignIn | undefined;
  let channel: SignInChannelServer | undefined;
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
          clientName: HEALTH_CHECK_CLIENT,
          probe: createHealthProbe(async () => {
            const settings = await options.settings.read();
            const session = await readSession().catch(() => ({ signedIn: false }));
            return { mode: settings.mode, signedIn: session.signedIn };
          }),
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
    const removed = removedSecrets.get(status.client);
    if (removed) view.removedSecrets = removed;
    if (status.client === 'claude') view.startHere = true;
    const use = lastUse[status.client];
    if (use) view.lastUse = { ...use };
    const notice = notices.get(status.client);
    if (notice) {
      const { since: _since, ...shown } = notice;
      view.notice = shown;
    }
    return view;
  };

  /** Re-reads the journal: last use per client, and the first call after a Connect. */
  const refreshActivity = async (): Promise<boolean> => {
    const entries = await journal.read({ since: Date.now() - 30 * 86_400_000 }).catch(() => []);
    const own = (e: ActivityEntry) => e.client?.name === HEALTH_CHECK_CLIENT;
    lastUse = lastUseByClient(entries.filter((e) => !own(e)));
    let changed = false;
    for (const [client, notice] of notices) {
      if (notice.kind !== 'connected' || notice.confirmedAt) continue;
      const first = entries
        .filter((e) => clientIdForName(e.client?.name) === client && Date.parse(e.time) >= notice.since)
        .at(-1);
      if (first) {
        notices.set(client, {
          ...notice,
          kind: 'first-call',
          confirmedAt: Date.parse(first.time),
          text: `${CLIENTS[client].label} is using Eka MCP: its first request arrived.`,
        });
        restartNeeded.delete(client);
        changed = true;
      }
    }
    return changed;
  };

  const watchJournal = async () => {
    try {
      await mkdir(journal.dir, { recursive: true, mode: 0o700 });
      journalWatcher = watch(journal.dir, { persistent: false }, () => {
        if (journalTimer) return;
        journalTimer = setTimeout(() => {
          journalTimer = undefined;
          void refreshActivity().then(() => {
            emit('activity', { count: 1 });
            void publish().catch(() => undefined);
          });
        }, 250);
        journalTimer.unref?.();
      });
      journalWatcher.on('error', () => undefined);
    } catch (error) {
      log(`Cannot watch the activity journal: ${describe(error)}`);
    }
  };

  const toRow = (e: ActivityEntry): ActivityRow => ({
    id: e.id,
    time: Date.parse(e.time),
    clientName: e.client?.name,
    clientVersion: e.client?.version,
    tool: e.tool,
    toolLabel: catalogTool(e.tool)?.label ?? e.tool,
    kind: e.kind,
    outcome: e.outcome,
    errorCode: e.errorCode,
    durationMs: e.durationMs,
    patientIds: e.ids.patient ?? [],
    appointmentIds: e.ids.appointment ?? [],
    doctorIds: e.ids.doctor ?? [],
    clinicIds: e.ids.clinic ?? [],
  });

  const queryActivity = async (query: ActivityQuery): Promise<ActivityEntry[]> => {
    const entries = await journal.read({
      client: query.client,
      tool: query.tool,
      changesOnly: query.changesOnly,
      failuresOnly: query.failuresOnly,
    });
    return entries.filter((e) => e.client?.name !== HEALTH_CHECK_CLIENT);
  };

  const permissionsView = (settings: Settings): PermissionsView => ({
    preset: settings.toolPermissions?.preset ?? 'all',
    tools: effectiveTools(settings.toolPermissions).map((t) => ({
      name: t.name,
      label: t.label,
      kind: t.kind,
      destructive: t.destructive,
      enabled: t.enabled,
      askFirst: t.askFirst,
    })),
  });

  const savePermissions = async (
    change: (current: Settings['toolPermissions']) => NonNullable<Settings['toolPermissions']>,
  ): Promise<PermissionsView> => {
    // Computed from the settings as they are when saved, so a change made elsewhere meanwhile stays.
    const saved = await options.settings.update((current) => {
      try {
        return { toolPermissions: change(current.toolPermissions) };
      } catch (error) {
        throw new ContractError('bad-tool', describe(error));
      }
    });
    log(`Tool permissions changed (preset ${saved.toolPermissions?.preset ?? 'all'})`);
    return permissionsView(saved);
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
      signInFromTools: settings.signInFromTools,
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

  /** Starts "Sign in with Eka" (the window shows the waiting state) and tells how it ends. */
  const startSignIn = (settings: Settings, prompt?: 'login'): RunningSignIn => {
    const endpoints = resolveEndpoints(settings);
    const abort = new AbortController();
    let resolveUrl!: (url: string) => void;
    const url = new Promise<string>((resolve) => {
      resolveUrl = resolve;
    });
    signIn = { state: 'waiting' };
    void publish();
    log(`Sign-in started at ${endpoints.issuer}`);
    const done = login({
      issuer: endpoints.issuer,
      clientId: endpoints.clientId,
      apiBaseUrl: endpoints.apiBaseUrl,
      tokenUse: endpoints.tokenUse,
      secretStore: options.secretStore,
      lockDir: options.settingsDir,
      fetch: options.fetch,
      signal: abort.signal,
      timeoutMs: options.loginTimeoutMs,
      prompt,
      openExternal: async (address) => {
        signIn = { state: 'waiting', url: address };
        resolveUrl(address);
        void publish();
        await options.openExternal(address);
      },
    });
    done.catch(() => undefined);
    const ended = done.then(
      async (): Promise<{ outcome: LoginOutcome; message: string }> => {
        signIn = { state: 'idle' };
        log('Signed in to Eka');
        await supervisor?.check().catch(() => undefined);
        await publish();
        return { outcome: 'signed-in', message: 'Signed in to Eka' };
      },
      async (error: unknown) => {
        const cancelled = abort.signal.aborted;
        signIn = cancelled ? { state: 'idle' } : { state: 'idle', error: describe(error) };
        log(cancelled ? 'Sign-in cancelled' : `Sign-in failed: ${describe(error)}`);
        await publish().catch(() => undefined);
        return cancelled
          ? { outcome: 'cancelled' as const, message: 'Sign-in was cancelled in Eka MCP' }
          : loginOutcomeOf(error);
      },
    );
    const started: RunningSignIn = { abort, url, done, ended };
    running = started;
    void ended.finally(() => {
      if (running === started) running = undefined;
    });
    return started;
  };

  /** A server asked (on the local channel) for sign-in: start one, or join the one waiting. */
  const beginRequestedSignIn = (): AppSignIn => {
    options.onSignInRequested?.();
    log('Your assistant asked to sign in to Eka');
    const ready = (async () => {
      if (running) return running;
      const settings = await options.settings.read();
      if (settings.mode !== 'oidc') return undefined;
      return startSignIn(settings);
    })();
    ready.catch(() => undefined);
    return {
      url: ready.then((r) => r?.url ?? Promise.reject(new Error('not in Eka account mode'))),
      result: ready.then(
        (r) =>
          r?.ended ?? {
            outcome: 'failed' as const,
            message: 'Eka MCP is not in Eka account mode: choose it in Settings',
          },
        (error: unknown) => ({ outcome: 'failed' as const, message: describe(error) }),
      ),
      cancel: () => void ready.then((r) => r?.abort.abort()),
    };
  };

  /** "Sign in with Eka" from the UI: waits for the browser, then gives the new session. */
  const signInNow = async (prompt?: 'login'): Promise<SessionView> => {
    const settings = await options.settings.read();
    if (settings.mode !== 'oidc') {
      throw new ContractError('wrong-mode', 'Sign-in is for Eka account mode: choose it in Settings first.');
    }
    if (running) throw new ContractError('sign-in-busy', 'A sign-in is already waiting in your browser.');
    const started = startSignIn(settings, prompt);
    await started.ended;
    try {
      await started.done;
    } catch (error) {
      // Cancelling is not a failure: the UI simply returns to "Sign in with Eka".
      if (!started.abort.signal.aborted) throw error;
    }
    return (current ?? (await publish())).session;
  };

  const handlers: Handlers = {
    getState: async () => current ?? publish(),

    signIn: async () => signInNow(),

    signInAsSomeoneElse: async () => signInNow('login'),

    cancelSignIn: async () => {
      running?.abort.abort();
    },
    signOut: async () => {
      running?.abort.abort();
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
        ...(input.signInFromTools !== undefined ? { signInFromTools: input.signInFromTools } : {}),
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
        // Entries carry no mode: connected clients keep their entry, but their running server
        // read the old mode when it started, so each needs a restart.
        if (before.mode !== next.mode) {
          for (const status of await listClientStatuses(await connectionContext())) {
            if (status.state === 'connected') restartNeeded.add(status.client);
          }
        }
        const repaired = await repairConnections(await connectionContext());
        for (const change of repaired.repaired) {
          if (change.changed) {
            restartNeeded.add(change.client);
            log(`Updated the ${change.label} entry for the new settings`);
          }
        }
        for (const failure of repaired.failed)
          log(`Could not update ${CLIENTS[failure.client].label}: ${failure.message}`);
        if (supervisor) await supervisor.restart().catch(() => undefined);
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
      // A running server keeps the token it got; start it again with the new credentials.
      if (supervisor && (await options.settings.read()).mode === 'client-credentials') {
        await supervisor.restart().catch(() => undefined);
      }
      const state = await publish();
      return state.settings;
    },

    testCredentials: async (input): Promise<CredentialsTest> => {
      // What is typed, against the API base URL saved now; nothing is saved or switched.
      const settings = await options.settings.read();
      const { apiBaseUrl } = resolveEndpoints(settings);
      const saved = await readClientSecrets(options.secretStore).catch(() => ({
        clientSecret: null,
        apiKey: null,
      }));
      if (!input.clientSecret && saved.clientSecret && settings.ccApiBaseUrl !== apiBaseUrl) {
        // The API address changed since the secret was saved: it is not sent there unasked.
        return {
          ok: false,
          message: `The client secret was saved for ${settings.ccApiBaseUrl ?? 'another API address'}, not ${apiBaseUrl}: enter the client secret again to test it there. Nothing was sent.`,
        };
      }
      const clientSecret = input.clientSecret ?? saved.clientSecret ?? undefined;
      const apiKey = input.apiKey ?? saved.apiKey ?? undefined;
      if (!clientSecret) {
        return { ok: false, message: 'Type the client secret, then test again.' };
      }
      const result = await tryClientCredentials({
        apiBaseUrl,
        clientId: input.clientId,
        clientSecret,
        apiKey,
        fetch: options.fetch,
      });
      if (result.ok) {
        log(`Credentials test passed for ${input.clientId}`);
        return {
          ok: true,
          message: `Eka accepted these credentials for ${input.clientId}. Press Save to use them.`,
        };
      }
      log(`Credentials test failed (${result.code})`);
      if (result.code === 'invalid_credentials') {
        return {
          ok: false,
          message: `Eka refused these credentials${result.refusal ? ` (${result.refusal})` : ''}. Check the client id, client secret and API key with whoever gave them to you. Nothing was saved.`,
        };
      }
      if (result.code === 'network_error' || result.code === 'timeout') {
        return {
          ok: false,
          message: `Eka could not be reached at ${apiBaseUrl}. Check the internet connection (and the API address under Advanced), then test again.`,
        };
      }
      return { ok: false, message: `The test did not finish: ${result.message}` };
    },

    connectClient: async ({ client, create }) => {
      const ctx = await connectionContext();
      const before = await clientStatus(client, ctx);
      if (before.state === 'not-installed' && !create) {
        throw new ContractError(
          'not-installed',
          `${CLIENTS[client].label} does not seem to be installed on this computer. Install it first, or confirm to create its settings file anyway.`,
        );
      }
      const change = await connectClient(client, ctx, { force: create === true });
      if (change.changed || before.state !== 'connected') {
        restartNeeded.add(client);
        log(`Connected ${change.label} (${change.files.map((f) => f.path).join(', ')})`);
        const removed = [...new Set(change.files.flatMap((f) => f.removedSecrets ?? []))];
        const secretsNote = removed.length
          ? ` The entry it replaced carried secrets (${removed.join(', ')}); they were removed and the backup does not keep them.`
          : '';
        if (removed.length) {
          removedSecrets.set(client, removed);
          log(`Removed secrets (${removed.join(', ')}) of the replaced ${change.label} entry`);
        } else removedSecrets.delete(client);
        notices.set(client, {
          kind: 'connected',
          since: Date.now(),
          text: afterConnectText(client),
        });
        emit('notice', {
          kind: 'connected',
          title: `Connected to ${change.label}`,
          body: `${change.restartHint ?? `Quit and reopen ${change.label} to use Eka.`}${secretsNote}`,
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
      removedSecrets.delete(client);
      if (change.changed) log(`Disconnected ${change.label}`);
      if (change.changed) {
        log(`Disconnected ${change.label}`);
        notices.set(client, {
          kind: 'disconnected',
          since: Date.now(),
          text: `Eka MCP was removed from ${change.label}. Quit and reopen ${change.label} so it stops using Eka.`,
        });
      }
      const view = toClientView(await clientStatus(client, ctx));
      void publish();
      return view;
    },

    dismissClientNotice: async ({ client }) => {
      notices.delete(client);
      restartNeeded.delete(client);
      void publish();
    },

    getActivity: async (query) => {
      const [entries, all, settings] = await Promise.all([
        queryActivity(query),
        queryActivity({}),
        options.settings.read(),
      ]);
      return {
        rows: entries.slice(0, query.limit ?? 500).map(toRow),
        clients: [...new Set(all.map((e) => e.client?.name).filter((n): n is string => !!n))].sort(),
        tools: [...new Set(all.map((e) => e.tool))].sort(),
        retentionDays: settings.activityRetentionDays ?? 30,
      };
    },

    getActivityNames: async ({ patientIds, doctorIds }) => {
      const settings = await options.settings.read();
      const session = current?.session ?? (await readSession());
      if (settings.mode !== 'oidc' || !session.signedIn) {
        return { available: false, patients: {}, doctors: {} };
      }
      return lookUpNames({
        apiBaseUrl: resolveEndpoints(settings).apiBaseUrl,
        secretStore: options.secretStore,
        lockDir: options.settingsDir,
        fetch: options.fetch,
        patientIds,
        doctorIds,
      });
    },

    exportActivityCsv: async (query) => activityCsv(await queryActivity(query)),

    clearActivity: async () => {
      await journal.clear();
      log('Activity journal cleared');
      await refreshActivity();
      emit('activity', { count: 0 });
      void publish();
    },

    setActivityRetention: async ({ days }) => {
      await options.settings.update({ activityRetentionDays: days });
      await journal.prune();
      log(`Activity is now kept for ${days} days`);
    },

    getPermissions: async () => permissionsView(await options.settings.read()),
    setToolPreset: async ({ preset }) => savePermissions((p) => withPreset(p, preset)),
    setToolEnabled: async ({ name, enabled }) => savePermissions((p) => withSwitch(p, [name], enabled)),
    setToolAskFirst: async ({ name, askFirst }) => savePermissions((p) => withAskFirst(p, [name], askFirst)),

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
      await refreshActivity();
      await watchJournal();
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
      if (options.signInChannel !== false) {
        try {
          channel = await listenForSignInRequests(options.settingsDir, beginRequestedSignIn);
        } catch (error) {
          log(`Sign-in requests from assistants are off: ${describe(error)}`);
        }
      }
    },
    async stop() {
      stopped = true;
      if (pollTimer) clearInterval(pollTimer);
      running?.abort.abort();
      await channel?.close();
      channel = undefined;
      journalWatcher?.close();
      if (journalTimer) clearTimeout(journalTimer);
      unwatchSettings?.();
      unwatchSettings = undefined;
      await supervisor?.stop();
      events.removeAllListeners();
    },
    snapshot: () => current,
  };
}

/** What to do after Connect, with a first question to ask. */
function afterConnectText(client: McpClientId): string {
  const label = CLIENTS[client].label;
  const restart = client === 'claude-code' ? `Start a new ${label} session` : `Quit and reopen ${label}`;
  return `${restart}, then ask: "Show today's appointments". This card confirms when ${label} first uses Eka MCP.`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
