/**
 * Indian Standard Time helpers: tools speak IST calendar dates (YYYY-MM-DD)
 * and epoch seconds; Eka's slot times are IST (+05:30).
 */

const IST_OFFSET_MS = 5.5 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Today's IST date as YYYY-MM-DD. */
export function todayIst(nowMs = Date.now()): string {
  return new Date(nowMs + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  // Day 0 of the next month is the last day of this one (setUTCFullYear keeps years below 100 as written).
  const last = new Date(0);
  last.setUTCFullYear(Number(match[1]), month, 0);
  return day <= last.getUTCDate();
}

/** `date` plus `days` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both YYYY-MM-DD). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The IST calendar date of an epoch-seconds instant. */
export function istDateOf(epochSeconds: number): string {
  return new Date(epochSeconds * 1000 + IST_OFFSET_MS).toISOString().slice(0, 10);
}

/** An epoch-seconds instant as ISO 8601 with the +05:30 offset, e.g. 2026-01-05T10:30:00+05:30. */
export function toIstIso(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000 + IST_OFFSET_MS).toISOString().slice(0, 19)}+05:30`;
}

/** Reads a time Eka sent (epoch seconds, epoch ms, or an ISO string) as epoch seconds; `undefined` if unreadable. */
export function toEpochSeconds(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value > 1e11 ? Math.round(value / 1000) : Math.round(value);
  }
  if (typeof value === 'string' && value.trim()) {
    if (/^\d+$/.test(value.trim())) return toEpochSeconds(Number(value.trim()));
    const text = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}+05:30`;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : Math.round(ms / 1000);
  }
  return undefined;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An IST calendar date (YYYY-MM-DD) with its weekday, e.g. "Wed 2 Dec 2026". */
export function istDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** The IST clock time of an epoch-seconds instant, e.g. "10:00". */
export function istClock(epochSeconds: number): string {
  return new Date(epochSeconds * 1000 + IST_OFFSET_MS).toISOString().slice(11, 16);
}

/**
 * The one way tools and the CLI write a time for people: IST with the weekday,
 * e.g. "Wed 2 Dec 2026, 10:00–10:15 IST", or "Wed 2 Dec 2026, 10:00 IST"
 * without an end (an end on another day gets its own date).
 */
export function istWhen(startSeconds: number, endSeconds?: number): string {
  const day = istDay(istDateOf(startSeconds));
  if (endSeconds === undefined) return `${day}, ${istClock(startSeconds)} IST`;
  const endDay =
    istDateOf(endSeconds) === istDateOf(startSeconds) ? '' : `${istDay(istDateOf(endSeconds))}, `;
  return `${day}, ${istClock(startSeconds)}–${endDay}${istClock(endSeconds)} IST`;
}
