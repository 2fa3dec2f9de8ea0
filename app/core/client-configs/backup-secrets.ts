/**
 * Secrets in the entry a backup keeps. An `eka-care` entry written by other
 * tools (for example Eka's Python server) may carry a client secret or an API
 * key in `env` or `args`; Eka MCP's own entries never do. A backup leaves
 * those values out (blanked), so no backup holds a secret that the live file
 * no longer has.
 */
import { isRecord } from './entry';

/** Names of settings that hold a secret: secret, token, password, API key, credential. */
const SECRET_NAME = /secret|token|passw(or)?d|api[-_]?key|apikey|credential|private[-_]?key|auth/i;

/** The value a removed secret is replaced with. */
export const REMOVED_SECRET = '';

/** What the entry carries as secrets: `env` names and `args` flags, and their values. */
export interface EntrySecrets {
  /** `env.NAME` and `--flag` names, for messages (never the values). */
  names: string[];
  values: string[];
  /** The entry with every secret value blanked. */
  blanked: unknown;
}

/** The secrets an MCP server entry carries in `env` or `args` (none when it carries none). */
export function entrySecrets(entry: unknown): EntrySecrets {
  const names: string[] = [];
  const values: string[] = [];
  if (!isRecord(entry)) return { names, values, blanked: entry };
  const blanked: Record<string, unknown> = { ...entry };
  if (isRecord(entry.env)) {
    const env: Record<string, unknown> = { ...entry.env };
    for (const [name, value] of Object.entries(entry.env)) {
      if (SECRET_NAME.test(name) && typeof value === 'string' && value !== REMOVED_SECRET) {
        names.push(name);
        values.push(value);
        env[name] = REMOVED_SECRET;
      }
    }
    blanked.env = env;
  }
  if (Array.isArray(entry.args)) {
    const args = [...entry.args];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (typeof arg !== 'string' || !arg.startsWith('-')) continue;
      const eq = arg.indexOf('=');
      const flag = eq >= 0 ? arg.slice(0, eq) : arg;
      if (!SECRET_NAME.test(flag)) continue;
      if (eq >= 0) {
        const value = arg.slice(eq + 1);
        if (value === REMOVED_SECRET) continue;
        names.push(flag);
        values.push(value);
        args[i] = `${flag}=${REMOVED_SECRET}`;
      } else {
        const next = args[i + 1];
        if (typeof next === 'string' && !next.startsWith('-') && next !== REMOVED_SECRET) {
          names.push(flag);
          values.push(next);
          args[i + 1] = REMOVED_SECRET;
          i++;
        }
      }
    }
    blanked.args = args;
  }
  return { names, values, blanked };
}
