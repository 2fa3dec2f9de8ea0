import {
  appointmentDetails,
  appointmentPageLimit,
  appointmentSlots,
  bookAppointment,
  cancelAppointment,
  completeAppointment,
  listAppointments,
  rescheduleAppointment,
} from '../../../server/eka/api/appointments';
import type { Clinic, Doctor } from '../seed/practice';
import type { ApiContext, Appointment } from './context';
import { contractRoute } from './contract-route';
import { ApiError } from './http-util';
import type { Route } from './router';
import { findClinic, findDoctor } from './routes-practice';
import { DAY_MS, daySlots, isTaken, istMidnight, type Slot, toIst } from './schedule';

/** The longest slot query the sandbox answers (Eka publishes no limit; this keeps replies small). */
const MAX_SLOT_DAYS = 31;

/** The id of a doctor's service configuration at a clinic. */
function confId(clinic: Clinic, doctor: Doctor): string {
  return `conf-${clinic.clinic_id}-${doctor.doctor_id}`;
}

/** An appointment as the listing and the details return it (`mode` in_clinic or tele). */
function view(a: Appointment): Record<string, unknown> {
  return {
    appointment_id: a.appointment_id,
    created_at: a.created_at,
    doctor_id: a.doctor_id,
    clinic_id: a.clinic_id,
    patient_id: a.patient_id,
    channel: 'API',
    status: a.status,
    mode: a.mode === 'INCLINIC' ? 'in_clinic' : 'tele',
    start_time: a.start_time,
    end_time: a.end_time,
    ...(a.notes ? { notes: a.notes } : {}),
  };
}

function findAppointment(api: ApiContext, id: string, partnerId: string | undefined): Appointment {
  // The sandbox books with Eka ids only, so no appointment has a partner id.
  const appointment = partnerId === '1' ? undefined : api.appointments.get(id);
  if (!appointment) {
    throw new ApiError(404, 'APPOINTMENT_NOT_FOUND', 'The specified appointment ID does not exist');
  }
  return appointment;
}

/** The published slot of this doctor's clinic starting at `start`, or a 400. */
function slotAt(api: ApiContext, clinic: Clinic, start: number, end: number | undefined): Slot {
  const dayStart = Math.floor((start * 1000 + 5.5 * 3600_000) / DAY_MS) * DAY_MS - 5.5 * 3600_000;
  const slot = daySlots(clinic, dayStart, api.scheduleStart).find(
    (s) => s.start === start && (end === undefined || s.end === end),
  );
  if (!slot) {
    throw new ApiError(
      400,
      'INVALID_SLOT',
      'The times do not match a published slot; fetch the slots first.',
    );
  }
  if (slot.start <= Date.now() / 1000)
    throw new ApiError(400, 'INVALID_SLOT', 'This slot has already started.');
  return slot;
}

function doctorAtClinic(doctor: Doctor, clinic: Clinic): void {
  if (!doctor.clinics.includes(clinic.clinic_id)) {
    throw new ApiError(400, 'INVALID_REQUEST_PARAMETERS', 'This doctor does not consult at this clinic.');
  }
}

