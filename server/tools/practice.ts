/**
 * Practice tools: the business, its clinics and doctors, and the details of a
 * doctor or a clinic. These give the ids the appointment tools need.
 */
import { z } from 'zod/v4';
import { businessEntities, clinicDetails, doctorProfile, doctorServices } from '../eka/api/practice';
import { formatFee } from './appointment-records';
import { idField } from './fields';
import { clinicPhones, doctorTitle, practiceNames } from './practice-names';
import { compact, runTool, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const clinicSchema = () =>
  z.object({
    clinic_id: z.string(),
    name: z.string().optional(),
    doctor_ids: z.array(z.string()).optional(),
  });
const doctorSchema = () => z.object({ doctor_id: z.string(), name: z.string().optional() });

/** Registers get_business_entities, get_doctor_profile_basic, get_doctor_services and get_clinic_details_basic. */
export function registerPracticeTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;

  tools.define(
    'get_business_entities',
    () => ({
      title: 'Clinics and doctors of the practice',
      description:
        "The clinician's Eka business with its clinics and doctors, and which doctors work at which clinic. Call this first to get the doctor_id and clinic_id that the slot and booking tools need.",
      inputSchema: {},
      outputSchema: {
        business: z.object({ business_id: z.string().optional(), name: z.string().optional() }),
        clinics: z.array(clinicSchema()),
        doctors: z.array(doctorSchema()),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async (_args, extra) =>
      runTool('get_business_entities', deps, async () => {
        const { data } = await client.call(businessEntities, { scope: extra });
        const business = compact({ business_id: data.business.business_id, name: data.business.name });
        const clinics = (data.clinics ?? []).map((c) =>
          compact({ clinic_id: c.clinic_id, name: c.name, doctor_ids: c.doctors ?? [] }),
        );
        const doctors = (data.doctors ?? []).map((d) => compact({ doctor_id: d.doctor_id, name: d.name }));
        const doctorName = new Map(doctors.map((d) => [d.doctor_id, d.name ?? d.doctor_id]));
        const text = [
          `${business.name ?? 'Business'}${business.business_id ? ` (${business.business_id})` : ''}: ${clinics.length} clinic(s), ${doctors.length} doctor(s).`,
          ...clinics.map(
            (c) =>
              `- Clinic ${c.name ?? ''} clinic_id=${c.clinic_id}; doctors: ${(c.doctor_ids ?? []).map((id) => `${doctorName.get(id) ?? id} (doctor_id=${id})`).join(', ') || 'none listed'}`,
          ),
          ...doctors
            .filter((d) => !clinics.some((c) => c.doctor_ids?.includes(d.doctor_id)))
            .map((d) => `- ${d.name ?? d.doctor_id} (doctor_id=${d.doctor_id}): at no clinic listed`),
        ].join('\n');
        return toolResult({ business, clinics, doctors }, text);
      }),
  );

  tools.define(
    'get_doctor_profile_basic',
    () => ({
      title: "A doctor's profile",
      description:
        "A doctor's basic profile: name, specialties, languages and the clinic ids where they consult (use with get_appointment_slots).",
      inputSchema: { doctor_id: idField('doctor_id').describe('Eka doctor id, from get_business_entities.') },
      outputSchema: {
        doctor_id: z.string(),
        name: z.string().optional(),
        major_specialty: z.string().optional().describe("Eka's major speciality."),
        specialties: z.array(z.string()).describe('The major speciality first, then the others.'),
        languages: z.array(z.string()),
        clinic_ids: z.array(z.string()),
        clinics: z
          .array(
            z.object({
              clinic_id: z.string(),
              name: z.string().optional(),
              phones: z.array(z.string()).optional().describe('Contact numbers, e.g. "Phone +919000020001".'),
            }),
          )
          .describe('Where the doctor consults, with the clinic contact numbers Eka lists.'),
        profile: z
          .record(z.string(), z.unknown())
          .describe("Eka's full profile record (personal and professional)."),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id }, extra) =>
      runTool('get_doctor_profile_basic', deps, async () => {
        const { profile } = await client.call(doctorProfile, {
          params: { doctor_id },
          notFoundMessage: `No doctor with id ${doctor_id}: get the ids with get_business_entities`,
          scope: extra,
        });
        const { personal, professional } = profile;
        const name =
          [personal.salutation, personal.first_name, personal.middle_name, personal.last_name]
            .filter((p) => typeof p === 'string' && p)
            .join(' ') || undefined;
        const present = (v: string | undefined): v is string => !!v;
        const major = professional.major_speciality?.name;
        const specialties = [
          ...new Set([major, ...(professional.speciality ?? []).map((s) => s.name)].filter(present)),
        ];
        const languages = (professional.language ?? []).map((l) => l.language).filter(present);
        const clinicIds = (professional.clinics ?? []).map((c) => c.id).filter(present);
        const clinics = (professional.clinics ?? []).flatMap((c) => {
          if (!c.id) return [];
          const phones = (c.number ?? []).flatMap((n) => (n.n ? [n.name ? `${n.name} ${n.n}` : n.n] : []));
          return [compact({ clinic_id: c.id, name: c.name, phones: phones.length ? phones : undefined })];
        });
        const degrees = (professional.degree ?? []).map((d) => d.name).filter(present);
        const text = [
          `${doctorTitle(name ?? doctor_id)} (doctor_id ${doctor_id})${specialties.length ? `, ${specialties.join(', ')}` : ''}.`,
          ...(degrees.length ? [`Qualifications: ${degrees.join(', ')}.`] : []),
          ...(languages.length ? [`Speaks ${languages.join(', ')}.`] : []),
          ...(personal.email ? [`Email ${personal.email}.`] : []),
          ...(professional.about ? [`About: ${professional.about}`] : []),
          ...(clinics.length
            ? [
                'Consults at:',
                ...clinics.map(
                  (c) =>
                    `- ${c.name ?? 'clinic'} (clinic_id ${c.clinic_id})${c.phones ? `, ${c.phones.join(', ')}` : ''}`,
                ),
              ]
            : []),
        ].join('\n');
        return toolResult(
          compact({
            doctor_id,
            name,
            major_specialty: major,
            specialties,
            languages,
            clinic_ids: clinicIds,
            clinics,
            profile: profile as Record<string, unknown>,
          }),
          text,
        );
      }),
  );

  tools.define(
    'get_doctor_services',
    () => ({
      title: "A doctor's services and fees",
      description:
        'The consultation services a doctor offers: name, duration, modes (in-clinic, tele), fee and whether it is paid at booking. Use it to answer "how much does Dr X charge?" or which kind of appointment to book.',
      inputSchema: { doctor_id: idField('doctor_id').describe('Eka doctor id, from get_business_entities.') },
      outputSchema: {
        doctor_id: z.string(),
        doctor_name: z.string().optional(),
        services: z.array(
          z.object({
            service_name: z.string().optional(),
            appointment_type: z.string().optional().describe('REGULAR or FOLLOW_UP.'),
            duration_minutes: z.number().int().optional(),
            modes: z.array(z.string()).optional().describe('in-clinic and/or tele.'),
            fee: z.number().optional(),
            currency: z.string().optional(),
            prepaid: z.boolean().optional().describe('Paid at the time of booking.'),
          }),
        ),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id }, extra) =>
      runTool('get_doctor_services', deps, async () => {
        const { data } = await client.call(doctorServices, {
          params: { doctor_id },
          notFoundMessage: `No doctor with id ${doctor_id}: get the ids with get_business_entities`,
          scope: extra,
        });
        const services = data.services
          .filter((s) => s.archive !== true)
          .map((s) =>
            compact({
              service_name: s.service_name,
              appointment_type: s.appointment_type,
              duration_minutes: s.duration,
              modes: s.mode,
              fee: s.price ?? undefined,
              currency: s.currency,
              prepaid: s.pre_pay,
            }),
          );
        const doctorName = (await practiceNames(client, extra)).doctors.get(doctor_id);
        const who = doctorName ? `${doctorName} (doctor_id ${doctor_id})` : `doctor_id ${doctor_id}`;
        const text =
          services.length === 0
            ? `${who} lists no active services.`
            : `Services of ${who}:\n${services
                .map(
                  (s) =>
                    `- ${s.service_name ?? 'service'}${s.appointment_type ? ` (${s.appointment_type})` : ''}${s.duration_minutes ? `, ${s.duration_minutes} min` : ''}${s.fee !== undefined ? `, ${formatFee(s.fee, s.currency)}` : ''}${s.modes?.length ? `, ${s.modes.join(', ')}` : ''}${s.prepaid === undefined ? '' : s.prepaid ? ', paid at booking' : ', paid at the visit'}`,
                )
                .join('\n')}`;
        return toolResult(compact({ doctor_id, doctor_name: doctorName, services }), text);
      }),
  );

  tools.define(
    'get_clinic_details_basic',
    () => ({
      title: "A clinic's details",
      description:
        "A clinic's name and address as Eka has them. Use it to tell a patient where to go for an in-clinic appointment.",
      inputSchema: { clinic_id: idField('clinic_id').describe('Eka clinic id, from get_business_entities.') },
      outputSchema: {
        clinic_id: z.string(),
        name: z.string().optional(),
        address: z.unknown().optional(),
        phones: z
          .array(z.string())
          .optional()
          .describe('Contact numbers, e.g. "Phone +919000020001" (from a doctor profile at this clinic).'),
        clinic: z.record(z.string(), z.unknown()).describe("Eka's full clinic record."),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ clinic_id }, extra) =>
      runTool('get_clinic_details_basic', deps, async () => {
        const { data } = await client.call(clinicDetails, {
          params: { clinic_id },
          notFoundMessage: `No clinic with id ${clinic_id}: get the ids with get_business_entities`,
          scope: extra,
        });
        const clinic = data.clinic;
        const name = clinic.name;
        const address = clinic.address;
        const addressText = address
          ? [address.line1, address.city, address.state, address.pincode, address.country]
              .filter(Boolean)
              .join(', ')
          : '';
        const phones = await clinicPhones(client, clinic_id, extra);
        return toolResult(
          compact({
            clinic_id,
            name,
            address,
            phones: phones.length ? phones : undefined,
            clinic: clinic as Record<string, unknown>,
          }),
          `Clinic ${name ?? clinic_id} (clinic_id ${clinic_id})${addressText ? `, ${addressText}` : ''}${phones.length ? `. ${phones.join(', ')}` : ''}.`,
        );
      }),
  );
}
