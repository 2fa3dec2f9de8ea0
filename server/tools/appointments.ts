/**
 * Appointment tools: free dates and slots of a doctor at a clinic, booking
 * and rescheduling (slot checked first; nearest free alternatives when
 * taken), listing, details, completing and cancelling appointments.
 */
import { z } from 'zod/v4';
import {
  APPOINTMENT_STATUS,
  appointmentDetails,
  appointmentPageLimit,
  BOOKING_MODES,
  bookAppointment,
  cancelAppointment,
  completeAppointment,
  listAppointments,
  MAX_LISTING_DAYS,
  rescheduleAppointment,
} from '../eka/api/appointments';
import type { EkaClient } from '../eka/client';
import type { CallScope } from '../eka/token-source';
import { EkaInputError } from '../errors';
import {
  type Appointment,
  appointmentSchema,
  describeAppointment,
  fetchSlots,
  formatFee,
  modeText,
  named,
  type Slot,
  slotSchema,
  toAppointment,
  withNames,
} from './appointment-records';
import { dateField, idField, pageNoField } from './fields';
import { addDays, daysBetween, istClock, istDateOf, istDay, istWhen, todayIst, toIstIso } from './ist-time';
import { patientNames, practiceNames } from './practice-names';
import { compact, runTool, type ToolDeps, toolResult } from './tool-kit';
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
  return `${slot.when} (start_time ${slot.start_time})${slot.service_name ? `, ${slot.service_name}` : ''}${slot.fee !== undefined ? `, ${formatFee(slot.fee, slot.currency)}` : ''}`;
}

/** The doctor and clinic an answer is about, by name where the practice names them. */
async function whoWhere(client: EkaClient, doctorId: string, clinicId: string, scope?: CallScope) {
  const names = await practiceNames(client, scope);
  const doctor_name = names.doctors.get(doctorId);
  const clinic_name = names.clinics.get(clinicId);
  return {
    names: compact({ doctor_name, clinic_name }),
    text: `${named(doctor_name, 'doctor_id', doctorId)} at ${named(clinic_name, 'clinic_id', clinicId)}`,
  };
}

/** Why a day in a range has no free slot, in the tool's code and in words. */
function noSlotReason(daySlots: Slot[], nowSec: number): { reason: NoSlotReason; explanation: string } {
  if (daySlots.length === 0) {
    return {
      reason: 'no_consulting_hours',
      explanation:
        'no consulting hours: Eka publishes no slots for this doctor at this clinic that day (not a consulting day, or outside the published schedule)',
    };
  }
  if (daySlots.every((s) => s.end_time <= nowSec || !s.available) && daySlots.some((s) => s.available)) {
    return { reason: 'past', explanation: 'the remaining free slots of that day are already over' };
  }
  return { reason: 'fully_booked', explanation: `fully booked (all ${daySlots.length} slots taken)` };
}
type NoSlotReason = 'no_consulting_hours' | 'fully_booked' | 'past';

