/**
 * Sign-in started from a tool call (Eka account mode). When a tool finds no
 * Eka session, the server asks the running app to sign in (the local
 * channel), or runs the same loopback sign-in itself and opens the browser;
 * a client that supports URL elicitation is also handed the link. One
 * browser sign-in runs at a time across every process (the sign-in lock);
 * the others wait for its result. The tool call waits a bounded time with
 * progress notifications, then says the sign-in is still open; the sign-in
 * goes on and the next call picks up its result. A cancelled or refused
 * sign-in is not started again for a short cooldown.
 */
import { randomUUID } from 'node:crypto';
import type { TokenSource } from '../eka/token-source';
import { EkaAuthError } from '../errors';
import type { Logger } from '../logging';
import { toolCallOf } from '../tools/tool-call-context';
import { isInputNeeded, type ToolExtra } from '../tools/tool-registry';
import type { SecretStore } from './secret-store';
import { readSession } from './session';
import { resolveEndpoints, type Settings } from './settings';
import { requestAppSignIn, type SignInOutcome } from './signin-channel';
import { readSignInResult, tryTakeSignInLock, writeSignInResult } from './signin-lock';

/** A refused or cancelled sign-in is not started again by a tool call for this long. */
export const SIGN_IN_COOLDOWN_MS = 30_000;
/** How often a tool call waiting for sign-in sends a progress notification. */
const PROGRESS_EVERY_MS = 5_000;
/** How often a process waiting for another's sign-in looks at the keychain and the result file. */
const POLL_MS = 400;

export interface InteractiveSignInOptions {
  /** The settings folder: the channel, the sign-in lock, the result file. */
  dir: string;
  secretStore: () => SecretStore;
  readSettings: () => Promise<Settings>;
  /** Opens the system browser (when the server signs in by itself). */
  openBrowser: (url: string) => Promise<void>;
  logger?: Logger;
  fetch?: typeof fetch;
  cooldownMs?: number;
  now?: () => number;
}

interface Ended {
  outcome: SignInOutcome;
  message: string;
  at: number;
}

