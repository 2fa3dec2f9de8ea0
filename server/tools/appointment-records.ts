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
import { addDays, daysBetween, istDateOf, toEpochSeconds, toIstIso } from './ist-time';
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
  });
}

/** A one-line description of an appointment for the readable text. */
export function describeAppointment(a: Appointment): string {
  const bits = [`${a.appointment_id}`];
  if (a.start) bits.push(a.start);
  if (a.status) bits.push(a.status_text ? `${a.status} (${a.status_text})` : a.status);
  if (a.mode) bits.push(a.mode);
  if (a.patient_id) bits.push(`patient ${a.patient_id}`);
  if (a.doctor_id) bits.push(`doctor ${a.doctor_id}`);
  return bits.join(', ');
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
  query: { doctorId: string; clinicId: string; from: string; to: string; signal?: AbortSignal },
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
        signal: query.signal,
      }),
    ),
  );
  return replies
    .flatMap((reply) => slotsFromSchedule(reply, query.clinicId))
    .sort((a, b) => a.start_time - b.start_time);
}
