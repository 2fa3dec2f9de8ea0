/**
 * Practice tools: the business, its clinics and doctors, and the details of a
 * doctor or a clinic. These give the ids the appointment tools need.
 */
import { z } from 'zod/v4';
import { idField } from './fields';
import { arr, compact, obj, runTool, str, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const clinicSchema = () =>
  z.object({
    clinic_id: z.string(),
    name: z.string().optional(),
    doctor_ids: z.array(z.string()).optional(),
  });
const doctorSchema = () => z.object({ doctor_id: z.string(), name: z.string().optional() });

function strings(value: unknown): string[] {
  return arr(value)
    .map((v) => (typeof v === 'string' ? v : str(obj(v).doctor_id ?? obj(v).id)))
    .filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Registers get_business_entities, get_doctor_profile_basic and get_clinic_details_basic. */
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
        const data = obj(
          obj(await client.request({ method: 'GET', path: '/dr/v1/business/entities', signal: extra.signal }))
            .data,
        );
        const b = obj(data.business);
        const business = compact({ business_id: str(b.business_id ?? b.id), name: str(b.name) });
        const clinics = arr(data.clinics)
          .map(obj)
          .map((c) =>
            compact({
              clinic_id: str(c.clinic_id ?? c.id) ?? '',
              name: str(c.name),
              doctor_ids: strings(c.doctors),
            }),
          )
          .filter((c) => c.clinic_id);
        const doctors = arr(data.doctors)
          .map(obj)
          .map((d) => compact({ doctor_id: str(d.doctor_id ?? d.id) ?? '', name: str(d.name) }))
          .filter((d) => d.doctor_id);
        const doctorName = new Map(doctors.map((d) => [d.doctor_id, d.name ?? d.doctor_id]));
        const text = [
          `${business.name ?? 'Business'}${business.business_id ? ` (${business.business_id})` : ''}: ${clinics.length} clinic(s), ${doctors.length} doctor(s).`,
          ...clinics.map(
            (c) =>
              `- Clinic ${c.name ?? ''} clinic_id=${c.clinic_id}; doctors: ${(c.doctor_ids ?? []).map((id) => `${doctorName.get(id) ?? id} (doctor_id=${id})`).join(', ') || 'none listed'}`,
          ),
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
        specialties: z.array(z.string()),
        languages: z.array(z.string()),
        clinic_ids: z.array(z.string()),
        profile: z
          .record(z.string(), z.unknown())
          .describe("Eka's full profile record (personal and professional)."),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id }, extra) =>
      runTool('get_doctor_profile_basic', deps, async () => {
        const raw = obj(
          await client.request({
            method: 'GET',
            path: `/dr/v1/doctor/${encodeURIComponent(doctor_id)}`,
            notFoundMessage: `No doctor with id ${doctor_id}: get the ids with get_business_entities`,
            signal: extra.signal,
          }),
        );
        const profile = obj(obj(raw.data).profile ?? raw.profile);
        const personal = obj(profile.personal);
        const professional = obj(profile.professional);
        const name =
          str(personal.name) ??
          ([personal.first_name, personal.last_name].filter((p) => typeof p === 'string' && p).join(' ') ||
            undefined);
        const names = (value: unknown) =>
          arr(value)
            .map((v) => (typeof v === 'string' ? v : str(obj(v).name ?? obj(v).clinic_id ?? obj(v).id)))
            .filter((v): v is string => !!v);
        const specialties = names(professional.specialties ?? professional.speciality);
        const languages = names(professional.languages);
        const clinicIds = arr(professional.clinics)
          .map((v) => (typeof v === 'string' ? v : str(obj(v).clinic_id ?? obj(v).id)))
          .filter((v): v is string => !!v);
        const text = `Dr ${name ?? doctor_id}${specialties.length ? `, ${specialties.join(', ')}` : ''}${languages.length ? `; speaks ${languages.join(', ')}` : ''}${clinicIds.length ? `; clinics ${clinicIds.join(', ')}` : ''}.`;
        return toolResult(
          compact({ doctor_id, name, specialties, languages, clinic_ids: clinicIds, profile }),
          text,
        );
      }),
  );

  tools.define(
    'get_clinic_details_basic',
    () => ({
      title: "A clinic's details",
      description:
        "A clinic's name, address and phone as Eka has them. Use it to tell a patient where to go for an in-clinic appointment.",
      inputSchema: { clinic_id: idField('clinic_id').describe('Eka clinic id, from get_business_entities.') },
      outputSchema: {
        clinic_id: z.string(),
        name: z.string().optional(),
        address: z.unknown().optional(),
        clinic: z.record(z.string(), z.unknown()).describe("Eka's full clinic record."),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ clinic_id }, extra) =>
      runTool('get_clinic_details_basic', deps, async () => {
        const raw = obj(
          await client.request({
            method: 'GET',
            path: `/dr/v1/business/clinic/${encodeURIComponent(clinic_id)}`,
            notFoundMessage: `No clinic with id ${clinic_id}: get the ids with get_business_entities`,
            signal: extra.signal,
          }),
        );
        const clinic = obj(obj(raw.data).clinic ?? raw.clinic);
        const name = str(clinic.name);
        const address = clinic.address;
        const addressText =
          typeof address === 'string'
            ? address
            : address && typeof address === 'object'
              ? Object.values(address)
                  .filter((v) => typeof v === 'string' && v)
                  .join(', ')
              : '';
        return toolResult(
          compact({ clinic_id, name, address, clinic }),
          `Clinic ${name ?? clinic_id}${addressText ? `, ${addressText}` : ''}.`,
        );
      }),
  );
}
