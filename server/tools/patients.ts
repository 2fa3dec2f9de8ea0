/**
 * Patient tools: search, look up, register, list, update and archive patients
 * in the clinician's Eka practice.
 */
import { z } from 'zod/v4';
import { EkaInputError } from '../errors';
import { appointmentList, appointmentSchema } from './appointment-records';
import { dateField, genderField, idField, mobileField, pageNoField } from './fields';
import { arr, compact, obj, runTool, str, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const patientShape = () => ({
  patient_id: z.string().describe('Eka patient id (oid); pass it to other tools as patient_id.'),
  name: z.string().optional().describe('Full name.'),
  mobile: z.string().optional().describe('Mobile number, +91XXXXXXXXXX.'),
  username: z.string().optional(),
  dob: z.string().optional().describe('Date of birth, YYYY-MM-DD.'),
  gender: z.string().optional().describe('M, F or O.'),
  email: z.string().optional(),
  abha_address: z.string().optional(),
  abha_number: z.string().optional(),
  archived: z.boolean().optional(),
});
const patientSchema = () => z.object(patientShape());
export type Patient = z.infer<ReturnType<typeof patientSchema>>;

/** Maps Eka's patient record (oid, fln, gen, ...) to the tools' field names. */
export function toPatient(raw: unknown): Patient {
  const r = obj(raw);
  const abha = obj(r.abha);
  return compact({
    patient_id: str(r.oid ?? r.patient_id ?? r.id) ?? '',
    name:
      str(r.fln ?? r.name ?? [r.fn, r.mn, r.ln].filter((p) => typeof p === 'string' && p).join(' ')) ||
      undefined,
    mobile: str(r.mobile ?? r.mob),
    username: str(r.username),
    dob: str(r.dob),
    gender: str(r.gen ?? r.gender),
    email: str(r.email),
    abha_address: str(r.abha_address ?? abha.abha_address ?? abha.phr_address),
    abha_number: str(r.abha_number ?? abha.abha_number),
    archived: typeof r.arc === 'boolean' ? r.arc : typeof r.archived === 'boolean' ? r.archived : undefined,
  });
}

function describePatient(p: Patient): string {
  const bits = [p.name ?? '(no name)', `id ${p.patient_id}`];
  if (p.mobile) bits.push(p.mobile);
  if (p.dob) bits.push(`born ${p.dob}`);
  if (p.gender) bits.push(p.gender);
  return bits.join(', ');
}

function listOf(raw: unknown): unknown[] {
  if (Array.isArray(raw)) return raw;
  const r = obj(raw);
  return arr(r.data ?? r.profiles ?? r.patients ?? r.results ?? obj(r.data).profiles);
}

const addressField = () =>
  z
    .object({
      line1: z.string().trim().max(200).optional().describe('House, street and area.'),
      city: z.string().trim().max(100).optional(),
      state: z.string().trim().max(100).optional(),
      pincode: z
        .string()
        .trim()
        .regex(/^\d{6}$/, 'pincode must be the six-digit Indian PIN code, e.g. 560001.')
        .optional()
        .describe('Six-digit PIN code.'),
    })
    .describe('Postal address: line1, city, state, pincode (all optional).');

const messageSchema = () => ({ patient_id: z.string(), message: z.string() });

/** Registers search_patients, get_comprehensive_patient_profile, add_patient, list_patients, update_patient, archive_patient and get_patient_by_mobile. */
export function registerPatientTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;
  const patientIdField = () =>
    idField('patient_id').describe(
      'Eka patient id (oid) from search_patients, get_patient_by_mobile or list_patients.',
    );

  tools.define(
    'search_patients',
    () => ({
      title: 'Search patients',
      description:
        "Find patients in the clinician's Eka practice whose name, mobile number or username starts with the given text. Use this first whenever the user names a patient, then use the returned patient_id with other tools. For an exact mobile number, get_patient_by_mobile is more precise.",
      inputSchema: {
        prefix: z
          .string()
          .trim()
          .min(1, 'Give at least one character of the name, mobile number or username to search for.')
          .max(100, 'The search text is too long: give the start of a name, mobile number or username.')
          .describe(
            'Start of the patient name, mobile number (digits, with or without +91) or username, e.g. "Ravi" or "98765".',
          ),
        limit: z
          .number()
          .int('limit must be a whole number.')
          .min(1, 'limit must be at least 1.')
          .max(50, 'limit can be at most 50: narrow the search text instead.')
          .default(10)
          .describe('How many patients to return, 1-50 (default 10).'),
      },
      outputSchema: { patients: z.array(patientSchema()), count: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ prefix, limit }, extra) =>
      runTool('search_patients', deps, async () => {
        const raw = await client.request({
          method: 'GET',
          path: '/profiles/v1/patient/search',
          query: { prefix, limit, select: 'dob,gen,email' },
          signal: extra.signal,
        });
        const patients = listOf(raw)
          .map(toPatient)
          .filter((p) => p.patient_id);
        const text =
          patients.length === 0
            ? `No patients match "${prefix}". Try a shorter prefix, another spelling, or get_patient_by_mobile.`
            : `${patients.length} patient(s) match "${prefix}":\n${patients.map((p) => `- ${describePatient(p)}`).join('\n')}`;
        return toolResult({ patients, count: patients.length }, text);
      }),
  );

  tools.define(
    'get_comprehensive_patient_profile',
    () => ({
      title: 'Patient profile with appointments',
      description:
        "Full profile of one patient (name, date of birth, gender, mobile, email, address, ABHA) and, unless include_appointments is false, the patient's appointments. Use after search_patients to answer questions about a specific patient.",
      inputSchema: {
        patient_id: patientIdField(),
        include_appointments: z
          .boolean()
          .default(true)
          .describe("Also fetch the patient's appointments (default true)."),
      },
      outputSchema: {
        patient: patientSchema().extend({ address: z.unknown().optional() }),
        appointments: z.array(appointmentSchema()).optional(),
        appointments_note: z.string().optional(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id, include_appointments }, extra) =>
      runTool('get_comprehensive_patient_profile', deps, async () => {
        const raw = await client.request({
          method: 'GET',
          path: `/profiles/v1/patient/${encodeURIComponent(patient_id)}`,
          notFoundMessage: `No patient with id ${patient_id}: find the right id with search_patients`,
          signal: extra.signal,
        });
        const record = obj(obj(raw).data ?? raw);
        const patient = { ...toPatient(record), patient_id: toPatient(record).patient_id || patient_id };
        const structured: Record<string, unknown> = {
          patient: compact({ ...patient, address: record.address }),
        };
        let text = `Patient ${describePatient(patient)}.`;
        if (include_appointments) {
          try {
            const list = await client.request({
              method: 'GET',
              path: '/dr/v1/appointment',
              query: { patient_id },
              signal: extra.signal,
            });
            const appointments = appointmentList(list);
            structured.appointments = appointments;
            text += ` ${appointments.length} appointment(s) on record.`;
          } catch (error) {
            const note = `Appointments could not be loaded: ${(error as Error).message}`;
            structured.appointments_note = note;
            text += ` ${note}`;
          }
        }
        return toolResult(structured, text);
      }),
  );

  tools.define(
    'add_patient',
    () => ({
      title: 'Register a new patient',
      description:
        "Register a new patient in the clinician's Eka practice and return the new patient_id. Search first (search_patients / get_patient_by_mobile) to avoid creating a duplicate. Dates are YYYY-MM-DD; the mobile number is +91XXXXXXXXXX.",
      inputSchema: {
        name: z
          .string()
          .trim()
          .min(2, 'Give the patient full name (at least 2 characters).')
          .max(120, 'The name is too long (120 characters at most).')
          .describe('Full name, e.g. "Ravi Kumar".'),
        dob: dateField().describe('Date of birth, YYYY-MM-DD, not in the future.'),
        gender: genderField(),
        mobile: mobileField().describe('Mobile number as +91 followed by 10 digits, e.g. +919876543210.'),
        email: z
          .email('email must be a valid address such as name@example.com.')
          .optional()
          .describe('Email address (optional).'),
        address: addressField().optional(),
      },
      outputSchema: { patient_id: z.string(), name: z.string() },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    }),
    async (args, extra) =>
      runTool('add_patient', deps, async () => {
        if (Date.parse(`${args.dob}T00:00:00Z`) > deps.now()) {
          throw new EkaInputError('dob is in the future: give the date of birth as YYYY-MM-DD.');
        }
        const raw = await client.request({
          method: 'POST',
          path: '/profiles/v1/patient/',
          body: compact({
            fln: args.name,
            dob: args.dob,
            gen: args.gender,
            mobile: args.mobile,
            email: args.email,
            address: args.address,
          }),
          signal: extra.signal,
        });
        const r = obj(raw);
        const patientId = str(r.oid ?? r.patient_id ?? obj(r.data).oid);
        if (!patientId)
          throw new EkaInputError(
            'Eka accepted the patient but returned no id: search for them with search_patients.',
          );
        return toolResult(
          { patient_id: patientId, name: args.name },
          `Registered ${args.name} as patient ${patientId}.`,
        );
      }),
  );

  tools.define(
    'list_patients',
    () => ({
      title: 'List patients (paged)',
      description:
        "List the practice's patients page by page (minified records). Start with page_no 0; when the result's next_page is set, call again with page_no = next_page to get more. Use search_patients instead when looking for a particular person.",
      inputSchema: {
        page_no: pageNoField(),
        page_size: z
          .number()
          .int()
          .min(1, 'page_size must be at least 1.')
          .max(2000, 'page_size can be at most 2000.')
          .default(50)
          .describe('Patients per page, 1-2000 (default 50).'),
        updated_since: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Only patients created or changed since this time, epoch seconds (optional).'),
        archived: z
          .boolean()
          .default(false)
          .describe('List archived patients instead of active ones (default false).'),
      },
      outputSchema: {
        patients: z.array(patientSchema()),
        page_no: z.number().int(),
        page_size: z.number().int(),
        next_page: z
          .number()
          .int()
          .nullable()
          .describe('Pass as page_no to get the next page; null when this is the last page.'),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ page_no, page_size, updated_since, archived }, extra) =>
      runTool('list_patients', deps, async () => {
        const raw = obj(
          await client.request({
            method: 'GET',
            path: '/profiles/v1/patient/minified/',
            query: {
              pageNo: page_no,
              pageSize: page_size,
              select: 'dob,gen',
              from: updated_since,
              arc: archived,
            },
            signal: extra.signal,
          }),
        );
        const patients = listOf(raw)
          .map(toPatient)
          .filter((p) => p.patient_id);
        const meta = obj(raw.currPageMeta);
        const next = typeof meta.nextPage === 'number' ? meta.nextPage : null;
        const text =
          `${patients.length} patient(s) on page ${page_no}.` +
          (next !== null
            ? ` More patients: call list_patients with page_no=${next}.`
            : ' This is the last page.');
        return toolResult({ patients, page_no, page_size, next_page: next }, text);
      }),
  );

  tools.define(
    'update_patient',
    () => ({
      title: "Update a patient's details",
      description:
        'Change one or more details of an existing patient; only the fields given are changed. Dates are YYYY-MM-DD; the mobile number is +91XXXXXXXXXX.',
      inputSchema: {
        patient_id: patientIdField(),
        name: z
          .string()
          .trim()
          .min(2, 'name must have at least 2 characters.')
          .max(120)
          .optional()
          .describe('New full name.'),
        dob: dateField().optional().describe('New date of birth, YYYY-MM-DD.'),
        gender: genderField().optional(),
        mobile: mobileField().optional().describe('New mobile number, +91XXXXXXXXXX.'),
        email: z
          .email('email must be a valid address such as name@example.com.')
          .optional()
          .describe('New email address.'),
        address: addressField().optional(),
      },
      outputSchema: messageSchema(),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id, name, dob, gender, mobile, email, address }, extra) =>
      runTool('update_patient', deps, async () => {
        const changes = compact({ fln: name, dob, gen: gender, mobile, email, address });
        if (Object.keys(changes).length === 0) {
          throw new EkaInputError(
            'Nothing to change: give at least one of name, dob, gender, mobile, email or address.',
          );
        }
        const raw = obj(
          await client.request({
            method: 'PATCH',
            path: `/profiles/v1/patient/${encodeURIComponent(patient_id)}`,
            body: changes,
            idempotent: true,
            notFoundMessage: `No patient with id ${patient_id}: find the right id with search_patients`,
            signal: extra.signal,
          }),
        );
        const message = str(raw.message) ?? 'Patient updated.';
        return toolResult(
          { patient_id, message },
          `Updated ${Object.keys(changes).length} field(s) of patient ${patient_id}: ${message}`,
        );
      }),
  );

  tools.define(
    'archive_patient',
    () => ({
      title: 'Archive a patient',
      description:
        'Archive (remove from the active list) a patient record. The record is kept by Eka but no longer shows in searches. Confirm with the clinician before calling; use list_patients with archived=true to see archived patients.',
      inputSchema: { patient_id: patientIdField() },
      outputSchema: messageSchema(),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id }, extra) =>
      runTool('archive_patient', deps, async () => {
        const raw = obj(
          await client.request({
            method: 'DELETE',
            path: `/profiles/v1/patient/${encodeURIComponent(patient_id)}`,
            notFoundMessage: `No patient with id ${patient_id}: find the right id with search_patients`,
            signal: extra.signal,
          }),
        );
        const message = str(raw.message) ?? 'Patient archived.';
        return toolResult({ patient_id, message }, `Archived patient ${patient_id}: ${message}`);
      }),
  );

  tools.define(
    'get_patient_by_mobile',
    () => ({
      title: 'Find a patient by mobile number',
      description:
        'Look up the patient registered with an exact mobile number (+91XXXXXXXXXX). Returns found=false when no patient has that number.',
      inputSchema: {
        mobile: mobileField().describe('Mobile number as +91 followed by 10 digits, e.g. +919876543210.'),
        full_profile: z
          .boolean()
          .default(false)
          .describe('Return the full profile rather than the summary (default false).'),
      },
      outputSchema: { found: z.boolean(), patient: patientSchema().optional() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ mobile, full_profile }, extra) =>
      runTool('get_patient_by_mobile', deps, async () => {
        try {
          const raw = await client.request({
            method: 'GET',
            path: '/profiles/v1/patient/by-mobile/',
            query: { mob: mobile, full_profile },
            signal: extra.signal,
          });
          const record = Array.isArray(raw) ? raw[0] : obj(obj(raw).data ?? raw);
          const patient = toPatient(record);
          if (!patient.patient_id) {
            return toolResult({ found: false }, `No patient is registered with ${mobile}.`);
          }
          return toolResult({ found: true, patient }, `Found ${describePatient(patient)}.`);
        } catch (error) {
          if ((error as { code?: string }).code === 'not_found') {
            return toolResult(
              { found: false },
              `No patient is registered with ${mobile}. Register them with add_patient if needed.`,
            );
          }
          throw error;
        }
      }),
  );
}
