import type { Gender, Patient } from '../seed/patients';
import { ApiError, intParam, optionalString, readJsonObject, requireString } from './http-util';
import type { Route } from './router';
import { checkDate, checkEmail, checkMobile } from './validate';

const SELECTABLE = new Set(['dob', 'gen', 'email', 'fn', 'ln', 'abha', 'address', 'arc', 'bloodGroup']);

/** The full profile shape of `GET /profiles/v1/patient/{oid}`. */
export function patientProfile(p: Patient): Record<string, unknown> {
  return {
    oid: p.oid,
    fln: p.fln,
    fn: p.fn,
    ln: p.ln,
    dob: p.dob,
    gen: p.gen,
    mobile: p.mobile,
    username: p.username,
    ...(p.email ? { email: p.email } : {}),
    ...(p.address ? { address: p.address } : {}),
    ...(p.bloodGroup ? { bloodGroup: p.bloodGroup } : {}),
    ...(p.abha ? { abha: p.abha } : {}),
    arc: p.arc,
    created_at: Math.floor(p.createdAt / 1000),
    updated_at: Math.floor(p.updatedAt / 1000),
  };
}

function selected(p: Patient, base: string[], select: string | null): Record<string, unknown> {
  const full = patientProfile(p);
  const fields = [...base];
  if (select) {
    for (const field of select
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)) {
      if (!SELECTABLE.has(field)) {
        throw new ApiError(
          400,
          'invalid_request',
          `"select" may name ${[...SELECTABLE].join(', ')}; not "${field}".`,
        );
      }
      fields.push(field);
    }
  }
  const out: Record<string, unknown> = {};
  for (const field of fields) if (full[field] !== undefined) out[field] = full[field];
  return out;
}

function findPatient(patients: Map<string, Patient>, oid: string | undefined): Patient {
  const patient = oid === undefined ? undefined : patients.get(oid);
  if (!patient) throw new ApiError(404, 'patient_not_found', 'No patient has this id.');
  return patient;
}

function parseGender(value: string): Gender {
  if (value !== 'M' && value !== 'F' && value !== 'O') {
    throw new ApiError(400, 'invalid_gender', '"gen" must be M, F or O.');
  }
  return value;
}

function parseDob(value: string): string {
  const time = checkDate(value, 'dob');
  if (time > Date.now()) throw new ApiError(400, 'invalid_date', '"dob" cannot be in the future.');
  if (time < Date.UTC(1900, 0, 1)) throw new ApiError(400, 'invalid_date', '"dob" must be after 1900-01-01.');
  return value;
}

function parseAddress(value: unknown): Patient['address'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, 'invalid_request', '"address" must be an object {line1, city, state, pincode}.');
  }
  const a = value as Record<string, unknown>;
  const text = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : '');
  const pincode = text('pincode');
  if (pincode !== '' && !/^\d{6}$/.test(pincode)) {
    throw new ApiError(400, 'invalid_request', '"address.pincode" must be six digits.');
  }
  return { line1: text('line1'), city: text('city'), state: text('state'), pincode };
}

function splitName(fln: string): { fn: string; ln: string } {
  const parts = fln.trim().split(/\s+/);
  return { fn: parts[0] ?? '', ln: parts.slice(1).join(' ') };
}