async function nearestFree(
  client: EkaClient,
  q: { doctorId: string; clinicId: string; around: number; nowSec: number; scope?: CallScope },
): Promise<Slot[]> {
  const from = istDateOf(Math.max(q.around, q.nowSec));
  const slots = await fetchSlots(client, {
    doctorId: q.doctorId,
    clinicId: q.clinicId,
    from,
    to: addDays(from, ALTERNATIVE_DAYS - 1),
    scope: q.scope,
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

/** Eka's listing has no next-page field: a full page means there may be more. */
function nextPage(count: number, query: Parameters<typeof appointmentPageLimit>[0], pageNo: number) {
  return count >= appointmentPageLimit(query) ? pageNo + 1 : null;
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
    .describe('Pass as page_no to get more (Eka sent a full page); null when there are no more.'),
});

/** Eka's `partner_id` query: "0" because the tools pass Eka's own appointment ids. */
const EKA_IDS = { partner_id: '0' } as const;

/** Who and what a booking is for (ids beside names) and its fee: shared by book and reschedule. */
function bookingPartiesOutput() {
  return {
    patient_id: z.string().optional(),
    patient_name: z.string().optional(),
    doctor_id: z.string().optional(),
    doctor_name: z.string().optional(),
    clinic_id: z.string().optional(),
    clinic_name: z.string().optional(),
    mode: z.string().optional(),
    service_name: z.string().optional(),
    fee: z.number().optional(),
    currency: z.string().optional(),
  };
}

/** Registers get_available_dates, get_appointment_slots, book_appointment, reschedule_appointment, show_appointments_basic, get_patient_appointments_basic, get_appointment_details, complete_appointment and cancel_appointment. */
export function registerAppointmentTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;

  tools.define(
    'get_available_dates',
    () => ({
      title: 'Dates with free slots',
      description:
        'Which IST dates have at least one free appointment slot for a doctor at a clinic, with the number of free slots per date. Every other date of the range is listed with why it has no free slot (no consulting hours, fully booked, or over). Use it to answer "when is Dr X free?", then get_appointment_slots for the times on a chosen date. Defaults to the next 7 days from today (IST); at most 31 days per call.',
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
            day: z.string().describe('The date with its weekday, e.g. "Wed 2 Dec 2026".'),
            free_slots: z.number().int(),
            first_free: z.string().describe('Earliest free slot start that day, IST ISO 8601.'),
          }),
        ),
        days_without_free_slots: z
          .array(
            z.object({
              date: z.string().describe('YYYY-MM-DD (IST).'),
              day: z.string(),
              reason: z
                .enum(['no_consulting_hours', 'fully_booked', 'past'])
                .describe(
                  'no_consulting_hours: no slots published that day; fully_booked: every slot taken; past: the free slots are over.',
                ),
              explanation: z.string(),
            }),
          )
          .describe('Every other date of the range, with why it has no free slot.'),
        start_date: z.string(),
        end_date: z.string(),
        doctor_name: z.string().optional(),
        clinic_name: z.string().optional(),
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
          scope: extra,
        });
        const who = await whoWhere(client, doctor_id, clinic_id, extra);
        const dates: { date: string; day: string; free_slots: number; first_free: string }[] = [];
        const without: { date: string; day: string; reason: NoSlotReason; explanation: string }[] = [];
        const lines: string[] = [];
        for (let date = from; daysBetween(date, to) >= 0; date = addDays(date, 1)) {
          const day = istDay(date);
          const ofDay = slots.filter((s) => s.date === date);
          const free = ofDay.filter((s) => s.available && s.end_time > nowSec);
          if (free.length > 0) {
            dates.push({ date, day, free_slots: free.length, first_free: free[0]!.start });
            lines.push(`- ${day}: ${free.length} free, first at ${istClock(free[0]!.start_time)} IST`);
          } else {
            const why = noSlotReason(ofDay, nowSec);
            without.push({ date, day, ...why });
            lines.push(`- ${day}: no free slot: ${why.explanation}`);
          }
        }
        const head =
          dates.length === 0
            ? `No free slots for ${who.text} from ${istDay(from)} to ${istDay(to)}. Try a later range.`
            : `Free dates for ${who.text}, ${istDay(from)} to ${istDay(to)}:`;
        return toolResult(
          { dates, days_without_free_slots: without, start_date: from, end_date: to, ...who.names },
          `${head}\n${lines.join('\n')}`,
        );
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
      outputSchema: {
        slots: z.array(slotSchema()),
        start_date: z.string(),
        end_date: z.string(),
        doctor_name: z.string().optional(),
        clinic_name: z.string().optional(),
      },
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
          scope: extra,
        });
        const slots = only_available ? all.filter((s) => s.available) : all;
        const who = await whoWhere(client, doctor_id, clinic_id, extra);
        const range = from === to ? istDay(from) : `${istDay(from)} to ${istDay(to)}`;
        const kind = only_available ? 'free ' : '';
        const text =
          slots.length === 0
            ? `No ${kind}slots for ${who.text} on ${range}${all.length === 0 ? ' (Eka publishes no slots: no consulting hours then)' : ' (all taken)'}. get_available_dates finds dates with free slots.`
            : `${slots.length} ${kind}slot(s) for ${who.text}, ${range}:\n${slots
                .map((s) => `- ${slotLine(s)}${s.available ? '' : ' [taken]'}`)
                .join('\n')}`;
        return toolResult({ slots, start_date: from, end_date: to, ...who.names }, text);
      }),
  );

  const startTimeField = (what: string) =>
    z
      .number()
      .int(`${what} must be whole epoch seconds, as returned by get_appointment_slots.`)
      .min(
        1_000_000_000,
        `${what} must be epoch seconds (10 digits), e.g. 1767590400; not milliseconds or a date string.`,
      )
      .max(9_999_999_999, `${what} must be epoch seconds (10 digits), not milliseconds.`);
  const endTimeField = () =>
    z
      .number()
      .int()
      .min(1_000_000_000)
      .max(9_999_999_999)
      .optional()
      .describe("Slot end, epoch seconds (default: the slot's own end).");
  const notAvailableOutput = () => ({
    reason_not_booked: z.enum(['slot_taken', 'no_such_slot']).optional(),
    alternatives: z
      .array(slotSchema())
      .optional()
      .describe('Nearest free slots when the requested one was not available.'),
  });

  /** Checks that a future slot starts at `start` and is free; else the nearest free alternatives. */
  async function freeSlot(q: {
    doctorId: string;
    clinicId: string;
    start: number;
    end?: number;
    scope: CallScope;
    action: string;
  }): Promise<{ slot: Slot } | { refused: ReturnType<typeof toolResult> }> {
    const nowSec = Math.floor(deps.now() / 1000);
    if (q.start <= nowSec) {
      throw new EkaInputError(
        `start_time ${q.start} (${istWhen(q.start)}) is in the past: pick a future slot from get_appointment_slots.`,
      );
    }
    if (q.end !== undefined && q.end <= q.start)
      throw new EkaInputError('end_time must be after start_time.');
    const ids = { doctorId: q.doctorId, clinicId: q.clinicId, scope: q.scope };
    const date = istDateOf(q.start);
    const slot = (await fetchSlots(client, { ...ids, from: date, to: date })).find(
      (s) => s.start_time === q.start,
    );
    if (slot?.available) return { slot };
    const why = slot ? 'slot_taken' : 'no_such_slot';
    const alternatives = await nearestFree(client, { ...ids, around: q.start, nowSec });
    const what =
      why === 'slot_taken'
        ? `The slot on ${istWhen(q.start)} is already taken; nothing was ${q.action}.`
        : `There is no slot starting ${istWhen(q.start)} for this doctor and clinic; nothing was ${q.action}.`;
    const offer =
      alternatives.length === 0
        ? ` No free slots in the next ${ALTERNATIVE_DAYS} days; try get_available_dates for later dates.`
        : ` Nearest free slots:\n${alternatives.map((s) => `- ${slotLine(s)}`).join('\n')}\nAsk the clinician which one to take.`;
    return { refused: toolResult({ reason_not_booked: why, alternatives }, what + offer) };
  }

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
        start_time: startTimeField('start_time').describe(
          'Slot start, epoch seconds, from get_appointment_slots.',
        ),
        end_time: endTimeField(),
        mode: z
          .enum(BOOKING_MODES, { message: `mode must be ${BOOKING_MODES.join(', ')}.` })
          .default('INCLINIC')
          .describe('INCLINIC (default), PHONE or VIDEO consultation.'),
        notes: z
          .string()
          .trim()
          .max(2000)
          .optional()
          .describe('Notes saved with the appointment, e.g. the reason for the visit (optional).'),
      },
      outputSchema: {
        booked: z.boolean(),
        appointment_id: z.string().optional(),
        start_time: z.number().int().optional(),
        end_time: z.number().int().optional(),
        start: z.string().optional().describe('IST ISO 8601.'),
        when: z.string().optional().describe('Start and end for people, IST with the weekday.'),
        ...bookingPartiesOutput(),
        ...notAvailableOutput(),
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
        const checked = await freeSlot({
          doctorId: args.doctor_id,
          clinicId: args.clinic_id,
          start: args.start_time,
          end: args.end_time,
          scope: extra,
          action: 'booked',
        });
        if ('refused' in checked) {
          return {
            ...checked.refused,
            structuredContent: {
              booked: false,
              ...(checked.refused.structuredContent as Record<string, unknown> | undefined),
            },
          };
        }
        const endTime = args.end_time ?? checked.slot.end_time;
        let appointmentId: string;
        try {
          ({ appointment_id: appointmentId } = await client.call(bookAppointment, {
            body: compact({
              clinic_id: args.clinic_id,
              doctor_id: args.doctor_id,
              patient_id: args.patient_id,
              appointment_details: { start_time: args.start_time, end_time: endTime, mode: args.mode },
              notes: args.notes,
            }),
            notFoundMessage: 'Eka does not know that patient, doctor or clinic: check the ids',
            scope: extra,
          }));
        } catch (error) {
          if ((error as { code?: string }).code === 'conflict') {
            return toolResult(
              { booked: false, reason_not_booked: 'slot_taken', alternatives: [] },
              'The slot was taken just now; nothing was booked. Fetch the slots again and pick another one.',
            );
          }
          throw error;
        }
        const [who, patients] = await Promise.all([
          whoWhere(client, args.doctor_id, args.clinic_id, extra),
          patientNames(client, [args.patient_id], extra),
        ]);
        const booking = compact({
          booked: true,
          appointment_id: appointmentId,
          start_time: args.start_time,
          end_time: endTime,
          start: toIstIso(args.start_time),
          when: istWhen(args.start_time, endTime),
          patient_id: args.patient_id,
          patient_name: patients.get(args.patient_id),
          doctor_id: args.doctor_id,
          clinic_id: args.clinic_id,
          ...who.names,
          mode: args.mode,
          service_name: checked.slot.service_name,
          fee: checked.slot.fee,
          currency: checked.slot.currency,
        });
        const service = [
          booking.service_name,
          booking.fee !== undefined ? formatFee(booking.fee, booking.currency) : undefined,
        ].filter(Boolean);
        return toolResult(
          booking,
          [
            `Booked ${named(booking.patient_name, 'patient_id', args.patient_id)} with ${who.text}.`,
            `When: ${booking.when}, ${modeText(args.mode)}.`,
            ...(service.length ? [`Service: ${service.join(', ')}.`] : []),
            `appointment_id ${appointmentId}.`,
          ].join('\n'),
        );
      }),
  );

  tools.define(
    'reschedule_appointment',
    () => ({
      title: 'Reschedule an appointment',
      description:
        "Move an appointment to another slot of the same doctor and clinic (or, with doctor_id and clinic_id, of another doctor or clinic). new start_time is the slot's start in epoch seconds from get_appointment_slots. The new slot is checked first: if it is taken or does not exist, nothing changes and the nearest free alternatives are returned (rescheduled=false). Confirm the new time with the clinician before calling.",
      inputSchema: {
        appointment_id: appointmentIdField(),
        start_time: startTimeField('start_time').describe(
          'New slot start, epoch seconds, from get_appointment_slots.',
        ),
        end_time: endTimeField(),
        doctor_id: doctorIdField()
          .optional()
          .describe("Move to this doctor (default: the appointment's doctor)."),
        clinic_id: clinicIdField()
          .optional()
          .describe("Move to this clinic (default: the appointment's clinic)."),
      },
      outputSchema: {
        rescheduled: z.boolean(),
        appointment_id: z.string(),
        start_time: z.number().int().optional(),
        end_time: z.number().int().optional(),
        start: z.string().optional().describe('New start, IST ISO 8601.'),
        previous_when: z.string().optional().describe('The old start and end, IST with the weekday.'),
        when: z.string().optional().describe('Start and end for people, IST with the weekday.'),
        ...bookingPartiesOutput(),
        ...notAvailableOutput(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    }),
    async (args, extra) =>
      runTool('reschedule_appointment', deps, async () => {
        const notFound = `No appointment with id ${args.appointment_id}: find it with show_appointments_basic`;
        const current = await client.call(appointmentDetails, {
          params: { appointment_id: args.appointment_id },
          query: EKA_IDS,
          notFoundMessage: notFound,
          scope: extra,
        });
        const doctorId = args.doctor_id ?? current.doctor_id;
        const clinicId = args.clinic_id ?? current.clinic_id;
        if (!doctorId || !clinicId) {
          throw new EkaInputError(
            'Eka did not say which doctor and clinic this appointment is with: give doctor_id and clinic_id.',
          );
        }
        const checked = await freeSlot({
          doctorId,
          clinicId,
          start: args.start_time,
          end: args.end_time,
          scope: extra,
          action: 'changed',
        });
        if ('refused' in checked) {
          return {
            ...checked.refused,
            structuredContent: {
              rescheduled: false,
              appointment_id: args.appointment_id,
              ...(checked.refused.structuredContent as Record<string, unknown> | undefined),
            },
          };
        }
        const endTime = args.end_time ?? checked.slot.end_time;
        await client.call(rescheduleAppointment, {
          params: { appointment_id: args.appointment_id },
          query: EKA_IDS,
          body: { start_time: args.start_time, end_time: endTime, clinic_id: clinicId, doc_id: doctorId },
          notFoundMessage: notFound,
          scope: extra,
        });
        const [who, patients] = await Promise.all([
          whoWhere(client, doctorId, clinicId, extra),
          patientNames(client, current.patient_id ? [current.patient_id] : [], extra),
        ]);
        const moved = compact({
          rescheduled: true,
          appointment_id: args.appointment_id,
          start_time: args.start_time,
          end_time: endTime,
          start: toIstIso(args.start_time),
          when: istWhen(args.start_time, endTime),
          previous_when:
            current.start_time !== undefined ? istWhen(current.start_time, current.end_time) : undefined,
          patient_id: current.patient_id,
          patient_name: current.patient_id ? patients.get(current.patient_id) : undefined,
          doctor_id: doctorId,
          clinic_id: clinicId,
          ...who.names,
          mode: current.mode,
          service_name: checked.slot.service_name,
          fee: checked.slot.fee,
          currency: checked.slot.currency,
        });
        const service = [
          moved.service_name,
          moved.fee !== undefined ? formatFee(moved.fee, moved.currency) : undefined,
        ].filter(Boolean);
        return toolResult(
          moved,
          [
            `Moved appointment ${args.appointment_id}${moved.patient_id ? ` of ${named(moved.patient_name, 'patient_id', moved.patient_id)}` : ''} to ${moved.when}${moved.previous_when ? ` (was ${moved.previous_when})` : ''}.`,
            `With ${who.text}${moved.mode ? `, ${modeText(moved.mode)}` : ''}.`,
            ...(service.length ? [`Service: ${service.join(', ')}.`] : []),
          ].join('\n'),
        );
      }),
  );

  tools.define(
    'show_appointments_basic',
    () => ({
      title: 'Appointments by date',
      description: `The practice's appointments in an IST date range (default: today; at most ${MAX_LISTING_DAYS} days per call), optionally for one doctor and/or clinic; or all appointments of one patient (patient_id alone). Paginated: when next_page is set, call again with page_no = next_page.`,
      inputSchema: {
        doctor_id: doctorIdField().optional(),
        clinic_id: clinicIdField().optional(),
        patient_id: idField('patient_id')
          .optional()
          .describe('Eka patient id: lists that patient only and cannot be combined with the other filters.'),
        start_date: dateField().optional().describe('First date, YYYY-MM-DD in IST (default today).'),
        end_date: dateField()
          .optional()
          .describe(
            `Last date, YYYY-MM-DD in IST (default start_date); at most ${MAX_LISTING_DAYS - 1} days after start_date.`,
          ),
        page_no: pageNoField(),
      },
      outputSchema: listOutput(),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ doctor_id, clinic_id, patient_id, start_date, end_date, page_no }, extra) =>
      runTool('show_appointments_basic', deps, async () => {
        let query: Parameters<typeof appointmentPageLimit>[0] & Record<string, string | undefined>;
        if (patient_id) {
          if (doctor_id || clinic_id || start_date || end_date) {
            throw new EkaInputError(
              "Eka lists a patient's appointments by patient_id alone: leave out doctor_id, clinic_id and the dates, or leave out patient_id.",
            );
          }
          query = { patient_id };
        } else {
          const from = start_date ?? todayIst(deps.now());
          const to = end_date ?? from;
          checkRange(from, to, MAX_LISTING_DAYS);
          query = compact({ doctor_id, clinic_id, start_date: from, end_date: to });
        }
        const reply = await client.call(listAppointments, {
          query: { ...query, page_no },
          scope: extra,
        });
        const appointments = await withNames(client, reply.appointments.map(toAppointment), extra);
        const next_page = nextPage(appointments.length, query, page_no);
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
        "One patient's appointments, past and upcoming (Eka lists 20 per page). Paginated: when next_page is set, call again with page_no = next_page.",
      inputSchema: {
        patient_id: idField('patient_id').describe('Eka patient id, from search_patients.'),
        page_no: pageNoField(),
      },
      outputSchema: listOutput(),
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ patient_id, page_no }, extra) =>
      runTool('get_patient_appointments_basic', deps, async () => {
        const reply = await client.call(listAppointments, {
          query: { patient_id, page_no },
          scope: extra,
        });
        const appointments = await withNames(client, reply.appointments.map(toAppointment), extra);
        const next_page = nextPage(appointments.length, { patient_id }, page_no);
        return toolResult(
          { appointments, page_no, next_page },
          listText(appointments, next_page, 'get_patient_appointments_basic'),
        );
      }),
  );

  tools.define(
    'get_appointment_details',
    () => ({
      title: 'Appointment details',
      description:
        'One appointment with its status, times, patient, doctor, clinic, service and fee, payment and notes.',
      inputSchema: { appointment_id: appointmentIdField() },
      outputSchema: {
        appointment: appointmentSchema().extend({
          service_name: z.string().optional(),
          fee: z.number().optional(),
          payment_status: z.string().optional(),
          amount_paid: z.number().optional(),
          prescription_id: z.string().optional(),
        }),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    }),
    async ({ appointment_id }, extra) =>
      runTool('get_appointment_details', deps, async () => {
        const r = await client.call(appointmentDetails, {
          params: { appointment_id },
          query: EKA_IDS,
          notFoundMessage: `No appointment with id ${appointment_id}: find it with show_appointments_basic`,
          scope: extra,
        });
        const [base] = await withNames(client, [toAppointment(r)], extra);
        const appointment = compact({
          ...base!,
          service_name: r.service?.service_name,
          fee: r.service?.price ?? undefined,
          payment_status: r.payment?.payment_status ?? undefined,
          amount_paid: r.payment?.amount ?? undefined,
          prescription_id: r.prescription_id,
        });
        const extraText = [
          appointment.service_name || appointment.fee !== undefined
            ? `Service: ${[appointment.service_name, appointment.fee !== undefined ? formatFee(appointment.fee) : undefined].filter(Boolean).join(', ')}.`
            : '',
          appointment.payment_status || appointment.amount_paid !== undefined
            ? `Payment: ${[appointment.payment_status, appointment.amount_paid !== undefined ? `${formatFee(appointment.amount_paid)} paid` : undefined].filter(Boolean).join(', ')}.`
            : '',
          appointment.prescription_id ? `prescription_id ${appointment.prescription_id}.` : '',
        ].filter(Boolean);
        return toolResult(
          { appointment },
          [`Appointment ${describeAppointment(appointment)}.`, ...extraText].join('\n'),
        );
      }),
  );

  const statusChange =
    (action: 'complete' | 'cancel') =>
    async ({ appointment_id }: { appointment_id: string }, extra: CallScope) =>
      runTool(`${action}_appointment`, deps, async () => {
        await client.call(action === 'complete' ? completeAppointment : cancelAppointment, {
          params: { appointment_id },
          query: EKA_IDS,
          notFoundMessage: `No appointment with id ${appointment_id}: find it with show_appointments_basic`,
          scope: extra,
        });
        // Eka answers 204; the status codes are the ones show_appointments_basic lists.
        const status = action === 'complete' ? 'CM' : 'CN';
        const word = APPOINTMENT_STATUS[status] ?? status;
        // One read names what changed; the change is done either way.
        let appointment: Appointment | undefined;
        try {
          const record = await client.call(appointmentDetails, {
            params: { appointment_id },
            query: EKA_IDS,
            scope: extra,
          });
          [appointment] = await withNames(client, [toAppointment(record)], extra);
        } catch {
          appointment = undefined;
        }
        return toolResult(
          compact({ appointment_id, status, message: `Appointment ${word}.`, appointment }),
          appointment
            ? `Appointment ${word} (status ${status}): ${describeAppointment(appointment)}.`
            : `Appointment ${appointment_id} ${word} (status ${status}).`,
        );
      });

  const statusOutput = () => ({
    appointment_id: z.string(),
    status: z.enum(['CM', 'CN']).describe("Eka's status code, as show_appointments_basic lists it."),
    message: z.string(),
    appointment: appointmentSchema()
      .optional()
      .describe('The appointment after the change, with names (left out if Eka could not be read).'),
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
