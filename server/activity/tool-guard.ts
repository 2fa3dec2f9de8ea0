/**
 * What stands around every tool call in a server process: the clinic's tool
 * permissions (read from the settings file and re-read when it changes, so a
 * running server lists and refuses tools at once and tells its clients with
 * `notifications/tools/list_changed`), "ask first" by form elicitation, and
 * the activity journal entry of the call.
 */
import { type FSWatcher, watch } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { CallToolResult } from '@modelcontextprotocol/server';
import { createFileSettingsStore, type SettingsStore, settingsDir } from '../desktop/settings';
import type { Logger } from '../logging';
import {
  catalogTool,
  isAskFirst,
  isToolEnabled,
  refusalText,
  type ToolPermissions,
  toolKind,
} from '../permissions';
import { isInputNeeded, type ToolExtra } from '../tools/tool-registry';
import { type ActivityIds, type ActivityOutcome, createJournal, isJournalId, type Journal } from './journal';
import { ERROR_CODE_META } from './meta';

export interface ToolGuard {
  /** Whether `name` is listed in `tools/list` now. */
  listed(name: string): boolean;
  /** Runs one call: refuses a disabled tool, asks first where set, journals the outcome. */
  call(
    name: string,
    args: unknown,
    extra: ToolExtra,
    run: () => Promise<CallToolResult>,
  ): Promise<CallToolResult>;
  /** Calls `listener` when the set of listed tools changes; returns the unsubscribe. */
  onListChanged(listener: () => void): () => void;
  /** Stops watching the settings. */
  close(): void;
}

export interface ToolGuardOptions {
  logger: Logger;
  transport?: 'stdio' | 'http';
  /** The settings folder (default: `EKA_MCP_HOME` or the per-OS folder). */
  dir?: string;
  settings?: SettingsStore;
  journal?: Journal;
}

const ID_KEYS: Record<string, keyof ActivityIds> = {
  patient_id: 'patient',
  appointment_id: 'appointment',
  doctor_id: 'doctor',
  clinic_id: 'clinic',
};

/** The Eka ids in a call's arguments and structured result (the four id fields only, anywhere in it). */
export function collectIds(...values: unknown[]): ActivityIds {
  const ids: Required<ActivityIds> = { patient: [], appointment: [], doctor: [], clinic: [] };
  const walk = (value: unknown, depth: number) => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 200)) walk(item, depth + 1);
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      const kind = ID_KEYS[key];
      if (kind && isJournalId(item)) ids[kind].push(item);
      else if (kind && typeof item === 'number' && Number.isSafeInteger(item)) ids[kind].push(String(item));
      else walk(item, depth + 1);
    }
  };
  for (const value of values) walk(value, 0);
  return ids;
}

function textResult(text: string): CallToolResult {
  return { isError: true, content: [{ type: 'text', text }] };
}

/** The guard of this process, reading and watching the settings in `dir`. */
export function createToolGuard(options: ToolGuardOptions): ToolGuard {
  const dir = options.dir ?? settingsDir();
  const settings = options.settings ?? createFileSettingsStore(dir);
  const logger = options.logger;
  let permissions: ToolPermissions | undefined;
  let retentionDays: number | undefined;
  const journal =
    options.journal ?? createJournal({ settingsDir: dir, retentionDays: () => retentionDays ?? 30 });
  const listeners = new Set<() => void>();
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;
  let loaded: Promise<void> | undefined;

  const listedKey = (p: ToolPermissions | undefined) => JSON.stringify(p ?? null);

  const reload = async () => {
    try {
      const next = await settings.read();
      const before = listedKey(permissions);
      permissions = next.toolPermissions;
      retentionDays = next.activityRetentionDays;
      if (listedKey(permissions) !== before) {
        logger.info('Tool permissions changed', { preset: permissions?.preset ?? 'all' });
        for (const listener of listeners) listener();
      }
    } catch (error) {
      // A half-edited or broken file: keep the last permissions that were valid.
      logger.warn('Could not read the tool permissions; keeping the previous ones', { error });
    }
  };

  const startWatching = async () => {
    await reload();
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      watcher = watch(dir, { persistent: false }, (_event, file) => {
        if (file && !String(file).startsWith('settings.json')) return;
        if (debounce) clearTimeout(debounce);
        debounce = setTimeout(() => void reload(), 40);
        debounce.unref?.();
      });
      watcher.on('error', () => undefined);
    } catch (error) {
      logger.warn('Cannot watch the settings for tool permission changes', { error });
    }
  };

  loaded = startWatching();

  const journalCall = (
    name: string,
    extra: ToolExtra,
    outcome: ActivityOutcome,
    started: number,
    ids: ActivityIds,
    errorCode?: string,
  ): Promise<void> =>
    journal
      .append({
        client: extra.client,
        tool: name,
        kind: toolKind(name),
        outcome,
        errorCode,
        durationMs: performance.now() - started,
        ids,
        transport: options.transport,
      })
      .then(
        () => undefined,
        (error: unknown) => logger.warn('Could not write the activity journal', { error }),
      );

  return {
    listed: (name) => isToolEnabled(permissions, name),

    async call(name, args, extra, run) {
      const started = performance.now();
      await loaded;
      const argIds = collectIds(args);
      if (!isToolEnabled(permissions, name)) {
        await journalCall(name, extra, 'refused', started, argIds);
        return textResult(refusalText(name));
      }
      if (isAskFirst(permissions, name) && extra.elicitForm) {
        const label = catalogTool(name)?.label ?? name;
        const about = Object.entries(argIds)
          .filter(([, list]) => list.length > 0)
          .map(([kind, list]) => `${kind} ${list.join(', ')}`)
          .join('; ');
        let confirmed = false;
        try {
          const answer = await extra.elicitForm(
            `The assistant wants to ${label.toLowerCase()}${about ? ` (${about})` : ''}. This cannot be undone. Allow it?`,
            {
              type: 'object',
              properties: {
                confirm: { type: 'boolean', title: `Yes, ${label.toLowerCase()}`, default: false },
              },
              required: ['confirm'],
            },
          );
          confirmed = answer.action === 'accept' && answer.content?.confirm === true;
        } catch (error) {
          // A 2026-07-28 client answers in a second round: let the registry ask it.
          if (isInputNeeded(error)) throw error;
          logger.warn('The confirmation request failed', { tool: name, error });
        }
        if (!confirmed) {
          await journalCall(name, extra, 'declined', started, argIds);
          return textResult(
            `The clinician did not confirm, so nothing was changed in Eka (${name}). Ask again if they want to go ahead.`,
          );
        }
      }
      const result = await run();
      const meta = result._meta as Record<string, unknown> | undefined;
      const code =
        typeof meta?.[ERROR_CODE_META] === 'string' ? (meta[ERROR_CODE_META] as string) : undefined;
      const firstText = result.content?.[0]?.type === 'text' ? result.content[0].text : '';
      const outcome: ActivityOutcome = !result.isError
        ? 'ok'
        : !code && firstText.startsWith('Input validation error')
          ? 'invalid'
          : 'error';
      await journalCall(name, extra, outcome, started, collectIds(args, result.structuredContent), code);
      return result;
    },

    onListChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    close() {
      watcher?.close();
      if (debounce) clearTimeout(debounce);
      listeners.clear();
    },
  };
}

let shared: ToolGuard | undefined;

/** The one guard of this process (every per-request HTTP server shares it). */
export function processToolGuard(logger: Logger, transport: 'stdio' | 'http'): ToolGuard {
  shared ??= createToolGuard({ logger, transport });
  return shared;
}
