import type { Appointment } from './context';
import { ApiError, intParam, readJsonObject, requireString } from './http-util';
import type { Route } from './router';
import { findClinic, findDoctor } from './routes-practice';
import { DAY_MS, daySlots, isTaken, istMidnight, toIst } from './schedule';
import { checkDate } from './validate';

const MAX_SPAN_DAYS = 10;
const PAGE_SIZE = 50;
const MODES = new Set(['INCLINIC', 'VIDEO', 'AUDIO']);

function dateRange(params: URLSearchParams, required: boolean): { from: number; to: number } | undefined {
  const start = params.get('start_date');
  const end = params.get('end_date');
  if (!start && !end && !required) return undefined;
  if (!start || !end)
    throw new ApiError(400, 'invalid_request', '"start_date" and "end_date" are both required.');
  const from = istMidnight(checkDate(start, 'start_date'));
  const to = istMidnight(checkDate(end, 'end_date'));
  if (to < from) throw new ApiError(400, 'invalid_date', '"end_date" must not be before "start_date".');
  if (to - from > MAX_SPAN_DAYS * DAY_MS) {
    throw new ApiError(400, 'invalid_date', `A query spans at most ${MAX_SPAN_DAYS} days.`);
  }
  return { from, to: to + DAY_MS };
}

function epochSeconds(value: unknown, field: string): number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1_000_000_000 ||
    value > 99_999_999_999
  ) {
    throw new ApiError(400, 'invalid_request', `"appointment_details.${field}" must be epoch seconds.`);
  }
  return value;
}

function view(a: Appointment): Record<string, unknown> {
  return {
    appointment_id: a.appointment_id,
    doctor_id: a.doctor_id,
    clinic_id: a.clinic_id,
    patient_id: a.patient_id,
    status: a.status,
    mode: a.mode,
    start_time: a.start_time,
    end_time: a.end_time,
    start_time_ist: toIst(a.start_time),
    end_time_ist: toIst(a.end_time),
    ...(a.reason ? { reason: a.reason } : {}),
  };
}

function findAppointment(appointments: Map<string, Appointment>, id: string | undefined): Appointment {
  const appointment = id === undefined ? undefined : appointments.get(id);
  if (!appointment) throw new ApiError(404, 'appointment_not_found', 'No appointment has this id.');
  return appointment;
}