interface Attempt {
  url: Promise<string>;
  ended: Promise<Ended>;
  cancel(): void;
  /** The link was already handed to the client (URL elicitation): once per sign-in. */
  elicited: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const isRefusal = (outcome: SignInOutcome) => outcome === 'cancelled' || outcome === 'denied';

/** The tool's error for a sign-in that ended without a session. */
export function signInEndedError(ended: { outcome: SignInOutcome; message: string }): EkaAuthError {
  switch (ended.outcome) {
    case 'cancelled':
      return new EkaAuthError(
        'sign_in_cancelled',
        'Sign-in to Eka was cancelled, so this request did not run. Ask again to retry signing in.',
      );
    case 'denied':
      return new EkaAuthError(
        'sign_in_cancelled',
        'Sign-in to Eka was refused in the browser (access not allowed), so this request did not run. Ask again to retry signing in.',
      );
    case 'timeout':
      return new EkaAuthError(
        'sign_in_failed',
        'Sign-in to Eka waited too long for the browser and stopped, so this request did not run. Ask again to retry signing in.',
      );
    default:
      return new EkaAuthError(
        'sign_in_failed',
        `Sign-in to Eka did not complete (${ended.message}), so this request did not run. Ask again to retry signing in.`,
      );
  }
}

/** The tool's answer while the sign-in is still open in the browser. */
export function signInPendingError(): EkaAuthError {
  return new EkaAuthError(
    'sign_in_pending',
    'Sign-in to Eka is open in your browser: finish signing in there, then ask again and this request will continue.',
  );
}

/** Starts sign-in for tool calls in this process; one attempt at a time, shared by concurrent calls. */
export function createInteractiveSignIn(options: InteractiveSignInOptions) {
  const now = options.now ?? Date.now;
  const cooldownMs = options.cooldownMs ?? SIGN_IN_COOLDOWN_MS;
  let attempt: Attempt | undefined;

  const signedIn = async (): Promise<boolean> => {
    try {
      return (await readSession(options.secretStore())) !== null;
    } catch {
      return false;
    }
  };

  /** Signs in here: the same loopback sign-in as the app and the CLI. */
  const signInHere = async (
    onUrl: (url: string) => void,
    signal: AbortSignal,
  ): Promise<{ outcome: SignInOutcome; message: string }> => {
    const [{ login }, { loginOutcomeOf }] = await Promise.all([
      import('../../app/core/login'),
      import('../../app/core/login-error'),
    ]);
    const endpoints = resolveEndpoints(await options.readSettings());
    try {
      await login({
        issuer: endpoints.issuer,
        clientId: endpoints.clientId,
        apiBaseUrl: endpoints.apiBaseUrl,
        tokenUse: endpoints.tokenUse,
        secretStore: options.secretStore(),
        lockDir: options.dir,
        fetch: options.fetch,
        signal,
        openExternal: async (url) => {
          onUrl(url);
          await options.openBrowser(url);
        },
      });
      return { outcome: 'signed-in', message: 'Signed in to Eka' };
    } catch (error) {
      return loginOutcomeOf(error);
    }
  };

  const startAttempt = (): Attempt => {
    const started = now();
    let resolveUrl!: (url: string) => void;
    const url = new Promise<string>((resolve) => {
      resolveUrl = resolve;
    });
    let cancelled = false;
    let cancelRunning: (() => void) | undefined;

    /** Holding the lock: ask the app, else sign in here. */
    const runAsHolder = async (): Promise<{ outcome: SignInOutcome; message: string }> => {
      const app = await requestAppSignIn(options.dir, (reason) =>
        options.logger?.warn('Not using the Eka MCP app for sign-in', { reason }),
      );
      if (app) {
        options.logger?.info('Sign-in to Eka started in the Eka MCP app');
        cancelRunning = app.cancel;
        if (cancelled) app.cancel();
        app.url.then(resolveUrl, () => undefined);
        return app.result;
      }
      options.logger?.info('Sign-in to Eka started in the browser by the server');
      const abort = new AbortController();
      cancelRunning = () => abort.abort();
      if (cancelled) abort.abort();
      return signInHere(resolveUrl, abort.signal);
    };

    const run = async (): Promise<Ended> => {
      for (;;) {
        if (await signedIn()) return { outcome: 'signed-in', message: 'Signed in to Eka', at: now() };
        const last = await readSignInResult(options.dir);
        // Another process's sign-in ended (without a session) while this one waited for it.
        if (last && last.at >= started && last.outcome !== 'signed-in') return last;
        if (last && isRefusal(last.outcome) && now() - last.at < cooldownMs) return last;
        if (cancelled) return { outcome: 'cancelled', message: 'Sign-in cancelled', at: now() };
        const release = await tryTakeSignInLock(options.dir);
        if (!release) {
          await sleep(POLL_MS);
          continue;
        }
        try {
          if (await signedIn()) return { outcome: 'signed-in', message: 'Signed in to Eka', at: now() };
          const result = await runAsHolder();
          const at = now();
          await writeSignInResult(options.dir, result.outcome, result.message, at).catch(() => undefined);
          options.logger?.info('Sign-in to Eka ended', { outcome: result.outcome });
          return { ...result, at };
        } finally {
          await release();
        }
      }
    };

    const ended = run().catch(
      (error: unknown): Ended => ({
        outcome: 'failed',
        message: error instanceof Error ? error.message : String(error),
        at: now(),
      }),
    );
    return {
      url,
      ended,
      elicited: false,
      cancel() {
        cancelled = true;
        cancelRunning?.();
      },
    };
  };

  /** Waits for the session for one tool call: resolves once signed in, else throws the tool's `EkaAuthError`. */
  const waitForSession = async (extra: ToolExtra, waitMs: number): Promise<void> => {
    if (!attempt) {
      const last = await readSignInResult(options.dir);
      if (last && isRefusal(last.outcome) && now() - last.at < cooldownMs) {
        const seconds = Math.ceil((cooldownMs - (now() - last.at)) / 1000);
        throw new EkaAuthError(
          'sign_in_cancelled',
          `Sign-in to Eka was ${last.outcome === 'denied' ? 'refused' : 'cancelled'} a moment ago, so this request did not run. Ask again in ${seconds} s to retry signing in, or sign in from Eka MCP.`,
        );
      }
      const fresh = startAttempt();
      attempt = fresh;
      void fresh.ended.then(() => {
        if (attempt === fresh) attempt = undefined;
      });
    }
    const current = attempt;

    if (extra.elicitUrl && !current.elicited) {
      current.elicited = true;
      const elicitUrl = extra.elicitUrl;
      const shown = current.url.then(async (url) => {
        const answer = await elicitUrl(
          'Sign in to Eka to let your assistant reach your practice.',
          url,
          randomUUID(),
        );
        if (answer.action === 'decline') current.cancel();
      });
      if (extra.elicitUrlEndsCall) {
        // A 2026-07-28 client gets the link as this round's answer and asks again; the
        // sign-in goes on meanwhile, and the next round waits for it.
        try {
          await shown;
        } catch (error) {
          if (isInputNeeded(error)) throw error;
        }
      } else shown.catch(() => undefined);
    }

    const started = now();
    let step = 0;
    const ticker = setInterval(() => {
      step += 1;
      const waited = Math.round((now() - started) / 1000);
      void extra
        .progress(step, undefined, `Waiting for sign-in to Eka in your browser (${waited} s)`)
        .catch(() => undefined);
    }, PROGRESS_EVERY_MS);
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    try {
      const stop = new Promise<'timeout' | 'aborted'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), waitMs);
        onAbort = () => resolve('aborted');
        extra.signal.addEventListener('abort', onAbort, { once: true });
      });
      void extra.progress(0, undefined, 'Waiting for sign-in to Eka in your browser').catch(() => undefined);
      const first = await Promise.race([current.ended, stop]);
      if (first === 'timeout' || first === 'aborted') throw signInPendingError();
      if (first.outcome !== 'signed-in') throw signInEndedError(first);
    } finally {
      clearInterval(ticker);
      clearTimeout(timer);
      if (onAbort) extra.signal.removeEventListener('abort', onAbort);
    }
  };

  return { waitForSession };
}

