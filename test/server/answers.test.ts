/**
 * Answers a clinician and a model can use: through a real MCP client against
 * the sandbox, every tool text carries the facts of its structured content
 * (IST times with the weekday, names beside ids, ₹ fees, why a day has no
 * slots). Expected times are written here with Intl in Asia/Kolkata, not
 * with the server's formatter, so a wrong weekday or zone fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { CLINICS, DOCTORS, doctorName } from '../sandbox/seed/practice';
import { credentialsEnv, istDate, type ServerHandle, startServer, structured, textOf } from './harness';

const DOCTOR = DOCTORS.find((d) => d.doctor_id === 'd-ananya-iyer')!;
const CLINIC = CLINICS.find((c) => c.clinic_id === 'c-indiranagar')!;
const FEE = `₹${CLINIC.services[0]!.fee}`;
// A patient with a mobile of their own (every fifth seeded patient shares one).
const PATIENT = seedPatients().find((p, i) => !p.arc && i % 5 < 3)!;

/** "Wed 2 Dec 2026, 10:00–10:15 IST", computed with Intl in Asia/Kolkata. */
function expectedWhen(start: number, end?: number): string {
  const part = (seconds: number, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Kolkata', ...options }).format(
      new Date(seconds * 1000),
    );
  const day = `${part(start, { weekday: 'short' })} ${part(start, { day: 'numeric' })} ${part(start, { month: 'short' })} ${part(start, { year: 'numeric' })}`;
  const clock = (s: number) => part(s, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${day}, ${clock(start)}${end === undefined ? '' : `–${clock(end)}`} IST`;
}

/** "Sun 6 Dec 2026" for a YYYY-MM-DD date. */
function expectedDay(date: string): string {
  return expectedWhen(Date.parse(`${date}T12:00:00+05:30`) / 1000).split(',')[0]!;
}

interface Slot {
  start_time: number;
  end_time: number;
  date: string;
  when: string;
  fee?: number;
  available: boolean;
}
interface Appointment {
  appointment_id: string;
  start_time: number;
  end_time: number;
  when: string;
  patient_id: string;
  patient_name?: string;
  doctor_name?: string;
  clinic_name?: string;
}

let sandbox: Sandbox;
let server: ServerHandle;
let booked: Appointment & { fee: number };
let bookedReply: Awaited<ReturnType<ServerHandle['call']>>;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  server = await startServer(credentialsEnv(sandbox));
  const { slots } = structured<{ slots: Slot[] }>(
    await server.call('get_appointment_slots', {
      doctor_id: DOCTOR.doctor_id,
      clinic_id: CLINIC.clinic_id,
      start_date: istDate(1),
      end_date: istDate(6),
    }),
  );
  const slot = slots.find((s) => s.available)!;
  const result = await server.call('book_appointment', {
    patient_id: PATIENT.oid,
    doctor_id: DOCTOR.doctor_id,
    clinic_id: CLINIC.clinic_id,
    start_time: slot.start_time,
    notes: 'Follow-up for a cough',
  });
  bookedReply = result;
  booked = structured<Appointment & { fee: number; booked: boolean }>(result);
  expect(booked).toMatchObject({ booked: true, start_time: slot.start_time });
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

describe('answers name people and places, in IST with the weekday, fees in ₹', () => {
  it('book_appointment names the patient, doctor and clinic, with the weekday, IST time and ₹ fee', async () => {
    const again = await server.call('get_appointment_details', { appointment_id: booked.appointment_id });
    const { appointment } = structured<{ appointment: Appointment & { fee: number } }>(again);
    const when = expectedWhen(booked.start_time, booked.end_time);
    expect(booked).toMatchObject({
      when,
      patient_name: PATIENT.fln,
      doctor_name: doctorName(DOCTOR),
      clinic_name: CLINIC.name,
      fee: CLINIC.services[0]!.fee,
    });
    expect(appointment).toMatchObject({ when, patient_name: PATIENT.fln, doctor_name: doctorName(DOCTOR) });
    for (const text of [textOf(bookedReply), textOf(again)]) {
      for (const fact of [
        when,
        PATIENT.fln,
        PATIENT.oid,
        doctorName(DOCTOR),
        DOCTOR.doctor_id,
        CLINIC.name,
        CLINIC.clinic_id,
        FEE,
        booked.appointment_id,
      ]) {
        expect(text).toContain(fact);
      }
      expect(text).not.toMatch(/Dr\.? Dr/);
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
    expect(textOf(again)).toContain('Follow-up for a cough');
  });

  it('listings carry every appointment with its time, weekday and names', async () => {
    const date = new Date(booked.start_time * 1000 + 5.5 * 3600_000).toISOString().slice(0, 10);
    const result = await server.call('show_appointments_basic', {
      doctor_id: DOCTOR.doctor_id,
      start_date: date,
    });
    const { appointments } = structured<{ appointments: Appointment[] }>(result);
    expect(appointments.length).toBeGreaterThan(1);
    const lines = textOf(result).split('\n');
    const patients = new Map(seedPatients().map((p) => [p.oid, p.fln]));
    for (const a of appointments) {
      const line = lines.find((l) => l.includes(a.appointment_id));
      expect(line, a.appointment_id).toBeDefined();
      expect(a.when).toBe(expectedWhen(a.start_time, a.end_time));
      expect(a.patient_name).toBe(patients.get(a.patient_id));
      for (const fact of [a.when, a.patient_name!, a.patient_id, doctorName(DOCTOR)]) {
        expect(line).toContain(fact);
      }
    }
  });

  it("get_comprehensive_patient_profile lists the patient's appointments with their times", async () => {
    const result = await server.call('get_comprehensive_patient_profile', { patient_id: PATIENT.oid });
    const { patient, appointments } = structured<{
      patient: Record<string, string>;
      appointments: Appointment[];
    }>(result);
    const text = textOf(result);
    expect(appointments.map((a) => a.appointment_id)).toContain(booked.appointment_id);
    for (const a of appointments) {
      expect(text).toContain(a.when);
      expect(text).toContain(a.appointment_id);
    }
    expect(text).toContain(doctorName(DOCTOR));
    expect(text).toContain(CLINIC.name);
    for (const value of [patient.name, patient.patient_id, patient.mobile]) expect(text).toContain(value);
    expect(text).not.toMatch(/appointment\(s\) on record/);
  });

  it('get_patient_by_mobile with a full profile prints every field, whatever form the mobile takes', async () => {
    const ten = PATIENT.mobile.replace(/^\+91/, '');
    for (const form of [
      ten,
      `+91 ${ten.slice(0, 5)} ${ten.slice(5)}`,
      `91-${ten}`,
      `0${ten}`,
      `(+91) ${ten.slice(0, 3)}.${ten.slice(3)}`,
      `0091${ten}`,
    ]) {
      const result = await server.call('get_patient_by_mobile', { mobile: form, full_profile: true });
      const { found, patient } = structured<{ found: boolean; patient: Record<string, unknown> }>(result);
      expect(found, form).toBe(true);
      expect(patient.patient_id).toBe(PATIENT.oid);
      const text = textOf(result);
      for (const [field, value] of Object.entries(patient)) {
        if (field === 'dob') expect(text).toContain(expectedDay(String(value)));
        else if (typeof value === 'string') expect(text, field).toContain(value);
      }
    }
  });

  it('search_patients takes the same mobile forms as get_patient_by_mobile', async () => {
    const ten = PATIENT.mobile.replace(/^\+91/, '');
    for (const form of [`0${ten}`, `+91-${ten.slice(0, 5)}-${ten.slice(5)}`, `0091 ${ten}`]) {
      const { patients } = structured<{ patients: { patient_id: string }[] }>(
        await server.call('search_patients', { prefix: form }),
      );
      expect(
        patients.map((p) => p.patient_id),
        form,
      ).toContain(PATIENT.oid);
    }
  });

  it('get_available_dates names every day of the range and says why a day has no free slot', async () => {
    const from = istDate(0);
    const to = istDate(6);
    const result = await server.call('get_available_dates', {
      doctor_id: DOCTOR.doctor_id,
      clinic_id: CLINIC.clinic_id,
      start_date: from,
      end_date: to,
    });
    const out = structured<{
      dates: { date: string; day: string; free_slots: number }[];
      days_without_free_slots: { date: string; day: string; reason: string; explanation: string }[];
      doctor_name: string;
    }>(result);
    const text = textOf(result);
    expect(out.doctor_name).toBe(doctorName(DOCTOR));
    expect(text).toContain(doctorName(DOCTOR));
    const covered = [...out.dates, ...out.days_without_free_slots].map((d) => d.date).sort();
    expect(covered).toEqual(Array.from({ length: 7 }, (_, i) => istDate(i)));
    for (const d of out.dates) {
      expect(d.day).toBe(expectedDay(d.date));
      expect(text).toContain(`${d.day}: ${d.free_slots} free`);
    }
    for (const d of out.days_without_free_slots) {
      expect(d.day).toBe(expectedDay(d.date));
      expect(text).toContain(`${d.day}: no free slot: ${d.explanation}`);
    }
    // The sandbox publishes no Sunday slots: the week's Sunday is there, with its reason.
    const sunday = out.days_without_free_slots.find((d) => d.day.startsWith('Sun'));
    expect(sunday?.reason).toBe('no_consulting_hours');
  });

  it('get_appointment_slots writes each slot in IST with its weekday and ₹ fee', async () => {
    const result = await server.call('get_appointment_slots', {
      doctor_id: DOCTOR.doctor_id,
      clinic_id: CLINIC.clinic_id,
      start_date: istDate(1),
      end_date: istDate(2),
    });
    const { slots } = structured<{ slots: Slot[] }>(result);
    const lines = textOf(result).split('\n');
    expect(slots.length).toBeGreaterThan(0);
    for (const s of slots) {
      expect(s.when).toBe(expectedWhen(s.start_time, s.end_time));
      const line = lines.find((l) => l.includes(`start_time ${s.start_time}`));
      expect(line).toContain(s.when);
      expect(line).toContain(`₹${s.fee}`);
    }
  });

  it('doctor and clinic answers print one "Dr.", the clinic phone and fees in ₹', async () => {
    const profile = await server.call('get_doctor_profile_basic', { doctor_id: DOCTOR.doctor_id });
    const out = structured<{ clinics: { clinic_id: string; phones?: string[] }[] }>(profile);
    const text = textOf(profile);
    expect(text).toContain(doctorName(DOCTOR));
    expect(text).not.toMatch(/Dr\.? Dr/);
    for (const clinicId of DOCTOR.clinics) {
      const clinic = CLINICS.find((c) => c.clinic_id === clinicId)!;
      expect(out.clinics.find((c) => c.clinic_id === clinicId)?.phones?.join(' ')).toContain(clinic.phone);
      expect(text).toContain(clinic.name);
      expect(text).toContain(clinic.phone);
    }

    const clinic = await server.call('get_clinic_details_basic', { clinic_id: CLINIC.clinic_id });
    expect(structured<{ phones: string[] }>(clinic).phones.join(' ')).toContain(CLINIC.phone);
    for (const fact of [CLINIC.name, CLINIC.phone, CLINIC.address.pincode, CLINIC.address.city]) {
      expect(textOf(clinic)).toContain(fact);
    }

    const services = await server.call('get_doctor_services', { doctor_id: DOCTOR.doctor_id });
    const { services: list } = structured<{
      services: { fee: number; service_name: string; duration_minutes: number }[];
    }>(services);
    expect(list.length).toBeGreaterThan(0);
    expect(textOf(services)).toContain(doctorName(DOCTOR));
    for (const s of list) {
      expect(textOf(services)).toContain(`${s.service_name} (REGULAR), ${s.duration_minutes} min, ₹${s.fee}`);
    }
  });

  it('cancel_appointment says whose appointment, with whom and when it cancelled', async () => {
    const result = await server.call('cancel_appointment', { appointment_id: booked.appointment_id });
    const out = structured<{ status: string; appointment: Appointment & { status: string } }>(result);
    expect(out.appointment).toMatchObject({
      status: 'CN',
      patient_name: PATIENT.fln,
      doctor_name: doctorName(DOCTOR),
    });
    for (const fact of [out.appointment.when, PATIENT.fln, doctorName(DOCTOR), CLINIC.name, 'cancelled']) {
      expect(textOf(result)).toContain(fact);
    }
  });
});