/** The appointment endpoints of the Eka EMR API: slots, booking, lists, complete and cancel. */
export const appointmentRoutes: Route[] = [
  {
    method: 'GET',
    path: '/dr/v1/doctor/:doctorId/clinic/:clinicId/appointment/slot',
    handle({ params, url, api }) {
      const doctor = findDoctor(params.doctorId);
      const clinic = findClinic(params.clinicId);
      if (!doctor.clinics.includes(clinic.clinic_id)) {
        throw new ApiError(404, 'not_found', 'This doctor does not consult at this clinic.');
      }
      const range = dateRange(url.searchParams, true)!;
      const now = Date.now() / 1000;
      const slots: { s: string; e: string; available: boolean; conf_id: string }[] = [];
      for (let day = range.from; day < range.to; day += DAY_MS) {
        for (const slot of daySlots(clinic, day, api.scheduleStart)) {
          slots.push({
            s: toIst(slot.start),
            e: toIst(slot.end),
            available: slot.start > now && !isTaken(api.appointments.values(), doctor, slot),
            conf_id: `conf-${clinic.clinic_id}-${doctor.doctor_id}`,
          });
        }
      }
      const services = clinic.services.map((service) => ({
        service_name: service.service_name,
        fee: service.fee,
        slots,
      }));
      return { json: { data: { schedule: { [clinic.clinic_id]: services } } } };
    },
  },
  {
    method: 'POST',
    path: '/dr/v1/appointment',
    async handle({ req, api }) {
      const body = await readJsonObject(req);
      const doctor = findDoctor(requireString(body, 'doctor_id'));
      const clinic = findClinic(requireString(body, 'clinic_id'));
      const patientId = requireString(body, 'patient_id');
      const patient = api.patients.get(patientId);
      if (!patient || patient.arc)
        throw new ApiError(404, 'patient_not_found', 'No active patient has this id.');
      if (!doctor.clinics.includes(clinic.clinic_id)) {
        throw new ApiError(400, 'invalid_request', 'This doctor does not consult at this clinic.');
      }
      const details = body.appointment_details;
      if (typeof details !== 'object' || details === null || Array.isArray(details)) {
        throw new ApiError(400, 'invalid_request', '"appointment_details" must be an object.');
      }
      const d = details as Record<string, unknown>;
      const start = epochSeconds(d.start_time, 'start_time');
      const end = epochSeconds(d.end_time, 'end_time');
      const mode = d.mode ?? 'INCLINIC';
      if (typeof mode !== 'string' || !MODES.has(mode)) {
        throw new ApiError(
          400,
          'invalid_request',
          '"appointment_details.mode" must be INCLINIC, VIDEO or AUDIO.',
        );
      }
      if (d.reason !== undefined && typeof d.reason !== 'string') {
        throw new ApiError(400, 'invalid_request', '"appointment_details.reason" must be a string.');
      }
      if (end <= start) throw new ApiError(400, 'invalid_request', '"end_time" must be after "start_time".');
      const dayStart = Math.floor((start * 1000 + 5.5 * 3600_000) / DAY_MS) * DAY_MS - 5.5 * 3600_000;
      const slot = daySlots(clinic, dayStart, api.scheduleStart).find(
        (s) => s.start === start && s.end === end,
      );
      if (!slot) {
        throw new ApiError(
          400,
          'invalid_slot',
          'The times do not match a published slot; fetch the slots first.',
        );
      }
      if (slot.start <= Date.now() / 1000)
        throw new ApiError(400, 'invalid_slot', 'This slot has already started.');
      if (isTaken(api.appointments.values(), doctor, slot)) {
        throw new ApiError(409, 'slot_taken', 'This slot is already booked. Pick another slot.');
      }
      const appointment: Appointment = {
        appointment_id: `a-${String(api.counters.nextAppointment++).padStart(5, '0')}`,
        doctor_id: doctor.doctor_id,
        clinic_id: clinic.clinic_id,
        patient_id: patient.oid,
        status: 'BOOKED',
        mode: mode as Appointment['mode'],
        start_time: start,
        end_time: end,
        ...(typeof d.reason === 'string' && d.reason !== '' ? { reason: d.reason } : {}),
        created_at: Math.floor(Date.now() / 1000),
      };
      api.appointments.set(appointment.appointment_id, appointment);
      return { status: 201, json: { appointment_id: appointment.appointment_id } };
    },
  },
  {
    method: 'GET',
    path: '/dr/v1/appointment',
    handle({ url, api }) {
      const q = url.searchParams;
      const range = dateRange(q, false);
      const pageNo = intParam(q, 'page_no', 0, 0, 100_000);
      const doctorId = q.get('doctor_id');
      const clinicId = q.get('clinic_id');
      const patientId = q.get('patient_id');
      if (doctorId) findDoctor(doctorId);
      if (clinicId) findClinic(clinicId);
      const all = [...api.appointments.values()]
        .filter(
          (a) =>
            (!doctorId || a.doctor_id === doctorId) &&
            (!clinicId || a.clinic_id === clinicId) &&
            (!patientId || a.patient_id === patientId) &&
            (!range || (a.start_time * 1000 >= range.from && a.start_time * 1000 < range.to)),
        )
        .sort((a, b) => a.start_time - b.start_time || a.appointment_id.localeCompare(b.appointment_id));
      const page = all.slice(pageNo * PAGE_SIZE, (pageNo + 1) * PAGE_SIZE);
      return {
        json: {
          appointments: page.map(view),
          page_no: pageNo,
          page_size: PAGE_SIZE,
          total: all.length,
          next_page: (pageNo + 1) * PAGE_SIZE < all.length ? pageNo + 1 : null,
        },
      };
    },
  },
  {
    method: 'POST',
    path: '/dr/v1/appointment/:id/complete',
    handle({ params, api }) {
      const a = findAppointment(api.appointments, params.id);
      if (a.status === 'CANCELLED')
        throw new ApiError(409, 'appointment_cancelled', 'A cancelled appointment cannot be completed.');
      a.status = 'COMPLETED';
      return {
        json: { message: 'Appointment completed.', appointment_id: a.appointment_id, status: a.status },
      };
    },
  },
  {
    method: 'PUT',
    path: '/dr/v1/appointment/:id/cancel',
    handle({ params, api }) {
      const a = findAppointment(api.appointments, params.id);
      if (a.status === 'COMPLETED')
        throw new ApiError(409, 'appointment_completed', 'A completed appointment cannot be cancelled.');
      if (a.status === 'CANCELLED')
        throw new ApiError(409, 'appointment_cancelled', 'This appointment is already cancelled.');
      a.status = 'CANCELLED';
      return {
        json: { message: 'Appointment cancelled.', appointment_id: a.appointment_id, status: a.status },
      };
    },
  },
];
