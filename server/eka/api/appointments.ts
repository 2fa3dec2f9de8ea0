/**
 * Slots and appointments, from `api-reference/doc-tool/doc-tool.yaml` and
 * `appointment-api/*.mdx`: slot schedules with the fee under
 * `data.services[conf_id].price`; booking with mode INCLINIC | PHONE | VIDEO
 * and a top-level `notes`; listing with fixed filter combinations, at most 7
 * days and status codes (BK, CM, CN, ...); complete, cancel and reschedule
 * with a required `partner_id` query, answering 204.
 */
import { z } from 'zod/v4';
import { defineEndpoint, queryInt } from './endpoint';

const SOURCE = 'api-reference/doc-tool/doc-tool.yaml';
const HEADERS = ['authorization'] as const;

/** Booking modes of `appointment_details.mode`. */
export const BOOKING_MODES = ['INCLINIC', 'PHONE', 'VIDEO'] as const;

/** The longest listing range, in days (inclusive). */
export const MAX_LISTING_DAYS = 7;

/** What each status code means (doc-tool.yaml "Appointment_statuses"). */
export const APPOINTMENT_STATUS: Record<string, string> = {
  BK: 'booked',
  CK: 'checked in',
  RV: 'reserved',
  IN: 'initiated',
  PA: 'parked',
  OG: 'ongoing',
  CM: 'completed',
  CMNP: 'completed without prescription',
  AB: 'aborted',
  NS: 'no show',
  NSD: 'no show (doctor)',
  NSS: 'no show (staff)',
  CN: 'cancelled',
  CND: 'cancelled by the doctor',
  CNS: 'cancelled by staff',
  PC: 'provisionally cancelled',
  PNR: 'payment not received',
  RE: 'rescheduled',
  RES: 'rescheduled by staff',
  RED: 'rescheduled by the doctor',
};

const isoDate = z.iso.date();
const epoch = z.number().int().min(1_000_000_000).max(99_999_999_999);

/** Whole days from one YYYY-MM-DD to another. */
function daySpan(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `GET /dr/v1/doctor/{doctor_id}/clinic/{clinic_id}/appointment/slot`: slots per clinic and service. */
export const appointmentSlots = defineEndpoint({
  id: 'appointments.slots',
  method: 'GET',
  path: '/dr/v1/doctor/{doctor_id}/clinic/{clinic_id}/appointment/slot',
  params: z.object({ doctor_id: z.string().min(1), clinic_id: z.string().min(1) }).strict(),
  query: z.object({ start_date: isoDate, end_date: isoDate }).strict(),
  headers: HEADERS,
  response: z
    .object({
      data: z
        .object({
          /** Clinic id to its services, each with its slots (`s`/`e` IST date-times). */
          schedule: z.record(
            z.string(),
            z.array(
              z
                .object({
                  service_type: z.string().optional(),
                  slots: z.array(
                    z
                      .object({
                        s: z.string(),
                        e: z.string(),
                        available: z.boolean(),
                        conf_id: z.string().optional(),
                        slots_booked: z.number().int().nullable().optional(),
                      })
                      .loose(),
                  ),
                })
                .loose(),
            ),
          ),
          /** Service configuration by `conf_id`, with its price. */
          services: z
            .record(
              z.string(),
              z
                .object({
                  conf_id: z.string().optional(),
                  service_name: z.string().optional(),
                  price: z.number().nullable().optional(),
                  currency: z.string().optional(),
                  mode: z.array(z.string()).optional(),
                })
                .loose(),
            )
            .optional(),
        })
        .loose(),
    })
    .loose(),
  success: [200],
  source: SOURCE,
});

/** `POST /dr/v1/appointment`: books a slot with Eka ids. */
export const bookAppointment = defineEndpoint({
  id: 'appointments.book',
  method: 'POST',
  path: '/dr/v1/appointment',
  headers: HEADERS,
  body: z
    .object({
      clinic_id: z.string().min(1),
      doctor_id: z.string().min(1),
      patient_id: z.string().min(1),
      partner_appointment_id: z.string().optional(),
      token: z.number().int().optional(),
      appointment_details: z
        .object({
          mode: z.enum(BOOKING_MODES).optional(),
          start_time: epoch,
          end_time: epoch.optional(),
          custom_attributes: z.record(z.string(), z.unknown()).optional(),
          video_connect: z.object({ vendor: z.string(), url: z.string() }).strict().optional(),
        })
        .strict(),
      partner_meta: z.record(z.string(), z.unknown()).optional(),
      display_meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
      /** Notes saved with the appointment (plain text or simple HTML). */
      notes: z.string().optional(),
    })
    .strict(),
  response: z.object({ appointment_id: z.string() }).loose(),
  success: [201],
  idempotent: false,
  source: SOURCE,
});

/** One appointment as the listing and the details return it. */
export const AppointmentRecord = z
  .object({
    appointment_id: z.string(),
    created_at: z.number().optional(),
    doctor_id: z.string().optional(),
    patient_id: z.string().optional(),
    clinic_id: z.string().optional(),
    channel: z.string().optional(),
    /** A status code: BK, CM, CN, ... (see `APPOINTMENT_STATUS`). */
    status: z.string().optional(),
    /** `in_clinic` or `tele`. */
    mode: z.string().optional(),
    start_time: z.number().int().optional(),
    end_time: z.number().int().optional(),
    prescription_id: z.string().optional(),
    notes: z.string().optional(),
  })
  .loose();
export type AppointmentRecord = z.infer<typeof AppointmentRecord>;

/** The listing query: one of the published filter combinations, at most 7 days. */
export const AppointmentListQuery = z
  .object({
    patient_id: z.string().min(1).optional(),
    doctor_id: z.string().min(1).optional(),
    clinic_id: z.string().min(1).optional(),
    start_date: isoDate.optional(),
    end_date: isoDate.optional(),
    page_no: queryInt((n) => n.min(0)).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.patient_id) {
      if (q.doctor_id || q.clinic_id || q.start_date || q.end_date) {
        ctx.addIssue({ code: 'custom', message: 'patient_id cannot be combined with any other filter' });
      }
      return;
    }
    if (!q.start_date || !q.end_date) {
      ctx.addIssue({ code: 'custom', message: 'start_date and end_date are required without patient_id' });
      return;
    }
    const span = daySpan(q.start_date, q.end_date);
    if (span < 0) ctx.addIssue({ code: 'custom', message: 'end_date cannot be before start_date' });
    if (span >= MAX_LISTING_DAYS) {
      ctx.addIssue({
        code: 'custom',
        message: `the date range must not exceed ${MAX_LISTING_DAYS} days`,
      });
    }
  });

