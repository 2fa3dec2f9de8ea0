/** "in 14 min", "in 2 h 5 min", "expired 3 min ago" for a time `at` relative to `now`. */
export function relativeTime(at: number, now: number): string {
  const diff = at - now;
  const minutes = Math.round(Math.abs(diff) / 60_000);
  let span: string;
  if (minutes < 1) span = 'less than a minute';
  else if (minutes < 60) span = `${minutes} min`;
  else if (minutes < 60 * 48) span = `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  else span = `${Math.round(minutes / 1440)} days`;
  return diff >= 0 ? `in ${span}` : `${span} ago`;
}

/** A local clock time, e.g. "14:05". */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export const MODE_LABELS = {
  oidc: 'Eka account',
  'client-credentials': 'Client credentials',
  open: 'Open (no sign-in)',
} as const;

export const ENVIRONMENT_LABELS = {
  production: 'Production',
  development: 'Development',
  sandbox: 'Sandbox',
} as const;

const IST_PARTS = new Intl.DateTimeFormat('en-IN', {
  timeZone: 'Asia/Kolkata',
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant in IST with the weekday, e.g. "Wed 2 Dec 2026, 10:00 IST". */
export function istDateTime(at: number): string {
  const p = Object.fromEntries(IST_PARTS.formatToParts(new Date(at)).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day} ${p.month} ${p.year}, ${p.hour}:${p.minute} IST`;
}
