/**
 * Eka's patient directory, from
 * `api-reference/doc-tool/patient-directory-apis/patient_directory.yml` (and
 * its `getting-started.mdx`): every call needs `client-id`; profiles use
 * Eka's short field names (`oid`, `fln`, `gen`, `dob`, `ccd`, `abha` as the
 * ABHA address string); the minified list pages from `pageNo` 1 and ends
 * with `nextPage: -1`.
 */
import { z } from 'zod/v4';
import { defineEndpoint, queryBool, queryInt } from './endpoint';

const SOURCE = 'api-reference/doc-tool/patient-directory-apis/patient_directory.yml';
const HEADERS = ['authorization', 'client-id'] as const;

/** The optional fields `select` may add (search also allows `is_age`). */
export const SELECTABLE_FIELDS = ['abha', 'c_ate', 'dob', 'gen', 'u_ate'] as const;

function selectField(allowed: readonly string[]) {
  return z.string().refine(
    (value) =>
      value
        .split(',')
        .map((f) => f.trim())
        .every((f) => allowed.includes(f)),
    `select may name only ${allowed.join(', ')}`,
  );
}

/** A patient record as the directory returns it (loose: Eka may add fields). */
export const PatientRecord = z
  .object({
    oid: z.string(),
    wid: z.string().optional(),
    ps: z.string().optional(),
    fn: z.string().optional(),
    mn: z.string().optional(),
    ln: z.string().optional(),
    fln: z.string().optional(),
    s: z.string().optional(),
    gen: z.string().optional(),
    dob: z.string().optional(),
    is_age: z.boolean().optional(),
    /** Mobile number; with `ccd` (country code) it forms the E.164 number. */
    mobile: z.string().optional(),
    ccd: z.string().optional(),
    email: z.string().optional(),
    username: z.string().optional(),
    /** Blood group. */
    bg: z.string().optional(),
    /** The patient's ABHA address, e.g. `name@abdm`. */
    abha: z.string().optional(),
    arc: z.boolean().optional(),
    c_ate: z.number().optional(),
    u_ate: z.number().optional(),
  })
  .loose();
export type PatientRecord = z.infer<typeof PatientRecord>;

const BLOOD_GROUPS = ['A+', 'A-', 'B+', 'B-', 'AB+', 'AB-', 'O+', 'O-'] as const;

/** The writable profile fields of create and update (no `address`: the directory has none). */
const profileFields = {
  fn: z.string().min(1).optional(),
  mn: z.string().optional(),
  ln: z.string().optional(),
  fln: z.string().min(1).optional(),
  s: z.string().optional(),
  dob: z.iso.date().optional(),
  gen: z.enum(['M', 'F', 'O']).optional(),
  bloodgroup: z.enum(BLOOD_GROUPS).optional(),
  /** With the country code, e.g. `+916000000000`. */
  mobile: z
    .string()
    .regex(/^\+\d{11,14}$/, 'mobile is written with its country code, e.g. +916000000000')
    .optional(),
  email: z.email().optional(),
  username: z.string().min(1).optional(),
  abha: z.string().optional(),
  extras: z.record(z.string(), z.unknown()).optional(),
};

/** `POST /profiles/v1/patient/`: creates a profile (`dob`, `gen` and `fln` or `fn` required). */
export const createPatient = defineEndpoint({
  id: 'patients.create',
  method: 'POST',
  path: '/profiles/v1/patient/',
  headers: HEADERS,
  body: z
    .object({ ...profileFields, dob: z.iso.date(), gen: z.enum(['M', 'F', 'O']) })
    .strict()
    .refine((b) => !!b.fln || !!b.fn, 'either fln or fn is required'),
  response: z.object({ oid: z.string() }).loose(),
  success: [201],
  idempotent: false,
  source: SOURCE,
});

