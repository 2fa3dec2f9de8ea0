import {
  archivePatient,
  createPatient,
  getPatient,
  listPatients,
  patientsByMobile,
  searchPatients,
  updatePatient,
} from '../../../server/eka/api/patients';
import type { Patient } from '../seed/patients';
import { contractRoute } from './contract-route';
import { ApiError } from './http-util';
import type { Route } from './router';
import { checkMobile } from './validate';

/** A profile as the patient directory returns it: 10-digit `mobile` beside `ccd`, `abha` as the address. */
export function patientProfile(p: Patient): Record<string, unknown> {
  return {
    oid: p.oid,
    ps: 'P',
    fln: p.fln,
    fn: p.fn,
    ln: p.ln,
    dob: p.dob,
    gen: p.gen,
    mobile: p.mobile.slice(3),
    ccd: p.mobile.slice(0, 3),
    username: p.username,
    ...(p.email ? { email: p.email } : {}),
    ...(p.bloodGroup ? { bg: p.bloodGroup } : {}),
    ...(p.abha ? { abha: p.abha.abha_address } : {}),
    arc: p.arc,
    c_ate: Math.floor(p.createdAt / 1000),
    u_ate: Math.floor(p.updatedAt / 1000),
  };
}

/** The always-present fields plus the `select`ed ones. */
function selected(p: Patient, base: string[], select: string | undefined): Record<string, unknown> {
  const full = patientProfile(p);
  const fields = [
    ...base,
    ...(select ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean),
  ];
  const out: Record<string, unknown> = {};
  for (const field of fields) if (full[field] !== undefined) out[field] = full[field];
  return out;
}

function findPatient(patients: Map<string, Patient>, oid: string | undefined): Patient {
  const patient = oid === undefined ? undefined : patients.get(oid);
  if (!patient) throw new ApiError(404, 'profile_not_found', 'No patient has this id.');
  return patient;
}

function checkDob(value: string): string {
  const time = Date.parse(`${value}T00:00:00Z`);
  if (time > Date.now()) throw new ApiError(400, 'invalid_request', '"dob" cannot be in the future.');
  if (time < Date.UTC(1900, 0, 1))
    throw new ApiError(400, 'invalid_request', '"dob" must be after 1900-01-01.');
  return value;
}

function splitName(fln: string): { fn: string; ln: string } {
  const parts = fln.trim().split(/\s+/);
  return { fn: parts[0] ?? '', ln: parts.slice(1).join(' ') };
}

function nameOf(body: { fln?: string; fn?: string; mn?: string; ln?: string }) {
  const fln = (body.fln ?? [body.fn, body.mn, body.ln].filter(Boolean).join(' ')).trim();
  if (fln.length > 120) throw new ApiError(400, 'invalid_request', '"fln" must be at most 120 characters.');
  return { fln, ...splitName(fln) };
}

function checkUsername(patients: Map<string, Patient>, username: string | undefined, self?: string) {
  if (username && [...patients.values()].some((p) => p.username === username && p.oid !== self)) {
    throw new ApiError(409, 'username_taken', 'Another patient of this workspace has this username.');
  }
}

