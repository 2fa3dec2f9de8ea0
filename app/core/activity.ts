/**
 * The activity journal as the app and the CLI read it: which client is
 * which, when each client last used Eka MCP, `--since` durations, IST times
 * and the CSV export.
 */
import { type ActivityEntry, createJournal, type Journal } from '../../server/activity/journal';
import type { SettingsStore } from '../../server/desktop/settings';
import type { ClientId } from './client-configs/types';

/** The journal in the settings folder, with the retention from the settings. */
export function openJournal(settingsDir: string, settings: SettingsStore): Journal {
  return createJournal({
    settingsDir,
    retentionDays: async () => (await settings.read().catch(() => undefined))?.activityRetentionDays ?? 30,
  });
}

/** The client a handshake name belongs to (Claude Desktop says "claude-ai"). */
const CLIENT_NAMES: [ClientId, RegExp][] = [
  ['claude-code', /claude[- ]?code/i],
  ['claude', /^claude(-ai|[- ]desktop)?$/i],
  ['cursor', /cursor/i],
  ['vscode', /visual studio code|vs ?code/i],
  ['windsurf', /windsurf|codeium/i],
];

/** The app's client id for an MCP client name from the handshake, when it is one we connect. */
export function clientIdForName(name: string | undefined): ClientId | undefined {
  if (!name) return undefined;
  return CLIENT_NAMES.find(([, pattern]) => pattern.test(name))?.[0];
}

/** The client name the app's own health check uses (kept out of "last used"). */
export const HEALTH_CHECK_CLIENT = 'eka-mcp-health-check';

export interface LastUse {
  /** Epoch ms of the newest call. */
  at: number;
  reads: number;
  changes: number;
  failures: number;
}

/** Calls within this long of a client's newest call count as its last use. */
const BURST_MS = 30 * 60_000;

/** When each connected client last used Eka MCP, and what it did then. */
export function lastUseByClient(entries: ActivityEntry[]): Partial<Record<ClientId, LastUse>> {
  const out: Partial<Record<ClientId, LastUse>> = {};
  // Newest first.
  const sorted = [...entries].sort((a, b) => Date.parse(b.time) - Date.parse(a.time));
  for (const entry of sorted) {
    const id = clientIdForName(entry.client?.name);
    if (!id) continue;
    const at = Date.parse(entry.time);
    const use = out[id];
    if (!use) {
      out[id] = {
        at,
        reads: entry.kind === 'read' ? 1 : 0,
        changes: entry.kind === 'change' ? 1 : 0,
        failures: entry.outcome === 'ok' ? 0 : 1,
      };
    } else if (use.at - at <= BURST_MS) {
      if (entry.kind === 'read') use.reads += 1;
      else use.changes += 1;
      if (entry.outcome !== 'ok') use.failures += 1;
    }
  }
  return out;
}

/** Parses `30m`, `2h`, `7d` or `2w` into milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,6})\s*(s|m|min|h|d|w)$/i.exec(text.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = (match[2] as string).toLowerCase();
  const ms = { s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[unit];
  return ms === undefined || n === 0 ? undefined : n * ms;
}

const IST = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'Asia/Kolkata',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** An instant in IST with the weekday, e.g. "Tue 1 Dec 2026, 20:30:05 IST". */
export function istTime(ms: number): string {
  const parts = Object.fromEntries(IST.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute}:${parts.second} IST`;
}

/** The ids of an entry as one short line: "patient 1740…, appointment a-1". */
export function idsText(entry: ActivityEntry): string {
  return (['patient', 'appointment', 'doctor', 'clinic'] as const)
    .flatMap((kind) => {
      const list = entry.ids[kind] ?? [];
      if (list.length === 0) return [];
      const shown = list.slice(0, 3).join(', ');
      return [`${kind} ${shown}${list.length > 3 ? ` and ${list.length - 3} more` : ''}`];
    })
    .join('; ');
}

function csvCell(value: string): string {
  // Quote every cell; a leading = + - @ is prefixed so spreadsheets never run it as a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** The entries as CSV (one header row), ids only. */
export function activityCsv(entries: ActivityEntry[]): string {
  const header = [
    'time_utc',
    'client',
    'client_version',
    'tool',
    'kind',
    'outcome',
    'error_code',
    'duration_ms',
    'patient_ids',
    'appointment_ids',
    'doctor_ids',
    'clinic_ids',
  ];
  const rows = entries.map((e) =>
    [
      e.time,
      e.client?.name ?? '',
      e.client?.version ?? '',
      e.tool,
      e.kind,
      e.outcome,
      e.errorCode ?? '',
      String(e.durationMs),
      (e.ids.patient ?? []).join(' '),
      (e.ids.appointment ?? []).join(' '),
      (e.ids.doctor ?? []).join(' '),
      (e.ids.clinic ?? []).join(' '),
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.map(csvCell).join(','), ...rows].join('\r\n')}\r\n`;
}
