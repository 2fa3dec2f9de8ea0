/**
 * Reading Eka's appointment and slot records into the tools' shapes: epoch
 * seconds plus the same instant as IST ISO text, so the model never has to
 * convert time zones itself.
 */
import { z } from 'zod/v4';
import type { EkaClient } from '../eka/client';
import { addDays, daysBetween, istDateOf, toEpochSeconds, toIstIso } from './ist-time';
import { arr, compact, obj, str } from './tool-kit';

export const appointmentSchema = () =>
  z.object({
    appointment_id: z.string(),
    patient_id: z.string().optional(),
    doctor_id: z.string().optional(),
    clinic_id: z.string().optional(),
    status: z.string().optional(),
    mode: z.string().optional(),
    start_time: z.number().int().optional().describe('Start, epoch seconds.'),
    end_time: z.number().int().optional().describe('End, epoch seconds.'),
    start: z.string().optional().describe('Start in IST, ISO 8601 with +05:30.'),
    end: z.string().optional().describe('End in IST, ISO 8601 with +05:30.'),
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
    fee: z.number().optional(),
  });
export type Slot = z.infer<ReturnType<typeof slotSchema>>;

/** Maps one Eka appointment record. */
export function toAppointment(raw: unknown): Appointment {
  const r = obj(raw);
  const details = obj(r.appointment_details);
  const start = toEpochSeconds(r.start_time ?? details.start_time);
  const end = toEpochSeconds(r.end_time ?? details.end_time);
  return compact({
    appointment_id: str(r.appointment_id ?? r.id) ?? '',
    patient_id: str(r.patient_id),
    doctor_id: str(r.doctor_id),
    clinic_id: str(r.clinic_id),
    status: str(r.status),
    mode: str(r.mode ?? details.mode),
    start_time: start,
    end_time: end,
    start: start !== undefined ? toIstIso(start) : undefined,
    end: end !== undefined ? toIstIso(end) : undefined,
  });
}

/** Appointment records from a /dr/v1/appointment reply. */
export function appointmentList(raw: unknown): Appointment[] {
  const r = obj(raw);
  const data = r.data;
  const items = Array.isArray(raw)
    ? raw
    : Array.isArray(data)
      ? data
      : arr(r.appointments ?? obj(data).appointments);
  return items.map(toAppointment).filter((a) => a.appointment_id);
}

/** A one-line description of an appointment for the readable text. */
export function describeAppointment(a: Appointment): string {
  const bits = [`${a.appointment_id}`];
  if (a.start) bits.push(a.start);
  if (a.status) bits.push(a.status);
  if (a.mode) bits.push(a.mode);
  if (a.patient_id) bits.push(`patient ${a.patient_id}`);
  if (a.doctor_id) bits.push(`doctor ${a.doctor_id}`);
  return bits.join(', ');
}

/** Flattens a slot reply ({data: {schedule: {<clinic>: [{service_name, fee, slots}]}}}) into slots sorted by start. */
export function slotsFromSchedule(raw: unknown, clinicId: string): Slot[] {
  const schedule = obj(obj(obj(raw).data).schedule ?? obj(raw).schedule);
  const services = clinicId in schedule ? arr(schedule[clinicId]) : Object.values(schedule).flatMap(arr);
  const slots: Slot[] = [];
  for (const service of services.map(obj)) {
    for (const slot of arr(service.slots).map(obj)) {
      const start = toEpochSeconds(slot.s ?? slot.start ?? slot.start_time);
      const end = toEpochSeconds(slot.e ?? slot.end ?? slot.end_time);
      if (start === undefined || end === undefined) continue;
      slots.push(
        compact({
          start_time: start,
          end_time: end,
          start: toIstIso(start),
          end: toIstIso(end),
          date: istDateOf(start),
          available: slot.available === true || slot.available === 'true' || slot.available === 1,
          service_name: str(service.service_name),
          fee: typeof service.fee === 'number' ? service.fee : undefined,
        }),
      );
    }
  }
  return slots.sort((a, b) => a.start_time - b.start_time);
}

/** Longest span Eka's slot endpoint accepts in one query, in days (inclusive). */
export const SLOT_QUERY_DAYS = 10;

/** Fetches slots for an inclusive IST date range, split into queries Eka accepts. */
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
      client.request({
        method: 'GET',
        path: `/dr/v1/doctor/${encodeURIComponent(query.doctorId)}/clinic/${encodeURIComponent(query.clinicId)}/appointment/slot`,
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
