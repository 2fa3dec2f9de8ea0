/**
 * Patient tools: search, look up, register, list, update and archive patients
 * in the clinician's Eka practice.
 */
import { z } from 'zod/v4';
import { listAppointments } from '../eka/api/appointments';
import {
  archivePatient,
  createPatient,
  getPatient,
  listPatients,
  type PatientRecord,
  patientsByMobile,
  searchPatients,
  updatePatient,
} from '../eka/api/patients';
import { EkaInputError } from '../errors';
import { appointmentSchema, describeAppointment, toAppointment, withNames } from './appointment-records';
import { bareMobile, dateField, e164Mobile, genderField, idField, mobileField, pageNoField } from './fields';
import { isIsoDate, istDay } from './ist-time';
import { rememberPatientName } from './practice-names';
import { compact, runTool, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const patientShape = () => ({
  patient_id: z.string().describe('Eka patient id (oid); pass it to other tools as patient_id.'),
  name: z.string().optional().describe('Full name.'),
  mobile: z.string().optional().describe('Mobile number, +91XXXXXXXXXX.'),
  username: z.string().optional().describe('Username or UHID in the practice.'),
  dob: z.string().optional().describe('Date of birth, YYYY-MM-DD.'),
  gender: z.string().optional().describe('M, F or O.'),
  email: z.string().optional(),
  blood_group: z.string().optional(),
  abha_address: z.string().optional().describe('ABHA address, e.g. name@abdm.'),
  archived: z.boolean().optional(),
});
const patientSchema = () => z.object(patientShape());
export type Patient = z.infer<ReturnType<typeof patientSchema>>;

/** A directory mobile (10 digits beside its `ccd` country code, or already +...) as +CCXXXXXXXXXX. */
function fullMobile(mobile: string | undefined, ccd: string | undefined): string | undefined {
  if (!mobile) return undefined;
  if (mobile.startsWith('+')) return mobile;
  return /^\d{10}$/.test(mobile) ? `${ccd ?? '+91'}${mobile}` : mobile;
}

/** Maps Eka's patient record (oid, fln, gen, ccd, abha, ...) to the tools' field names, in one place. */
export function toPatient(r: PatientRecord): Patient {
  const parts = [r.fn, r.mn, r.ln].filter((p) => typeof p === 'string' && p).join(' ');
  return compact({
    patient_id: r.oid,
    name: r.fln || parts || undefined,
    mobile: fullMobile(r.mobile, r.ccd),
    username: r.username,
    dob: r.dob,
    gender: r.gen,
    email: r.email,
    blood_group: r.bg,
    abha_address: r.abha || undefined,
    archived: r.arc,
  });
}

const GENDER_WORDS: Record<string, string> = { M: 'male', F: 'female', O: 'other' };

/** Every field of a patient on one readable line, the id included. */
function describePatient(p: Patient): string {
  const bits = [p.name ?? '(no name)', `patient_id ${p.patient_id}`];
  if (p.mobile) bits.push(`mobile ${p.mobile}`);
  if (p.dob) bits.push(`born ${isIsoDate(p.dob) ? istDay(p.dob) : p.dob}`);
  if (p.gender) bits.push(GENDER_WORDS[p.gender] ? `${GENDER_WORDS[p.gender]} (${p.gender})` : p.gender);
  if (p.email) bits.push(`email ${p.email}`);
  if (p.username) bits.push(`username ${p.username}`);
  if (p.blood_group) bits.push(`blood group ${p.blood_group}`);
  if (p.abha_address) bits.push(`ABHA ${p.abha_address}`);
  if (p.archived) bits.push('archived');
  return bits.join(', ');
}

/** Search text as the directory wants it: a mobile number without its +91 / 91 country code. */
export function searchPrefix(prefix: string): string {
  const compactText = prefix.replace(/[\s().-]/g, '');
  if (/^\+91\d+$/.test(compactText)) return compactText.slice(3);
  if (/^\d+$/.test(compactText)) return bareMobile(compactText);
  return prefix;
}

const messageSchema = () => ({ patient_id: z.string(), message: z.string() });

/** Registers search_patients, get_patient_details_basic, get_comprehensive_patient_profile, add_patient, list_patients, update_patient, archive_patient and get_patient_by_mobile. */
export function registerPatientTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;
  const patientIdField = () =>
    idField('patient_id').describe(
      'Eka patient id (oid) from search_patients, get_patient_by_mobile or list_patients.',
    );
  const notFound = (id: string) => `No patient with id ${id}: find the right id with search_patients`;

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
            'Start of the patient name, mobile number (10 digits, with or without +91 or 91) or username, e.g. "Ravi" or "98765".',
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
        const records = await client.call(searchPatients, {
          query: { prefix: searchPrefix(prefix), limit, select: 'dob,gen,abha' },
          scope: extra,
        });
        const patients = records.map(toPatient);
        for (const p of patients) rememberPatientName(client, extra, p.patient_id, p.name);
        const text =
          patients.length === 0
            ? `No patients match "${prefix}". Try a shorter prefix, another spelling, or get_patient_by_mobile.`
            : `${patients.length} patient(s) match "${prefix}":\n${patients.map((p) => `- ${describePatient(p)}`).join('\n')}`;
        return toolResult({ patients, count: patients.length }, text);
      }),
  );

  tools.define(
    'get_patient_details_basic',
    () => ({
      title: 'Patient profile',
      description:
        "One patient's profile as Eka holds it: name, date of birth, gender, mobile, email, username, blood group and ABHA address. Use get_comprehensive_patient_profile to also get the patient's appointments.",
      inputSchema: { patient_id: patientIdField() },
      outputSchema: { patient: patientSchema() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id }, extra) =>
      runTool('get_patient_details_basic', deps, async () => {
        const record = await client.call(getPatient, {
          params: { oid: patient_id },
          notFoundMessage: notFound(patient_id),
          scope: extra,
        });
        const patient = toPatient(record);
        rememberPatientName(client, extra, patient_id, patient.name);
        return toolResult({ patient }, `Patient ${describePatient(patient)}.`);
      }),
  );

  tools.define(
    'get_comprehensive_patient_profile',
    () => ({
      title: 'Patient profile with appointments',
      description:
        "Full profile of one patient (name, date of birth, gender, mobile, email, ABHA address) and, unless include_appointments is false, the patient's appointments (Eka lists up to 20). Use after search_patients to answer questions about a specific patient.",
      inputSchema: {
        patient_id: patientIdField(),
        include_appointments: z
          .boolean()
          .default(true)
          .describe("Also fetch the patient's appointments (default true)."),
      },
      outputSchema: {
        patient: patientSchema(),
        appointments: z.array(appointmentSchema()).optional(),
        appointments_note: z.string().optional(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id, include_appointments }, extra) =>
      runTool('get_comprehensive_patient_profile', deps, async () => {
        const record = await client.call(getPatient, {
          params: { oid: patient_id },
          notFoundMessage: notFound(patient_id),
          scope: extra,
        });
        const patient = toPatient(record);
        const structured: Record<string, unknown> = { patient };
        let text = `Patient ${describePatient(patient)}.`;
        if (include_appointments) {
          try {
            const list = await client.call(listAppointments, {
              query: { patient_id },
              scope: extra,
            });
            rememberPatientName(client, extra, patient_id, patient.name);
            const appointments = await withNames(client, list.appointments.map(toAppointment), extra);
            structured.appointments = appointments;
            text +=
              appointments.length === 0
                ? '\nNo appointments on record.'
                : `\n${appointments.length} appointment(s):\n${appointments.map((a) => `- ${describeAppointment(a)}`).join('\n')}`;
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
        "Register a new patient in the clinician's Eka practice and return the new patient_id. Search first (search_patients / get_patient_by_mobile) to avoid creating a duplicate. Dates are YYYY-MM-DD; the mobile number is 10 digits, with or without +91. Eka's patient directory holds no postal address.",
      inputSchema: {
        name: z
          .string()
          .trim()
          .min(2, 'Give the patient full name (at least 2 characters).')
          .max(120, 'The name is too long (120 characters at most).')
          .describe('Full name, e.g. "Ravi Kumar".'),
        dob: dateField().describe('Date of birth, YYYY-MM-DD, not in the future.'),
        gender: genderField(),
        mobile: mobileField().describe('Mobile number: 10 digits, +91 and 10 digits, or 91 and 10 digits.'),
        email: z
          .email('email must be a valid address such as name@example.com.')
          .optional()
          .describe('Email address (optional).'),
        username: z
          .string()
          .trim()
          .min(1)
          .max(64)
          .optional()
          .describe('UHID or username unique in the practice (optional).'),
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
        const { oid } = await client.call(createPatient, {
          body: compact({
            fln: args.name,
            dob: args.dob,
            gen: args.gender,
            mobile: e164Mobile(args.mobile),
            email: args.email,
            username: args.username,
          }),
          scope: extra,
        });
        return toolResult({ patient_id: oid, name: args.name }, `Registered ${args.name} as patient ${oid}.`);
      }),
  );

  tools.define(
    'list_patients',
    () => ({
      title: 'List patients (paged)',
      description:
        "List the practice's patients page by page (minified records). Pages start at 1; when the result's next_page is set, call again with page_no = next_page to get more. Use search_patients instead when looking for a particular person.",
      inputSchema: {
        page_no: pageNoField(1),
        page_size: z
          .number()
          .int()
          .min(1, 'page_size must be at least 1.')
          .max(2000, 'page_size can be at most 2000.')
          .default(50)
          .describe('Patients per page, 1-2000 (default 50).'),
        created_since: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('Only patients created after this time, epoch seconds (optional).'),
        include_archived: z.boolean().default(false).describe('Also list archived patients (default false).'),
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
    async ({ page_no, page_size, created_since, include_archived }, extra) =>
      runTool('list_patients', deps, async () => {
        const reply = await client.call(listPatients, {
          query: compact({
            pageNo: page_no,
            pageSize: page_size,
            select: 'dob,gen,abha',
            from: created_since,
            arc: include_archived || undefined,
          }),
          scope: extra,
        });
        const patients = reply.profiles.map(toPatient);
        // Eka marks the last page with nextPage -1.
        const next = reply.currPageMeta.nextPage > 0 ? reply.currPageMeta.nextPage : null;
        const text = [
          `${patients.length} patient(s) on page ${page_no}:`,
          ...patients.map((p) => `- ${describePatient(p)}`),
          next !== null
            ? `More patients: call list_patients with page_no=${next}.`
            : 'This is the last page.',
        ].join('\n');
        return toolResult({ patients, page_no, page_size, next_page: next }, text);
      }),
  );

  tools.define(
    'update_patient',
    () => ({
      title: "Update a patient's details",
      description:
        'Change one or more details of an existing patient; only the fields given are changed. Dates are YYYY-MM-DD; the mobile number is 10 digits, with or without +91.',
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
        mobile: mobileField().optional().describe('New mobile number, 10 digits, with or without +91.'),
        email: z
          .email('email must be a valid address such as name@example.com.')
          .optional()
          .describe('New email address.'),
      },
      outputSchema: messageSchema(),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id, name, dob, gender, mobile, email }, extra) =>
      runTool('update_patient', deps, async () => {
        const changes = compact({
          fln: name,
          dob,
          gen: gender,
          mobile: mobile ? e164Mobile(mobile) : undefined,
          email,
        });
        if (Object.keys(changes).length === 0) {
          throw new EkaInputError(
            'Nothing to change: give at least one of name, dob, gender, mobile or email.',
          );
        }
        const reply = await client.call(updatePatient, {
          params: { oid: patient_id },
          body: changes,
          notFoundMessage: notFound(patient_id),
          scope: extra,
        });
        const message = reply.message ?? 'Patient updated.';
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
        'Archive (remove from the active list) a patient record. The record is kept by Eka but no longer shows in searches. Confirm with the clinician before calling; use list_patients with include_archived=true to see archived patients.',
      inputSchema: { patient_id: patientIdField() },
      outputSchema: messageSchema(),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id }, extra) =>
      runTool('archive_patient', deps, async () => {
        const reply = await client.call(archivePatient, {
          params: { oid: patient_id },
          notFoundMessage: notFound(patient_id),
          scope: extra,
        });
        const message = reply.message ?? 'Patient archived.';
        return toolResult({ patient_id, message }, `Archived patient ${patient_id}: ${message}`);
      }),
  );

  tools.define(
    'get_patient_by_mobile',
    () => ({
      title: 'Find a patient by mobile number',
      description:
        'Look up the patient registered with an exact mobile number (10 digits, with or without +91). Returns found=false when no patient has that number.',
      inputSchema: {
        mobile: mobileField().describe('Mobile number: 10 digits, +91 and 10 digits, or 91 and 10 digits.'),
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
        const number = e164Mobile(mobile);
        try {
          const reply = await client.call(patientsByMobile, {
            query: { mob: number, full_profile: full_profile || undefined },
            scope: extra,
          });
          const record = Array.isArray(reply) ? reply[0] : reply;
          if (!record) return toolResult({ found: false }, `No patient is registered with ${number}.`);
          const patient = toPatient(record);
          return toolResult({ found: true, patient }, `Found ${describePatient(patient)}.`);
        } catch (error) {
          if ((error as { code?: string }).code === 'not_found') {
            return toolResult(
              { found: false },
              `No patient is registered with ${number}. Register them with add_patient if needed.`,
            );
          }
          throw error;
        }
      }),
  );
}