/** The page size Eka applies for a listing query: 20 by patient, 30 by dates only, else 50. */
export function appointmentPageLimit(query: { patient_id?: string; doctor_id?: string; clinic_id?: string }) {
  if (query.patient_id) return 20;
  if (!query.doctor_id && !query.clinic_id) return 30;
  return 50;
}

/** `GET /dr/v1/appointment`: the business's appointments; a full page means there may be more. */
export const listAppointments = defineEndpoint({
  id: 'appointments.list',
  method: 'GET',
  path: '/dr/v1/appointment',
  headers: HEADERS,
  query: AppointmentListQuery,
  response: z.object({ appointments: z.array(AppointmentRecord) }).loose(),
  success: [200],
  source: SOURCE,
});

const appointmentParams = z.object({ appointment_id: z.string().min(1) }).strict();
/** `partner_id`: "1" when the path carries the partner's appointment id, else Eka's. */
const partnerQuery = z.object({ partner_id: z.enum(['0', '1']) }).strict();

/** `GET /dr/v1/appointment/{appointment_id}`: one appointment with its service and payment. */
export const appointmentDetails = defineEndpoint({
  id: 'appointments.get',
  method: 'GET',
  path: '/dr/v1/appointment/{appointment_id}',
  params: appointmentParams,
  query: partnerQuery.partial(),
  headers: HEADERS,
  response: AppointmentRecord.extend({
    payment: z
      .object({
        payment_id: z.string().nullable().optional(),
        payment_status: z.string().nullable().optional(),
        amount: z.number().nullable().optional(),
      })
      .loose()
      .optional(),
    service: z
      .object({
        service_name: z.string().optional(),
        price: z.number().nullable().optional(),
        mode: z.array(z.string()).optional(),
        appointment_type: z.string().optional(),
      })
      .loose()
      .optional(),
    prescription_url: z.string().optional(),
  }),
  success: [200],
  source: SOURCE,
});

/** `POST /dr/v1/appointment/{appointment_id}/complete`: marks it completed (204). */
export const completeAppointment = defineEndpoint({
  id: 'appointments.complete',
  method: 'POST',
  path: '/dr/v1/appointment/{appointment_id}/complete',
  params: appointmentParams,
  query: partnerQuery,
  headers: HEADERS,
  success: [204],
  idempotent: true,
  source: SOURCE,
});

/** `PUT /dr/v1/appointment/{appointment_id}/cancel`: cancels it (204). */
export const cancelAppointment = defineEndpoint({
  id: 'appointments.cancel',
  method: 'PUT',
  path: '/dr/v1/appointment/{appointment_id}/cancel',
  params: appointmentParams,
  query: partnerQuery,
  headers: HEADERS,
  success: [204],
  source: SOURCE,
});

/** `PUT /dr/v1/appointment/{appointment_id}/reschedule`: moves it to new times (204). */
export const rescheduleAppointment = defineEndpoint({
  id: 'appointments.reschedule',
  method: 'PUT',
  path: '/dr/v1/appointment/{appointment_id}/reschedule',
  params: appointmentParams,
  query: partnerQuery,
  headers: HEADERS,
  body: z
    .object({
      start_time: epoch,
      end_time: epoch,
      clinic_id: z.string().min(1).optional(),
      /** The doctor's Eka id (this endpoint names it `doc_id`). */
      doc_id: z.string().min(1).optional(),
    })
    .strict(),
  success: [204],
  source: SOURCE,
});

/** Every appointment endpoint the product calls. */
export const appointmentEndpoints = [
  appointmentSlots,
  bookAppointment,
  listAppointments,
  appointmentDetails,
  completeAppointment,
  cancelAppointment,
  rescheduleAppointment,
] as const;
