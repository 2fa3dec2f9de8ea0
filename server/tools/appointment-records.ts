/**
 * Reading Eka's appointment and slot records into the tools' shapes, in one
 * place: epoch seconds plus the same instant as IST ISO text (so the model
 * never converts time zones), status codes with their meaning, and the fee
 * of a slot from its service (`data.services[conf_id].price`).
 */
import { z } from 'zod/v4';
import { APPOINTMENT_STATUS, type AppointmentRecord, appointmentSlots } from '../eka/api/appointments';
import type { CallOutput } from '../eka/api/endpoint';
import type { EkaClient } from '../eka/client';
import type { CallScope } from '../eka/token-source';
import { addDays, daysBetween, istDateOf, istWhen, toEpochSeconds, toIstIso } from './ist-time';
import { patientNames, practiceNames } from './practice-names';
import { compact } from './tool-kit';

export const appointmentSchema = () =>
  z.object({
    appointment_id: z.string(),
    patient_id: z.string().optional(),
    doctor_id: z.string().optional(),
    clinic_id: z.string().optional(),
    status: z.string().optional().describe("Eka's status code: BK booked, CM completed, CN cancelled, ..."),
    status_text: z.string().optional().describe('What the status code means.'),
    mode: z.string().optional().describe('in_clinic or tele.'),
    start_time: z.number().int().optional().describe('Start, epoch seconds.'),
    end_time: z.number().int().optional().describe('End, epoch seconds.'),
    start: z.string().optional().describe('Start in IST, ISO 8601 with +05:30.'),
    end: z.string().optional().describe('End in IST, ISO 8601 with +05:30.'),
    notes: z.string().optional(),
    when: z.string().optional().describe('Start and end for people, IST with the weekday.'),
    patient_name: z.string().optional(),
    doctor_name: z.string().optional(),
    clinic_name: z.string().optional(),
  });
export type Appointment = z.infer<ReturnType<typeof appointmentSchema>>;

export const slotSchema = () =>
  z.object({
    start_time: z
      .number()
      .int()
      .describe('Slot start, epoch seconds: pass to book_appointment as start_time.'),
    end_time: z.number().int().describe('Slot end, epoch seconds.'),
    start: z.string().describe('Slot start in IST, ISO 8601 with +05:30.'),
    end: z.string().describe('Slot end in IST, ISO 8601 with +05:30.'),
    date: z.string().describe('IST date, YYYY-MM-DD.'),
    when: z.string().describe('Start and end for people, IST with the weekday.'),
    available: z.boolean(),
    service_name: z.string().optional(),
    fee: z.number().optional().describe("The service's price (INR unless currency says otherwise)."),
    currency: z.string().optional(),
  });
export type Slot = z.infer<ReturnType<typeof slotSchema>>;

/** Maps one Eka appointment record. */
export function toAppointment(r: AppointmentRecord): Appointment {
  return compact({
    appointment_id: r.appointment_id,
    patient_id: r.patient_id,
    doctor_id: r.doctor_id,
    clinic_id: r.clinic_id,
    status: r.status,
    status_text: r.status ? APPOINTMENT_STATUS[r.status] : undefined,
    mode: r.mode,
    start_time: r.start_time,
    end_time: r.end_time,
    start: r.start_time !== undefined ? toIstIso(r.start_time) : undefined,
    end: r.end_time !== undefined ? toIstIso(r.end_time) : undefined,
    notes: r.notes,
    when: r.start_time !== undefined ? istWhen(r.start_time, r.end_time) : undefined,
  });
}

/** Adds the patient, doctor and clinic names to appointments (cached lookups; ids stay). */
export async function withNames(
  client: EkaClient,
  appointments: Appointment[],
  scope?: CallScope,
): Promise<Appointment[]> {
  if (appointments.length === 0) return appointments;
  const [practice, patients] = await Promise.all([
    practiceNames(client, scope),
    patientNames(
      client,
      appointments.flatMap((a) => (a.patient_id && !a.patient_name ? [a.patient_id] : [])),
      scope,
    ),
  ]);
  return appointments.map((a) =>
    compact({
      ...a,
      patient_name: a.patient_name ?? (a.patient_id ? patients.get(a.patient_id) : undefined),
      doctor_name: a.doctor_name ?? (a.doctor_id ? practice.doctors.get(a.doctor_id) : undefined),
      clinic_name: a.clinic_name ?? (a.clinic_id ? practice.clinics.get(a.clinic_id) : undefined),
    }),
  );
}