/** `GET /profiles/v1/patient/minified/`: one page of profiles, from page 1. */
export const listPatients = defineEndpoint({
  id: 'patients.listMinified',
  method: 'GET',
  path: '/profiles/v1/patient/minified/',
  headers: HEADERS,
  query: z
    .object({
      pageNo: queryInt((n) => n.min(1)),
      pageSize: queryInt((n) => n.min(1).max(2000)).optional(),
      select: selectField(SELECTABLE_FIELDS).optional(),
      /** Profiles created after this time, epoch seconds. */
      from: queryInt((n) => n.min(0)).optional(),
      arc: queryBool().optional(),
    })
    .strict(),
  response: z
    .object({
      profiles: z.array(PatientRecord),
      currPageMeta: z
        .object({
          currPageNo: z.number().int().optional(),
          pageSize: z.number().int().optional(),
          /** The next page to fetch, `-1` on the last page. */
          nextPage: z.number().int(),
        })
        .loose(),
    })
    .loose(),
  success: [200],
  source: SOURCE,
});

/** `GET /profiles/v1/patient/search`: prefix search on username, mobile (no country code) or full name. */
export const searchPatients = defineEndpoint({
  id: 'patients.search',
  method: 'GET',
  path: '/profiles/v1/patient/search',
  headers: HEADERS,
  query: z
    .object({
      prefix: z.string().min(1),
      limit: queryInt((n) => n.min(1).max(50)).optional(),
      select: selectField([...SELECTABLE_FIELDS, 'is_age']).optional(),
    })
    .strict(),
  response: z.array(PatientRecord),
  success: [200],
  source: SOURCE,
});

const oidParams = z.object({ oid: z.string().min(1) }).strict();

/** `GET /profiles/v1/patient/{oid}`: one full profile. */
export const getPatient = defineEndpoint({
  id: 'patients.get',
  method: 'GET',
  path: '/profiles/v1/patient/{oid}',
  params: oidParams,
  headers: HEADERS,
  response: PatientRecord,
  success: [200],
  source: SOURCE,
});

/** `PATCH /profiles/v1/patient/{oid}`: changes the fields given. */
export const updatePatient = defineEndpoint({
  id: 'patients.update',
  method: 'PATCH',
  path: '/profiles/v1/patient/{oid}',
  params: oidParams,
  headers: HEADERS,
  body: z
    .object(profileFields)
    .strict()
    .refine((b) => Object.keys(b).length > 0, 'give at least one field to change'),
  response: z.object({ message: z.string().optional() }).loose(),
  success: [200],
  idempotent: true,
  source: SOURCE,
});

/** `DELETE /profiles/v1/patient/{oid}`: archives the profile (it is kept). */
export const archivePatient = defineEndpoint({
  id: 'patients.archive',
  method: 'DELETE',
  path: '/profiles/v1/patient/{oid}',
  params: oidParams,
  query: z.object({ arc: queryBool().optional() }).strict(),
  headers: HEADERS,
  response: z.object({ message: z.string().optional() }).loose(),
  success: [200],
  source: SOURCE,
});

/** `GET /profiles/v1/patient/by-mobile/`: the profile(s) with a mobile written `+<country code><number>`. */
export const patientsByMobile = defineEndpoint({
  id: 'patients.byMobile',
  method: 'GET',
  path: '/profiles/v1/patient/by-mobile/',
  headers: HEADERS,
  query: z
    .object({
      mob: z.string().regex(/^\+\d{11,14}$/, 'mob is written +<country code><number>, e.g. +911234567890'),
      full_profile: queryBool().optional(),
    })
    .strict(),
  // The schema is one profile; the operation's title speaks of profiles, so a list is read too.
  response: z.union([PatientRecord, z.array(PatientRecord)]),
  success: [200],
  source: SOURCE,
});

/** Every patient-directory endpoint the product calls. */
export const patientEndpoints = [
  searchPatients,
  listPatients,
  patientsByMobile,
  getPatient,
  createPatient,
  updatePatient,
  archivePatient,
] as const;
