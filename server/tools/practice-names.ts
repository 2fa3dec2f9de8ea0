/**
 * Names for the ids in tool answers: doctors and clinics from one
 * business-entities call, patients from their profile, both kept in memory
 * for a few minutes per caller so a listing costs few extra calls. The
 * caller is the token source the call uses: the server's own in stdio and
 * open mode, the request's in HTTP mode, so one caller's names are never
 * shown to another.
 * A lookup that fails leaves the id alone: names help, they never fail a tool.
 */
import { getPatient } from '../eka/api/patients';
import { businessEntities, doctorProfile } from '../eka/api/practice';
import type { EkaClient } from '../eka/client';
import type { CallScope } from '../eka/token-source';

/** How long names are reused before Eka is asked again. */
const NAMES_TTL_MS = 5 * 60 * 1000;
/** At most this many patient names are kept per client. */
const MAX_PATIENT_NAMES = 1000;
/** Profile reads in flight at once when naming a listing's patients. */
const PATIENT_READS_AT_ONCE = 5;

export interface PracticeNames {
  doctors: Map<string, string>;
  clinics: Map<string, string>;
  /** Doctor ids per clinic id. */
  clinicDoctors: Map<string, string[]>;
}

const practiceCache = new WeakMap<object, { at: number; names: Promise<PracticeNames> }>();
const patientCache = new WeakMap<object, Map<string, { at: number; name: string }>>();

/** Whose names these are: the caller's token source when the scope names one, else the client's own. */
function owner(client: EkaClient, scope: CallScope | undefined): object {
  return scope?.tokenSource ?? client;
}

/** A doctor's name with one "Dr." in front, whether or not Eka's name already has it. */
export function doctorTitle(name: string): string {
  const trimmed = name.trim();
  return /^dr\.?\s/i.test(trimmed) ? trimmed : `Dr. ${trimmed}`;
}

/** The practice's doctor and clinic names, from one business-entities call reused for a few minutes. */
export async function practiceNames(client: EkaClient, scope?: CallScope): Promise<PracticeNames> {
  const key = owner(client, scope);
  const cached = practiceCache.get(key);
  if (cached && Date.now() - cached.at < NAMES_TTL_MS) return cached.names;
  const names = client.call(businessEntities, { scope }).then(({ data }) => ({
    doctors: new Map(
      (data.doctors ?? []).flatMap((d) => (d.name ? [[d.doctor_id, doctorTitle(d.name)] as const] : [])),
    ),
    clinics: new Map((data.clinics ?? []).flatMap((c) => (c.name ? [[c.clinic_id, c.name] as const] : []))),
    clinicDoctors: new Map((data.clinics ?? []).map((c) => [c.clinic_id, c.doctors ?? []] as const)),
  }));
  practiceCache.set(key, { at: Date.now(), names });
  try {
    return await names;
  } catch {
    practiceCache.delete(key);
    return { doctors: new Map(), clinics: new Map(), clinicDoctors: new Map() };
  }
}

/**
 * A clinic's contact numbers ("Phone +91..."): Eka's clinic details carry none,
 * but a doctor's profile lists them for each clinic, so one doctor of the
 * clinic is read. Empty when Eka lists none or a read fails.
 */
export async function clinicPhones(
  client: EkaClient,
  clinicId: string,
  scope?: CallScope,
): Promise<string[]> {
  const doctorId = (await practiceNames(client, scope)).clinicDoctors.get(clinicId)?.[0];
  if (!doctorId) return [];
  try {
    const { profile } = await client.call(doctorProfile, { params: { doctor_id: doctorId }, scope });
    const clinic = (profile.professional.clinics ?? []).find((c) => c.id === clinicId);
    return (clinic?.number ?? []).flatMap((n) => (n.n ? [n.name ? `${n.name} ${n.n}` : n.n] : []));
  } catch {
    return [];
  }
}

/** Remembers a patient's name seen in a profile the tool read anyway. */
export function rememberPatientName(
  client: EkaClient,
  scope: CallScope | undefined,
  patientId: string,
  name: string | undefined,
): void {
  if (!name) return;
  const key = owner(client, scope);
  let cache = patientCache.get(key);
  if (!cache) {
    cache = new Map();
    patientCache.set(key, cache);
  }
  cache.delete(patientId);
  cache.set(patientId, { at: Date.now(), name });
  if (cache.size > MAX_PATIENT_NAMES) cache.delete(cache.keys().next().value as string);
}

/** The names of these patients, from memory or their profiles (a few reads at a time); unknown ones are left out. */
export async function patientNames(
  client: EkaClient,
  ids: Iterable<string>,
  scope?: CallScope,
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const missing: string[] = [];
  const cache = patientCache.get(owner(client, scope));
  for (const id of new Set(ids)) {
    const hit = cache?.get(id);
    if (hit && Date.now() - hit.at < NAMES_TTL_MS) names.set(id, hit.name);
    else missing.push(id);
  }
  const next = missing.values();
  const worker = async () => {
    for (const id of next) {
      try {
        const record = await client.call(getPatient, { params: { oid: id }, scope });
        const name =
          record.fln || [record.fn, record.mn, record.ln].filter((p) => typeof p === 'string' && p).join(' ');
        if (name) {
          names.set(id, name);
          rememberPatientName(client, scope, id, name);
        }
      } catch {
        // The id stays in the answer; a missing name is not worth failing the tool.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PATIENT_READS_AT_ONCE, missing.length) }, worker));
  return names;
}
