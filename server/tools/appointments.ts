/**
 * Appointment tools: free dates and slots of a doctor at a clinic, booking
 * (slot checked first; nearest free alternatives when taken), listing,
 * completing and cancelling appointments.
 */
import { z } from 'zod/v4';
import type { EkaClient } from '../eka/client';
import { EkaInputError } from '../errors';
import {
  type Appointment,
  appointmentList,
  appointmentSchema,
  describeAppointment,
  fetchSlots,
  type Slot,
  slotSchema,
} from './appointment-records';
import { dateField, idField, pageNoField } from './fields';
import { addDays, daysBetween, istDateOf, todayIst, toIstIso } from './ist-time';
import { compact, obj, runTool, str, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const doctorIdField = () => idField('doctor_id').describe('Eka doctor id, from get_business_entities.');
const clinicIdField = () => idField('clinic_id').describe('Eka clinic id, from get_business_entities.');
const appointmentIdField = () =>
  idField('appointment_id').describe(
    'Eka appointment id, from show_appointments_basic or get_patient_appointments_basic.',
  );

/** How many alternatives book_appointment offers when a slot is taken. */
const ALTERNATIVES = 5;
/** How far ahead (days) book_appointment looks for alternatives. */
const ALTERNATIVE_DAYS = 7;

function checkRange(from: string, to: string, maxDays: number): void {
  const span = daysBetween(from, to);
  if (span < 0)
    throw new EkaInputError(
      `end_date ${to} is before start_date ${from}: give end_date on or after start_date.`,
    );
  if (span >= maxDays) {
    throw new EkaInputError(
      `The range ${from} to ${to} spans ${span + 1} days; at most ${maxDays} days per call. Split it into shorter ranges.`,
    );
  }
}

function slotLine(slot: Slot): string {
  return `${slot.start.slice(11, 16)}-${slot.end.slice(11, 16)} IST (start_time ${slot.start_time})${slot.service_name ? `, ${slot.service_name}` : ''}${slot.fee !== undefined ? `, fee ${slot.fee}` : ''}`;
}

async function nearestFree(
  client: EkaClient,
  q: { doctorId: string; clinicId: string; around: number; nowSec: number; signal?: AbortSignal },
): Promise<Slot[]> {
  const from = istDateOf(Math.max(q.around, q.nowSec));
  const slots = await fetchSlots(client, {
    doctorId: q.doctorId,
    clinicId: q.clinicId,
    from,
    to: addDays(from, ALTERNATIVE_DAYS - 1),
    signal: q.signal,
  });
  return slots
    .filter((s) => s.available && s.start_time > q.nowSec && s.start_time !== q.around)
    .sort(
      (a, b) =>
        Math.abs(a.start_time - q.around) - Math.abs(b.start_time - q.around) || a.start_time - b.start_time,
    )
    .slice(0, ALTERNATIVES)
    .sort((a, b) => a.start_time - b.start_time);
}

function pageInfo(raw: unknown, pageNo: number): { next_page: number | null } {
  const r = obj(raw);
  const meta = obj(r.currPageMeta ?? r.page ?? r.pagination);
  const next = r.next_page ?? r.nextPage ?? meta.nextPage ?? meta.next_page;
  if (typeof next === 'number') return { next_page: next };
  if (next === null || next === false) return { next_page: null };
  const hasMore = r.has_more ?? r.hasMore ?? meta.has_more;
  if (typeof hasMore === 'boolean') return { next_page: hasMore ? pageNo + 1 : null };
  return { next_page: null };
}

function listText(appointments: Appointment[], next: number | null, tool: string): string {
  const lines = appointments.map((a) => `- ${describeAppointment(a)}`).join('\n');
  const head =
    appointments.length === 0 ? 'No appointments found.' : `${appointments.length} appointment(s):\n${lines}`;
  return next !== null ? `${head}\nMore appointments: call ${tool} again with page_no=${next}.` : head;
}

const listOutput = () => ({
  appointments: z.array(appointmentSchema()),
  page_no: z.number().int(),
  next_page: z
    .number()
    .int()
    .nullable()
    .describe('Pass as page_no to get more; null when there are no more.'),
});

/** Registers get_available_dates, get_appointment_slots, book_appointment, show_appointments_basic, get_patient_appointments_basic, complete_appointment and cancel_appointment. */
export function registerAppointmentTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;

  tools.define(
    'get_available_dates',
    () => ({
      title: 'Dates with free slots',
      description:
        'Which IST dates have at least one free appointment slot for a doctor at a clinic, with the number of free slots per date. Use it to answer "when is Dr X free?", then get_appointment_slots for the times on a chosen date. Defaults to the next 7 days from today (IST); at most 31 days per call.',
      inputSchema: {
        doctor_id: doctorIdField(),
        clinic_id: clinicIdField(),
        start_date: dateField()
          .optional()
          .describe('First date to check, YYYY-MM-DD in IST (default today).'),
        end_date: dateField()
          .optional()
          .describe('Last date to check, YYYY-MM-DD in IST (default start_date + 6 days).'),
      },
      outputSchema: {
        dates: z.array(
          z.object({
            date: z.string().describe('YYYY-MM-DD (IST).'),
            free_slots: z.number().int(),
            first_free: z.string().describe('Earliest free slot start that day, IST ISO 8601.'),
          }),
        ),
        start_date: z.string(),
        end_date: z.string(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id, clinic_id, start_date, end_date }, extra) =>
      runTool('get_available_dates', deps, async () => {
        const from = start_date ?? todayIst(deps.now());
        const to = end_date ?? addDays(from, 6);
        checkRange(from, to, 31);
        const nowSec = Math.floor(deps.now() / 1000);
        const slots = await fetchSlots(client, {
          doctorId: doctor_id,
          clinicId: clinic_id,
          from,
          to,
          signal: extra.signal,
        });
        const byDate = new Map<string, Slot[]>();
        for (const slot of slots) {
          if (!slot.available || slot.end_time <= nowSec) continue;
          const list = byDate.get(slot.date) ?? [];
          list.push(slot);
          byDate.set(slot.date, list);
        }
        const dates = [...byDate.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([date, list]) => ({ date, free_slots: list.length, first_free: list[0]!.start }));
        const text =
          dates.length === 0
            ? `No free slots between ${from} and ${to}. Try a later range.`
            : `Free dates between ${from} and ${to}:\n${dates.map((d) => `- ${d.date}: ${d.free_slots} free, first at ${d.first_free.slice(11, 16)} IST`).join('\n')}`;
        return toolResult({ dates, start_date: from, end_date: to }, text);
      }),
  );

  tools.define(
    'get_appointment_slots',
    () => ({
      title: 'Appointment slots',
      description:
        "A doctor's appointment slots at a clinic for IST dates (default: today only; at most 10 days per call). Each slot has start_time/end_time in epoch seconds (pass start_time to book_appointment) and the same times in IST. By default only free slots are returned.",
      inputSchema: {
        doctor_id: doctorIdField(),
        clinic_id: clinicIdField(),
        start_date: dateField().optional().describe('First date, YYYY-MM-DD in IST (default today).'),
        end_date: dateField()
          .optional()
          .describe('Last date, YYYY-MM-DD in IST (default start_date); at most 10 days after start_date.'),
        only_available: z.boolean().default(true).describe('Return only free slots (default true).'),
      },
      outputSchema: { slots: z.array(slotSchema()), start_date: z.string(), end_date: z.string() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id, clinic_id, start_date, end_date, only_available }, extra) =>
      runTool('get_appointment_slots', deps, async () => {
        const from = start_date ?? todayIst(deps.now());
        const to = end_date ?? from;
        checkRange(from, to, 10);
        const all = await fetchSlots(client, {
          doctorId: doctor_id,
          clinicId: clinic_id,
          from,
          to,
          signal: extra.signal,
        });
        const slots = only_available ? all.filter((s) => s.available) : all;
        const text =
          slots.length === 0
            ? `No ${only_available ? 'free ' : ''}slots between ${from} and ${to}. get_available_dates finds dates with free slots.`
            : `${slots.length} ${only_available ? 'free ' : ''}slot(s) between ${from} and ${to}:\n${slots
                .map((s) => `- ${s.date} ${slotLine(s)}${s.available ? '' : ' [taken]'}`)
                .join('\n')}`;
        return toolResult({ slots, start_date: from, end_date: to }, text);
      }),
  );

  tools.define(
    'book_appointment',
    () => ({
      title: 'Book an appointment',
      description:
        "Book a patient into a doctor's slot at a clinic. start_time is the slot's start in epoch seconds exactly as returned by get_appointment_slots. The slot is checked first: if it is taken or does not exist, nothing is booked and the nearest free alternatives are returned (booked=false) so you can offer them to the clinician.",
      inputSchema: {
        patient_id: idField('patient_id').describe('Eka patient id, from search_patients.'),
        doctor_id: doctorIdField(),
        clinic_id: clinicIdField(),
        start_time: z
          .number()
          .int('start_time must be whole epoch seconds, as returned by get_appointment_slots.')
          .min(
            1_000_000_000,
            'start_time must be epoch seconds (10 digits), e.g. 1767590400; not milliseconds or a date string.',
          )
          .max(9_999_999_999, 'start_time must be epoch seconds (10 digits), not milliseconds.')
          .describe('Slot start, epoch seconds, from get_appointment_slots.'),
        end_time: z
          .number()
          .int()
          .min(1_000_000_000)
          .max(9_999_999_999)
          .optional()
          .describe("Slot end, epoch seconds (default: the slot's own end)."),
        mode: z
          .enum(['INCLINIC', 'VIDEO', 'AUDIO'], { message: 'mode must be INCLINIC, VIDEO or AUDIO.' })
          .default('INCLINIC')
          .describe('INCLINIC (default), VIDEO or AUDIO consultation.'),
        reason: z.string().trim().max(500).optional().describe('Reason for the visit (optional).'),
      },
      outputSchema: {
        booked: z.boolean(),
        appointment_id: z.string().optional(),
        start_time: z.number().int().optional(),
        end_time: z.number().int().optional(),
        start: z.string().optional().describe('IST ISO 8601.'),
        reason_not_booked: z.enum(['slot_taken', 'no_such_slot']).optional(),
        alternatives: z
          .array(slotSchema())
          .optional()
          .describe('Nearest free slots when the requested one was not available.'),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    }),
    async (args, extra) =>
      runTool('book_appointment', deps, async () => {
        const nowSec = Math.floor(deps.now() / 1000);
        if (args.start_time <= nowSec) {
          throw new EkaInputError(
            `start_time ${args.start_time} (${toIstIso(args.start_time)}) is in the past: pick a future slot from get_appointment_slots.`,
          );
        }
        if (args.end_time !== undefined && args.end_time <= args.start_time) {
          throw new EkaInputError('end_time must be after start_time.');
        }
        const ids = { doctorId: args.doctor_id, clinicId: args.clinic_id, signal: extra.signal };
        const date = istDateOf(args.start_time);
        const daySlots = await fetchSlots(client, { ...ids, from: date, to: date });
        const slot = daySlots.find((s) => s.start_time === args.start_time);

        const notBooked = async (why: 'slot_taken' | 'no_such_slot') => {
          const alternatives = await nearestFree(client, { ...ids, around: args.start_time, nowSec });
          const what =
            why === 'slot_taken'
              ? `The slot at ${toIstIso(args.start_time)} is already taken; nothing was booked.`
              : `There is no slot starting at ${toIstIso(args.start_time)} for this doctor and clinic; nothing was booked.`;
          const offer =
            alternatives.length === 0
              ? ` No free slots in the next ${ALTERNATIVE_DAYS} days; try get_available_dates for later dates.`
              : ` Nearest free slots:\n${alternatives.map((s) => `- ${s.date} ${slotLine(s)}`).join('\n')}\nAsk the clinician which one to book.`;
          return toolResult({ booked: false, reason_not_booked: why, alternatives }, what + offer);
        };

        if (!slot) return notBooked('no_such_slot');
        if (!slot.available) return notBooked('slot_taken');
        const endTime = args.end_time ?? slot.end_time;
        let raw: unknown;
        try {
          raw = await client.request({
            method: 'POST',
            path: '/dr/v1/appointment',
            body: {
              clinic_id: args.clinic_id,
              doctor_id: args.doctor_id,
              patient_id: args.patient_id,
              appointment_details: compact({
                start_time: args.start_time,
                end_time: endTime,
                mode: args.mode,
                reason: args.reason,
              }),
            },
            notFoundMessage: 'Eka does not know that patient, doctor or clinic: check the ids',
            signal: extra.signal,
          });
        } catch (error) {
          if ((error as { code?: string }).code === 'conflict') return notBooked('slot_taken');
          throw error;
        }
        const r = obj(raw);
        const appointmentId = str(r.appointment_id ?? obj(r.data).appointment_id ?? r.id);
        if (!appointmentId) {
          throw new EkaInputError(
            'Eka accepted the booking but returned no appointment id: check with get_patient_appointments_basic before booking again.',
          );
        }
        return toolResult(
          {
            booked: true,
            appointment_id: appointmentId,
            start_time: args.start_time,
            end_time: endTime,
            start: toIstIso(args.start_time),
          },
          `Booked appointment ${appointmentId} for patient ${args.patient_id} on ${toIstIso(args.start_time)} (${args.mode}).`,
        );
      }),
  );

  tools.define(
    'show_appointments_basic',
    () => ({
      title: 'Appointments by date',
      description:
        "The practice's appointments in an IST date range (default: today; at most 10 days per call), optionally for one doctor or clinic. Paginated: when next_page is set, call again with page_no = next_page.",
      inputSchema: {
        doctor_id: doctorIdField().optional(),
        clinic_id: clinicIdField().optional(),
        start_date: dateField().optional().describe('First date, YYYY-MM-DD in IST (default today).'),
        end_date: dateField()
          .optional()
          .describe('Last date, YYYY-MM-DD in IST (default start_date); at most 10 days after start_date.'),
        page_no: pageNoField(),
      },
      outputSchema: listOutput(),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id, clinic_id, start_date, end_date, page_no }, extra) =>
      runTool('show_appointments_basic', deps, async () => {
        const from = start_date ?? todayIst(deps.now());
        const to = end_date ?? from;
        checkRange(from, to, 10);
        const raw = await client.request({
          method: 'GET',
          path: '/dr/v1/appointment',
          query: { doctor_id, clinic_id, start_date: from, end_date: to, page_no },
          signal: extra.signal,
        });
        const appointments = appointmentList(raw);
        const { next_page } = pageInfo(raw, page_no);
        return toolResult(
          { appointments, page_no, next_page },
          listText(appointments, next_page, 'show_appointments_basic'),
        );
      }),
  );

  tools.define(
    'get_patient_appointments_basic',
    () => ({
      title: "A patient's appointments",
      description:
        "One patient's appointments (past and upcoming), optionally limited to an IST date range of at most 10 days (give start_date for the 10 days from it). Paginated: when next_page is set, call again with page_no = next_page.",
      inputSchema: {
        patient_id: idField('patient_id').describe('Eka patient id, from search_patients.'),
        start_date: dateField().optional().describe('First date, YYYY-MM-DD in IST (optional).'),
        end_date: dateField().optional().describe('Last date, YYYY-MM-DD in IST (optional).'),
        page_no: pageNoField(),
      },
      outputSchema: listOutput(),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id, start_date, end_date, page_no }, extra) =>
      runTool('get_patient_appointments_basic', deps, async () => {
        // Eka wants both ends of a range (at most 10 days) or neither.
        const from = start_date ?? (end_date ? addDays(end_date, -9) : undefined);
        const to = end_date ?? (start_date ? addDays(start_date, 9) : undefined);
        if (from && to) checkRange(from, to, 10);
        const raw = await client.request({
          method: 'GET',
          path: '/dr/v1/appointment',
          query: { patient_id, start_date: from, end_date: to, page_no },
          signal: extra.signal,
        });
        const appointments = appointmentList(raw);
        const { next_page } = pageInfo(raw, page_no);
        return toolResult(
          { appointments, page_no, next_page },
          listText(appointments, next_page, 'get_patient_appointments_basic'),
        );
      }),
  );

  const statusChange =
    (action: 'complete' | 'cancel') =>
    async ({ appointment_id }: { appointment_id: string }, extra: { signal: AbortSignal }) =>
      runTool(`${action}_appointment`, deps, async () => {
        const raw = obj(
          await client.request({
            method: action === 'complete' ? 'POST' : 'PUT',
            path: `/dr/v1/appointment/${encodeURIComponent(appointment_id)}/${action}`,
            idempotent: true,
            notFoundMessage: `No appointment with id ${appointment_id}: find it with show_appointments_basic`,
            signal: extra.signal,
          }),
        );
        // Eka's own status words, as show_appointments_basic lists them.
        const status = action === 'complete' ? 'COMPLETED' : 'CANCELLED';
        const word = status.toLowerCase();
        const message = str(raw.message) ?? `Appointment ${word}.`;
        return toolResult(
          { appointment_id, status, message },
          `Appointment ${appointment_id} ${word}. ${message}`,
        );
      });

  const statusOutput = () => ({
    appointment_id: z.string(),
    status: z.enum(['COMPLETED', 'CANCELLED']).describe("Eka's status word, as in show_appointments_basic."),
    message: z.string(),
  });

  tools.define(
    'complete_appointment',
    () => ({
      title: 'Mark an appointment completed',
      description: 'Mark an appointment as completed once the consultation is over.',
      inputSchema: { appointment_id: appointmentIdField() },
      outputSchema: statusOutput(),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    }),
    statusChange('complete'),
  );

  tools.define(
    'cancel_appointment',
    () => ({
      title: 'Cancel an appointment',
      description:
        'Cancel an appointment; the slot becomes free again. This cannot be undone: confirm with the clinician before calling.',
      inputSchema: { appointment_id: appointmentIdField() },
      outputSchema: statusOutput(),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    }),
    statusChange('cancel'),
  );
}