/** The patient directory (patient_directory.yml). */
export const patientRoutes: Route[] = [
  contractRoute(searchPatients, ({ query, api }) => {
    const prefix = query.prefix.trim().toLowerCase();
    const limit = query.limit ?? 50;
    const digits = /^\d+$/.test(prefix) ? prefix : '';
    const hits: Record<string, unknown>[] = [];
    for (const p of api.patients.values()) {
      if (p.arc) continue;
      const byName =
        p.fln.toLowerCase().startsWith(prefix) ||
        p.fln
          .toLowerCase()
          .split(/\s+/)
          .some((word) => word.startsWith(prefix));
      const byMobile = digits.length >= 3 && p.mobile.slice(3).startsWith(digits);
      const byUsername = p.username.toLowerCase().startsWith(prefix);
      if (byName || byMobile || byUsername)
        hits.push(selected(p, ['oid', 'fln', 'mobile', 'username'], query.select));
      if (hits.length >= limit) break;
    }
    return { json: hits };
  }),
  contractRoute(listPatients, ({ query, api }) => {
    const pageSize = query.pageSize ?? 500;
    const from = query.from ?? 0;
    const all = [...api.patients.values()].filter(
      (p) => (query.arc === true || !p.arc) && Math.floor(p.createdAt / 1000) >= from,
    );
    const start = (query.pageNo - 1) * pageSize;
    const page = all.slice(start, start + pageSize);
    const more = start + pageSize < all.length;
    const base = ['oid', 'fln', 'mobile', 'username', ...(query.arc ? ['arc'] : [])];
    return {
      json: {
        profiles: page.map((p) => selected(p, base, query.select)),
        currPageMeta: { currPageNo: query.pageNo, pageSize, nextPage: more ? query.pageNo + 1 : -1 },
      },
    };
  }),
  contractRoute(patientsByMobile, ({ query, api }) => {
    const mob = checkMobile(query.mob, 'mob');
    const patient = [...api.patients.values()].find((p) => p.mobile === mob && !p.arc);
    if (!patient) throw new ApiError(404, 'profile_not_found', 'No patient has this mobile number.');
    const full = patientProfile(patient);
    return {
      json: query.full_profile
        ? full
        : selected(
            patient,
            ['oid', 'username', 'fln', 'gen', 'dob', 'abha', 'ccd', 'ps', 'mobile'],
            undefined,
          ),
    };
  }),
  contractRoute(getPatient, ({ params, api }) => ({
    json: patientProfile(findPatient(api.patients, params.oid)),
  })),
  contractRoute(createPatient, ({ body, api }) => {
    const mobile = body.mobile ? checkMobile(body.mobile) : undefined;
    if (!mobile)
      throw new ApiError(400, 'invalid_request', 'The sandbox needs "mobile" (+91 and 10 digits).');
    checkUsername(api.patients, body.username);
    const n = api.counters.nextPatient++;
    const now = Date.now();
    const patient: Patient = {
      oid: String(175000000000 + n),
      ...nameOf(body),
      dob: checkDob(body.dob),
      gen: body.gen,
      mobile,
      username: body.username ?? `EK${9000 + n}`,
      ...(body.email ? { email: body.email.toLowerCase() } : {}),
      ...(body.bloodgroup ? { bloodGroup: body.bloodgroup } : {}),
      arc: false,
      createdAt: now,
      updatedAt: now,
    };
    api.patients.set(patient.oid, patient);
    return { status: 201, json: { oid: patient.oid } };
  }),
  contractRoute(updatePatient, ({ params, body, api }) => {
    const patient = findPatient(api.patients, params.oid);
    // Check everything first so a bad field changes nothing.
    const next: Partial<Patient> = {};
    if (body.fln !== undefined || body.fn !== undefined) Object.assign(next, nameOf(body));
    if (body.dob !== undefined) next.dob = checkDob(body.dob);
    if (body.gen !== undefined) next.gen = body.gen;
    if (body.mobile !== undefined) next.mobile = checkMobile(body.mobile);
    if (body.email !== undefined) next.email = body.email.toLowerCase();
    if (body.bloodgroup !== undefined) next.bloodGroup = body.bloodgroup;
    if (body.username !== undefined) {
      checkUsername(api.patients, body.username, patient.oid);
      next.username = body.username;
    }
    Object.assign(patient, next, { updatedAt: Date.now() });
    return { json: { message: 'Profile updated successfully' } };
  }),
  contractRoute(archivePatient, ({ params, api }) => {
    const patient = findPatient(api.patients, params.oid);
    patient.arc = true;
    patient.updatedAt = Date.now();
    return { json: { message: 'Profile archived successfully' } };
  }),
];