/** The appointment endpoints (doc-tool.yaml): slots, booking, listing, details, complete, cancel, reschedule. */
export const appointmentRoutes: Route[] = [
  contractRoute(appointmentSlots, ({ params, query, api }) => {
    const doctor = findDoctor(params.doctor_id);
    const clinic = findClinic(params.clinic_id);
    if (!doctor.clinics.includes(clinic.clinic_id)) {
      throw new ApiError(404, 'NOT_FOUND', 'This doctor does not consult at this clinic.');
    }
    const from = istMidnight(Date.parse(`${query.start_date}T00:00:00Z`));
    const to = istMidnight(Date.parse(`${query.end_date}T00:00:00Z`)) + DAY_MS;
    if (to <= from) throw new ApiError(400, 'INVALID_REQUEST', '"end_date" must not be before "start_date".');
    if (to - from > MAX_SLOT_DAYS * DAY_MS) {
      throw new ApiError(
        400,
        'INVALID_REQUEST',
        `The sandbox answers at most ${MAX_SLOT_DAYS} days of slots.`,
      );
    }
    const now = Date.now() / 1000;
    const conf = confId(clinic, doctor);
    const slots = [];
    for (let day = from; day < to; day += DAY_MS) {
      for (const slot of daySlots(clinic, day, api.scheduleStart)) {
        slots.push({
          s: toIst(slot.start),
          e: toIst(slot.end),
          available: slot.start > now && !isTaken(api.appointments.values(), doctor, slot),
          conf_id: conf,
        });
      }
    }
    const service = clinic.services[0];
    return {
      json: {
        success: 'true',
        status_code: 200,
        data: {
          schedule: { [clinic.clinic_id]: [{ service_type: 'consultation', slots }] },
          services: {
            [conf]: {
              conf_id: conf,
              service_name: service?.service_name ?? 'consultation',
              price: service?.fee ?? null,
              currency: 'INR',
              mode: ['in-clinic'],
              owner_id: doctor.doctor_id,
              appointment_type: 'REGULAR',
              allow_patient_booking: true,
              pre_pay: false,
              post_pay: true,
            },
          },
        },
      },
    };
  }),
  contractRoute(bookAppointment, ({ body, api }) => {
    const doctor = findDoctor(body.doctor_id);
    const clinic = findClinic(body.clinic_id);
    const patient = api.patients.get(body.patient_id);
    if (!patient || patient.arc) throw new ApiError(404, 'NOT_FOUND', 'No active patient has this id.');
    doctorAtClinic(doctor, clinic);
    const details = body.appointment_details;
    const slot = slotAt(api, clinic, details.start_time, details.end_time);
    if (isTaken(api.appointments.values(), doctor, slot)) {
      throw new ApiError(409, 'SLOT_TAKEN', 'This slot is already booked. Pick another slot.');
    }
    const appointment: Appointment = {
      appointment_id: `a-${String(api.counters.nextAppointment++).padStart(5, '0')}`,
      doctor_id: doctor.doctor_id,
      clinic_id: clinic.clinic_id,
      patient_id: patient.oid,
      status: 'BK',
      mode: details.mode ?? 'INCLINIC',
      start_time: slot.start,
      end_time: slot.end,
      ...(body.notes ? { notes: body.notes } : {}),
      created_at: Math.floor(Date.now() / 1000),
    };
    api.appointments.set(appointment.appointment_id, appointment);
    return { status: 201, json: { appointment_id: appointment.appointment_id } };
  }),
  contractRoute(listAppointments, ({ query, api }) => {
    if (query.doctor_id) findDoctor(query.doctor_id);
    if (query.clinic_id) findClinic(query.clinic_id);
    const from = query.start_date ? istMidnight(Date.parse(`${query.start_date}T00:00:00Z`)) : undefined;
    const to = query.end_date ? istMidnight(Date.parse(`${query.end_date}T00:00:00Z`)) + DAY_MS : undefined;
    const all = [...api.appointments.values()]
      .filter(
        (a) =>
          (!query.patient_id || a.patient_id === query.patient_id) &&
          (!query.doctor_id || a.doctor_id === query.doctor_id) &&
          (!query.clinic_id || a.clinic_id === query.clinic_id) &&
          (from === undefined ||
            to === undefined ||
            (a.start_time * 1000 >= from && a.start_time * 1000 < to)),
      )
      .sort((a, b) => a.start_time - b.start_time || a.appointment_id.localeCompare(b.appointment_id));
    const limit = appointmentPageLimit(query);
    const pageNo = query.page_no ?? 0;
    return { json: { appointments: all.slice(pageNo * limit, (pageNo + 1) * limit).map(view) } };
  }),
  contractRoute(appointmentDetails, ({ params, query, api }) => {
    const a = findAppointment(api, params.appointment_id, query.partner_id);
    const clinic = findClinic(a.clinic_id);
    const service = clinic.services[0];
    return {
      json: {
        ...view(a),
        payment: { payment_id: null, payment_status: null, amount: null },
        service: {
          created_at: a.created_at,
          mode: [a.mode],
          price: service?.fee ?? null,
          post_pay: true,
          service_name: service?.service_name ?? 'consultation',
          appointment_type: 'REGULAR',
          allow_patient_booking: true,
        },
      },
    };
  }),
  contractRoute(completeAppointment, ({ params, query, api }) => {
    const a = findAppointment(api, params.appointment_id, query.partner_id);
    if (a.status === 'CN')
      throw new ApiError(400, 'INVALID_REQUEST', 'A cancelled appointment cannot be completed.');
    a.status = 'CM';
    return { status: 204 };
  }),
  contractRoute(cancelAppointment, ({ params, query, api }) => {
    const a = findAppointment(api, params.appointment_id, query.partner_id);
    if (a.status === 'CM')
      throw new ApiError(400, 'INVALID_REQUEST', 'A completed appointment cannot be cancelled.');
    if (a.status === 'CN')
      throw new ApiError(400, 'INVALID_REQUEST', 'This appointment is already cancelled.');
    a.status = 'CN';
    return { status: 204 };
  }),
  contractRoute(rescheduleAppointment, ({ params, query, body, api }) => {
    const a = findAppointment(api, params.appointment_id, query.partner_id);
    if (a.status === 'CN' || a.status === 'CM') {
      throw new ApiError(
        400,
        'INVALID_REQUEST',
        'A cancelled or completed appointment cannot be rescheduled.',
      );
    }
    const doctor = findDoctor(body.doc_id ?? a.doctor_id);
    const clinic = findClinic(body.clinic_id ?? a.clinic_id);
    doctorAtClinic(doctor, clinic);
    const slot = slotAt(api, clinic, body.start_time, body.end_time);
    const others = [...api.appointments.values()].filter((x) => x !== a);
    if (isTaken(others, doctor, slot)) {
      throw new ApiError(409, 'SLOT_TAKEN', 'This slot is already booked. Pick another slot.');
    }
    Object.assign(a, {
      doctor_id: doctor.doctor_id,
      clinic_id: clinic.clinic_id,
      start_time: slot.start,
      end_time: slot.end,
      status: 'RE',
    });
    return { status: 204 };
  }),
];
