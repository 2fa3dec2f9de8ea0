/**
 * Names for the ids on the Activity screen, fetched live from Eka with the
 * clinician's session and kept only in memory: the journal itself holds ids
 * only. Patient names come from the patient profile, doctor names from the
 * doctor profile (the same reads the tools make).
 */
import type { SecretStore } from '../../server/desktop/secret-store';
import { createDesktopSessionTokenSource } from '../../server/desktop/session-token-source';
import { getPatient } from '../../server/eka/api/patients';
import { doctorProfile } from '../../server/eka/api/practice';
import { EkaClient } from '../../server/eka/client';
import { createLogger } from '../../server/logging';
import type { ActivityNames } from '../ipc/contract';

/** Names already fetched in this run of the app, by id (never written anywhere). */
const cache = new Map<string, string>();

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function patientName(raw: unknown): string | undefined {
  const r = record(record(raw).data ?? raw);
  return text(r.fln) ?? ([text(r.fn), text(r.ln)].filter(Boolean).join(' ') || undefined);
}

function doctorName(raw: unknown): string | undefined {
  const r = record(raw);
  const personal = record(record(record(r.data).profile ?? r.profile).personal);
  const name =
    text(personal.name) ??
    ([text(personal.first_name), text(personal.last_name)].filter(Boolean).join(' ') || undefined);
  if (!name) return undefined;
  return /^dr\.?\s/i.test(name) ? name : `Dr ${name}`;
}

/** Looks up the names of `patientIds` and `doctorIds` (at most 100 each); ids Eka does not know are left out. */
export async function lookUpNames(options: {
  apiBaseUrl: string;
  secretStore: SecretStore;
  lockDir: string;
  fetch?: typeof fetch;
  patientIds: string[];
  doctorIds: string[];
}): Promise<ActivityNames> {
  const client = new EkaClient({
    baseUrl: options.apiBaseUrl,
    tokenSource: createDesktopSessionTokenSource({
      secretStore: options.secretStore,
      lockDir: options.lockDir,
      fetch: options.fetch,
    }),
    logger: createLogger({ level: 'error' }),
    fetch: options.fetch,
    timeoutMs: 10_000,
    maxRetries: 1,
    retryBaseMs: 200,
    maxRetryWaitMs: 2000,
  });
  const out: ActivityNames = { available: true, patients: {}, doctors: {} };
  const jobs: Array<() => Promise<void>> = [];
  const want = (
    kind: 'patients' | 'doctors',
    ids: string[],
    read: (id: string) => Promise<unknown>,
    pick: (raw: unknown) => string | undefined,
  ) => {
    for (const id of [...new Set(ids)].slice(0, 100)) {
      const key = `${kind}:${id}`;
      const known = cache.get(key);
      if (known) {
        out[kind][id] = known;
        continue;
      }
      jobs.push(async () => {
        try {
          const name = pick(await read(id));
          if (name) {
            cache.set(key, name);
            out[kind][id] = name;
          }
        } catch {
          // Unknown or unreachable: the id is shown instead.
        }
      });
    }
  };
  want('patients', options.patientIds, (oid) => client.call(getPatient, { params: { oid } }), patientName);
  want(
    'doctors',
    options.doctorIds,
    (doctor_id) => client.call(doctorProfile, { params: { doctor_id } }),
    doctorName,
  );
  // Four at a time: enough for one screen, gentle on Eka.
  const running = new Set<Promise<void>>();
  for (const job of jobs) {
    const p = job().finally(() => running.delete(p));
    running.add(p);
    if (running.size >= 4) await Promise.race(running);
  }
  await Promise.all(running);
  return out;
}