/** The patient endpoints of the Eka EMR API. */
export const patientRoutes: Route[] = [
  {
    method: 'GET',
    path: '/profiles/v1/patient/search',
    handle({ url, api }) {
      const prefix = (url.searchParams.get('prefix') ?? '').trim().toLowerCase();
      if (prefix === '') throw new ApiError(400, 'invalid_request', '"prefix" is required.');
      const limit = intParam(url.searchParams, 'limit', 10, 1, 50);
      const select = url.searchParams.get('select');
      const digits = prefix.replace(/[^\d]/g, '');
      const hits: Record<string, unknown>[] = [];
      for (const p of api.patients.values()) {
        if (p.arc) continue;
        const byName = p.fln
          .toLowerCase()
          .split(/\s+/)
          .some((word) => word.startsWith(prefix));
        const byFull = p.fln.toLowerCase().startsWith(prefix);
        const byMobile =
          digits.length >= 3 &&
          (p.mobile.slice(3).startsWith(digits) || p.mobile.slice(1).startsWith(digits));
        const byUsername = p.username.toLowerCase().startsWith(prefix);
        if (byName || byFull || byMobile || byUsername)
          hits.push(selected(p, ['oid', 'fln', 'mobile', 'username'], select));
        if (hits.length >= limit) break;
      }
      return { json: hits };
    },
  },
  {
    method: 'GET',
    path: '/profiles/v1/patient/minified',
    handle({ url, api }) {
      const pageNo = intParam(url.searchParams, 'pageNo', 0, 0, 1_000_000);
      const pageSize = intParam(url.searchParams, 'pageSize', 100, 1, 2000);
      const select = url.searchParams.get('select');
      const fromRaw = url.searchParams.get('from');
      const arcRaw = url.searchParams.get('arc');
      if (arcRaw !== null && arcRaw !== 'true' && arcRaw !== 'false') {
        throw new ApiError(400, 'invalid_request', '"arc" must be true or false.');
      }
      let from = 0;
      if (fromRaw !== null && fromRaw !== '') {
        if (!/^\d+$/.test(fromRaw)) {
          throw new ApiError(
            400,
            'invalid_request',
            '"from" must be epoch milliseconds (profiles updated since).',
          );
        }
        from = Number(fromRaw);
      }
      const all = [...api.patients.values()].filter(
        (p) => (arcRaw === 'true' ? true : !p.arc) && p.updatedAt >= from,
      );
      const page = all.slice(pageNo * pageSize, pageNo * pageSize + pageSize);
      const more = (pageNo + 1) * pageSize < all.length;
      return {
        json: {
          profiles: page.map((p) => selected(p, ['oid', 'fln', 'mobile', 'gen', 'dob', 'username'], select)),
          currPageMeta: { currPageNo: pageNo, pageSize, nextPage: more ? pageNo + 1 : null },
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/profiles/v1/patient/by-mobile',
    handle({ url, api }) {
      // An unencoded "+" in the query arrives as a space: accept it as the +91 prefix.
      const raw = (url.searchParams.get('mob') ?? '').replace(/^ (?=91\d{10}$)/, '+').trim();
      const mob = checkMobile(raw, 'mob');
      const full = url.searchParams.get('full_profile') === 'true';
      const patient = [...api.patients.values()].find((p) => p.mobile === mob && !p.arc);
      if (!patient) throw new ApiError(404, 'patient_not_found', 'No patient has this mobile number.');
      const basic: Record<string, unknown> = {
        oid: patient.oid,
        fln: patient.fln,
        dob: patient.dob,
        gen: patient.gen,
        mobile: patient.mobile,
        username: patient.username,
        ...(patient.abha ? { abha: patient.abha } : {}),
      };
      return { json: full ? patientProfile(patient) : basic };
    },
  },
  {
    method: 'GET',
    path: '/profiles/v1/patient/:oid',
    handle({ params, api }) {
      return { json: patientProfile(findPatient(api.patients, params.oid)) };
    },
  },
  {
    method: 'POST',
    path: '/profiles/v1/patient',
    async handle({ req, api }) {
      const body = await readJsonObject(req);
      const fln = requireString(body, 'fln').trim();
      if (fln.length > 120)
        throw new ApiError(400, 'invalid_request', '"fln" must be at most 120 characters.');
      const dob = parseDob(requireString(body, 'dob'));
      const gen = parseGender(requireString(body, 'gen'));
      const mobile = checkMobile(requireString(body, 'mobile'));
      const email = optionalString(body, 'email');
      if (email !== undefined) checkEmail(email);
      const address = parseAddress(body.address);
      const n = api.counters.nextPatient++;
      const now = Date.now();
      const patient: Patient = {
        oid: String(175000000000 + n),
        fln,
        ...splitName(fln),
        dob,
        gen,
        mobile,
        username: `EK${9000 + n}`,
        ...(email ? { email } : {}),
        ...(address ? { address } : {}),
        arc: false,
        createdAt: now,
        updatedAt: now,
      };
      api.patients.set(patient.oid, patient);
      return { status: 201, json: { oid: patient.oid } };
    },
  },
  {
    method: 'PATCH',
    path: '/profiles/v1/patient/:oid',
    async handle({ req, params, api }) {
      const patient = findPatient(api.patients, params.oid);
      const body = await readJsonObject(req);
      const known = new Set(['fln', 'dob', 'gen', 'mobile', 'email', 'address']);
      const unknown = Object.keys(body).filter((k) => !known.has(k));
      if (unknown.length > 0) {
        throw new ApiError(400, 'invalid_request', `These fields cannot be updated: ${unknown.join(', ')}.`);
      }
      if (Object.keys(body).length === 0) throw new ApiError(400, 'invalid_request', 'Nothing to update.');
      // Check everything first so a bad field changes nothing.
      const next: Partial<Patient> = {};
      if (body.fln !== undefined) {
        const fln = requireString(body, 'fln').trim();
        Object.assign(next, { fln, ...splitName(fln) });
      }
      if (body.dob !== undefined) next.dob = parseDob(requireString(body, 'dob'));
      if (body.gen !== undefined) next.gen = parseGender(requireString(body, 'gen'));
      if (body.mobile !== undefined) next.mobile = checkMobile(requireString(body, 'mobile'));
      if (body.email !== undefined) next.email = checkEmail(requireString(body, 'email'));
      if (body.address !== undefined) next.address = parseAddress(body.address);
      Object.assign(patient, next, { updatedAt: Date.now() });
      return { json: { message: 'Patient profile updated.' } };
    },
  },
  {
    method: 'DELETE',
    path: '/profiles/v1/patient/:oid',
    handle({ params, api }) {
      const patient = findPatient(api.patients, params.oid);
      patient.arc = true;
      patient.updatedAt = Date.now();
      return { json: { message: 'Patient profile archived.' } };
    },
  },
];