/** A fee as people read it: "₹600" for rupees, else the amount after its currency code. */
export function formatFee(fee: number, currency?: string): string {
  const amount = fee.toLocaleString('en-IN', { maximumFractionDigits: 2 });
  return !currency || currency.toUpperCase() === 'INR' ? `₹${amount}` : `${currency} ${amount}`;
}

/** "Name (label id)", or just the id when the name is unknown. */
export function named(name: string | undefined, label: string, id: string): string {
  return name ? `${name} (${label} ${id})` : `${label} ${id}`;
}

const MODE_WORDS: Record<string, string> = {
  in_clinic: 'in clinic',
  INCLINIC: 'in clinic',
  tele: 'teleconsultation',
  VIDEO: 'video',
  PHONE: 'phone',
};

/** A mode code in words, keeping the code: "in clinic (INCLINIC)". */
export function modeText(mode: string): string {
  const word = MODE_WORDS[mode];
  return word ? `${word} (${mode})` : mode;
}

/** One readable line for an appointment: when, who, with whom, where, status, then the ids. */
export function describeAppointment(a: Appointment): string {
  const parts: string[] = [];
  parts.push(a.when ?? 'time not given');
  const who: string[] = [];
  if (a.patient_id) who.push(named(a.patient_name, 'patient_id', a.patient_id));
  if (a.doctor_id) who.push(`with ${named(a.doctor_name, 'doctor_id', a.doctor_id)}`);
  if (a.clinic_id) who.push(`at ${named(a.clinic_name, 'clinic_id', a.clinic_id)}`);
  const bits = [who.join(' ')].filter(Boolean);
  if (a.status) bits.push(a.status_text ? `${a.status_text} (status ${a.status})` : `status ${a.status}`);
  if (a.mode) bits.push(modeText(a.mode));
  bits.push(`appointment_id ${a.appointment_id}`);
  if (a.notes) bits.push(`notes: ${a.notes}`);
  return `${parts[0]}: ${bits.join('; ')}`;
}

/** Flattens a slot reply into slots sorted by start, each with its service's name and price. */
export function slotsFromSchedule(reply: CallOutput<typeof appointmentSlots>, clinicId: string): Slot[] {
  const { schedule, services = {} } = reply.data;
  const groups = schedule[clinicId] ?? Object.values(schedule).flat();
  const slots: Slot[] = [];
  for (const group of groups) {
    for (const slot of group.slots) {
      const start = toEpochSeconds(slot.s);
      const end = toEpochSeconds(slot.e);
      if (start === undefined || end === undefined) continue;
      const service = slot.conf_id ? services[slot.conf_id] : undefined;
      slots.push(
        compact({
          start_time: start,
          end_time: end,
          start: toIstIso(start),
          end: toIstIso(end),
          date: istDateOf(start),
          when: istWhen(start, end),
          available: slot.available,
          service_name: service?.service_name ?? group.service_type,
          fee: typeof service?.price === 'number' ? service.price : undefined,
          currency: service?.currency,
        }),
      );
    }
  }
  return slots.sort((a, b) => a.start_time - b.start_time);
}

/** How many days (inclusive) one slot query asks for; longer ranges are split. */
export const SLOT_QUERY_DAYS = 7;

/** Fetches slots for an inclusive IST date range, split into queries of at most a week. */
export async function fetchSlots(
  client: EkaClient,
  query: { doctorId: string; clinicId: string; from: string; to: string; scope?: CallScope },
): Promise<Slot[]> {
  const chunks: Array<[string, string]> = [];
  for (let from = query.from; daysBetween(from, query.to) >= 0; from = addDays(from, SLOT_QUERY_DAYS)) {
    const to =
      daysBetween(addDays(from, SLOT_QUERY_DAYS - 1), query.to) < 0
        ? query.to
        : addDays(from, SLOT_QUERY_DAYS - 1);
    chunks.push([from, to]);
  }
  const replies = await Promise.all(
    chunks.map(([from, to]) =>
      client.call(appointmentSlots, {
        params: { doctor_id: query.doctorId, clinic_id: query.clinicId },
        query: { start_date: from, end_date: to },
        notFoundMessage: 'Eka knows no such doctor at that clinic: check the ids with get_business_entities',
        scope: query.scope,
      }),
    ),
  );
  return replies
    .flatMap((reply) => slotsFromSchedule(reply, query.clinicId))
    .sort((a, b) => a.start_time - b.start_time);
}