export type InteractiveSignIn = ReturnType<typeof createInteractiveSignIn>;

/** Whether `error` means there is no Eka session to use (signed out, or Eka ended it). */
function needsSignIn(error: unknown): boolean {
  return error instanceof EkaAuthError && (error.code === 'signed_out' || error.code === 'session_expired');
}

/**
 * Wraps the session token source: a tool call that finds no session starts
 * sign-in (when the `signInFromTools` setting allows it) and waits for it;
 * outside a tool call, or with the setting off, the source's error stands.
 */
export function withSignInFromTools(
  source: TokenSource,
  readSettings: () => Promise<Settings>,
  interactive: InteractiveSignIn,
): TokenSource {
  return {
    kind: source.kind,
    clientId: () => source.clientId(),
    invalidate: (rejected) => source.invalidate(rejected),
    async getAccessToken(scope) {
      try {
        return await source.getAccessToken(scope);
      } catch (error) {
        const call = toolCallOf(scope);
        if (!call || !needsSignIn(error)) throw error;
        const settings = await readSettings().catch(() => undefined);
        if (!settings?.signInFromTools) throw error;
        await interactive.waitForSession(call, settings.signInWaitSeconds * 1000);
        return source.getAccessToken(scope);
      }
    },
  };
}

/** The oidc token source with sign-in from tool calls, on the settings folder `dir`. */
export async function createSignInFromToolsSource(
  source: TokenSource,
  options: { dir?: string; logger?: Logger; fetch?: typeof fetch } = {},
): Promise<TokenSource> {
  const [{ createFileSettingsStore, settingsDir }, { createKeytarSecretStore }, { keychainServiceName }] =
    await Promise.all([import('./settings'), import('./secret-store'), import('./session')]);
  const dir = options.dir ?? settingsDir();
  const settings = createFileSettingsStore(dir);
  let store: SecretStore | undefined;
  const interactive = createInteractiveSignIn({
    dir,
    secretStore: () => {
      store ??= createKeytarSecretStore(keychainServiceName());
      return store;
    },
    readSettings: () => settings.read(),
    openBrowser: async (url) => (await import('../../app/core/system-browser')).openInBrowser(url),
    logger: options.logger,
    fetch: options.fetch,
  });
  return withSignInFromTools(source, () => settings.read(), interactive);
}
