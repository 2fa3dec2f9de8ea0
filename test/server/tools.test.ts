/**
 * Every tool through a real MCP client over stdio, spawning the built bundle
 * in client-credentials mode against the sandbox: happy path and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ekaEndpoints } from '../../server/eka/api/index';
import { ABHA_TEST_OTP } from '../sandbox/credentials';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { PHARMACOLOGY } from '../sandbox/seed/pharmacology';
import { BUSINESS, CLINICS, DOCTORS } from '../sandbox/seed/practice';
import { PROTOCOLS } from '../sandbox/seed/protocols';
import { credentialsEnv, istDate, type ServerHandle, startServer, structured, textOf } from './harness';

const EVERY_TOOL = [
  'search_patients',
  'get_patient_details_basic',
  'get_comprehensive_patient_profile',
  'add_patient',
  'list_patients',
  'update_patient',
  'archive_patient',
  'get_patient_by_mobile',
  'get_business_entities',
  'get_doctor_profile_basic',
  'get_clinic_details_basic',
  'get_doctor_services',
  'get_available_dates',
  'get_appointment_slots',
  'book_appointment',
  'reschedule_appointment',
  'show_appointments_basic',
  'get_patient_appointments_basic',
  'get_appointment_details',
  'complete_appointment',
  'cancel_appointment',
  'abha_send_otp',
  'abha_verify_otp',
  'abha_select_profile',
  'indian_branded_drug_search',
  'indian_treatment_protocol_search',
  'protocol_publishers',
  'indian_pharmacology_details',
];

interface Slot {
  start_time: number;
  end_time: number;
  start: string;
  date: string;
  available: boolean;
}

let sandbox: Sandbox;
let server: ServerHandle;
let doctorId: string;
let clinicId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  server = await startServer(credentialsEnv(sandbox));
  const entities = structured<{ clinics: { clinic_id: string; doctor_ids: string[] }[] }>(
    await server.call('get_business_entities'),
  );
  const clinic = entities.clinics.find((c) => c.doctor_ids.length > 0)!;
  clinicId = clinic.clinic_id;
  doctorId = clinic.doctor_ids[0]!;
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

/** The first future free slot of the doctor in the sandbox's published week. */
async function freeSlots(): Promise<Slot[]> {
  const result = await server.call('get_appointment_slots', {
    doctor_id: doctorId,
    clinic_id: clinicId,
    start_date: istDate(0),
    end_date: istDate(6),
  });
  return structured<{ slots: Slot[] }>(result).slots;
}

async function anyPatientId(): Promise<string> {
  const list = structured<{ patients: { patient_id: string }[] }>(
    await server.call('list_patients', { page_size: 5 }),
  );
  return list.patients[0]!.patient_id;
}

describe('tool list', () => {
  it('lists every Eka tool with title, description, annotations and an output schema', async () => {
    const { tools } = await server.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...EVERY_TOOL].sort());
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.outputSchema, tool.name).toBeTruthy();
      expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe('boolean');
      expect(tool.annotations?.openWorldHint, tool.name).toBe(true);
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('archive_patient')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('cancel_appointment')?.annotations?.destructiveHint).toBe(true);
    expect(byName.get('search_patients')?.annotations?.readOnlyHint).toBe(true);
    expect(byName.get('book_appointment')?.annotations?.readOnlyHint).toBe(false);
  });
});

describe('patients', () => {
  it('search_patients finds a patient by the start of the name and rejects an empty prefix', async () => {
    const seeded = seedPatients().find((p) => !p.arc)!;
    const prefix = seeded.fn.slice(0, 3);
    const found = structured<{ patients: { patient_id: string; name: string }[]; count: number }>(
      await server.call('search_patients', { prefix, limit: 50 }),
    );
    expect(found.count).toBeGreaterThan(0);
    expect(found.patients.map((p) => p.patient_id)).toContain(seeded.oid);

    const bad = await server.call('search_patients', { prefix: '' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/at least one character/);
    const tooMany = await server.call('search_patients', { prefix: 'a', limit: 500 });
    expect(tooMany.isError).toBe(true);
    expect(textOf(tooMany)).toMatch(/at most 50/);
  });

  it('add_patient, get_comprehensive_patient_profile, update_patient and archive_patient work together', async () => {
    const added = structured<{ patient_id: string }>(
      await server.call('add_patient', {
        name: 'Test Patient Kumar',
        dob: '1990-04-12',
        gender: 'M',
        mobile: '+91 90000 12345',
        email: 'test.kumar@patients.example',
      }),
    );
    expect(added.patient_id).toMatch(/\S/);

    const profile = structured<{
      patient: { name: string; mobile: string; dob: string };
      appointments: unknown[];
    }>(await server.call('get_comprehensive_patient_profile', { patient_id: added.patient_id }));
    expect(profile.patient).toMatchObject({
      name: 'Test Patient Kumar',
      mobile: '+919000012345',
      dob: '1990-04-12',
    });
    expect(profile.appointments).toEqual([]);

    const updated = await server.call('update_patient', {
      patient_id: added.patient_id,
      name: 'Test Patient Sharma',
    });
    expect(structured(updated).message).toMatch(/updated/i);
    const after = structured<{ patient: { name: string } }>(
      await server.call('get_comprehensive_patient_profile', {
        patient_id: added.patient_id,
        include_appointments: false,
      }),
    );
    expect(after.patient.name).toBe('Test Patient Sharma');

    const nothing = await server.call('update_patient', { patient_id: added.patient_id });
    expect(nothing.isError).toBe(true);
    expect(textOf(nothing)).toMatch(/Nothing to change/);

    const searchIds = async () =>
      structured<{ patients: { patient_id: string }[] }>(
        await server.call('search_patients', { prefix: 'Test Patient', limit: 50 }),
      ).patients.map((p) => p.patient_id);
    expect(await searchIds()).toContain(added.patient_id);
    const archived = structured<{ patient_id: string; message: string }>(
      await server.call('archive_patient', { patient_id: added.patient_id }),
    );
    expect(archived).toMatchObject({
      patient_id: added.patient_id,
      message: expect.stringMatching(/archived/i),
    });
    expect(await searchIds()).not.toContain(added.patient_id);
  });

  it('add_patient rejects a bad mobile, date, gender and future birth date with actionable messages', async () => {
    const base = { name: 'Asha Rao', dob: '1985-01-01', gender: 'F', mobile: '+919000012399' };
    const badMobile = await server.call('add_patient', { ...base, mobile: '12345' });
    expect(badMobile.isError).toBe(true);
    expect(textOf(badMobile)).toMatch(/10 digits starting 6-9, optionally after \+91 or 91/);
    const badDate = await server.call('add_patient', { ...base, dob: '01/02/1985' });
    expect(textOf(badDate)).toMatch(/YYYY-MM-DD/);
    const badGender = await server.call('add_patient', { ...base, gender: 'female' });
    expect(textOf(badGender)).toMatch(/M \(male\), F \(female\) or O/);
    const future = await server.call('add_patient', { ...base, dob: istDate(400) });
    expect(future.isError).toBe(true);
    expect(textOf(future)).toMatch(/future/);
  });

  it('refuses an id of dots as invalid input before anything reaches Eka', async () => {
    const since = Date.now();
    for (const patient_id of ['.', '..']) {
      const result = await server.call('get_comprehensive_patient_profile', { patient_id });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/Input validation error.*must be an Eka id, not dots/s);
    }
    expect(sandbox.requests.list().filter((r) => r.time >= since && r.path.startsWith('/profiles/'))).toEqual(
      [],
    );
  });

  it('get_comprehensive_patient_profile answers an unknown id with a clear not-found error', async () => {
    const result = await server.call('get_comprehensive_patient_profile', { patient_id: 'no-such-patient' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No patient with id no-such-patient.*search_patients.*\(not_found\)/s);
  });

  it('list_patients pages from page 1 and stops at the page Eka marks nextPage -1', async () => {
    const first = await server.call('list_patients', { page_size: 5 });
    const page = structured<{
      patients: { patient_id: string }[];
      page_no: number;
      next_page: number | null;
    }>(first);
    expect(page.page_no).toBe(1);
    expect(page.patients).toHaveLength(5);
    expect(page.next_page).toBe(2);
    expect(textOf(first)).toMatch(/page_no=2/);
    const second = structured<{ patients: { patient_id: string }[] }>(
      await server.call('list_patients', { page_no: 2, page_size: 5 }),
    );
    expect(second.patients).toHaveLength(5);
    const firstIds = page.patients.map((p) => p.patient_id);
    expect(second.patients.filter((p) => firstIds.includes(p.patient_id))).toEqual([]);

    // The last page: Eka answers nextPage -1, which is no page to offer.
    const active = seedPatients().filter((p) => !p.arc).length;
    const lastNo = Math.ceil((active + 10) / 50);
    let last = structured<{ patients: unknown[]; next_page: number | null }>(
      await server.call('list_patients', { page_no: 1, page_size: 50 }),
    );
    for (let n = 2; last.next_page !== null && n <= lastNo + 1; n += 1) {
      last = structured(await server.call('list_patients', { page_no: n, page_size: 50 }));
    }
    expect(last.next_page).toBeNull();
    expect(last.patients.length).toBeGreaterThan(0);

    const zero = await server.call('list_patients', { page_no: 0 });
    expect(textOf(zero)).toMatch(/page_no starts at 1/);
    const bad = await server.call('list_patients', { page_size: 5000 });
    expect(textOf(bad)).toMatch(/at most 2000/);
  });

  it('get_patient_details_basic reads the profile with the ABHA address Eka keeps as a string', async () => {
    const seeded = seedPatients().find((p) => !p.arc && p.abha)!;
    const details = structured<{ patient: Record<string, unknown> }>(
      await server.call('get_patient_details_basic', { patient_id: seeded.oid }),
    );
    expect(details.patient).toMatchObject({
      patient_id: seeded.oid,
      name: seeded.fln,
      mobile: seeded.mobile,
      abha_address: seeded.abha!.abha_address,
    });
  });

  it('accepts a mobile as 10 digits, +91... or 91... in search_patients and get_patient_by_mobile', async () => {
    const counts = new Map<string, number>();
    for (const p of seedPatients()) counts.set(p.mobile, (counts.get(p.mobile) ?? 0) + 1);
    const seeded = seedPatients().find((p) => !p.arc && counts.get(p.mobile) === 1)!;
    const ten = seeded.mobile.slice(3);
    for (const mobile of [ten, `+91${ten}`, `91${ten}`, `+91 ${ten.slice(0, 5)} ${ten.slice(5)}`]) {
      const found = structured<{ found: boolean; patient: { patient_id: string } }>(
        await server.call('get_patient_by_mobile', { mobile }),
      );
      expect(found, mobile).toMatchObject({ found: true, patient: { patient_id: seeded.oid } });
      const searched = structured<{ patients: { patient_id: string }[] }>(
        await server.call('search_patients', { prefix: mobile, limit: 50 }),
      );
      expect(
        searched.patients.map((p) => p.patient_id),
        mobile,
      ).toContain(seeded.oid);
    }
  });

  it('get_patient_by_mobile finds a seeded patient and says found=false for an unknown number', async () => {
    const counts = new Map<string, number>();
    for (const p of seedPatients()) counts.set(p.mobile, (counts.get(p.mobile) ?? 0) + 1);
    const seeded = seedPatients().find((p) => !p.arc && counts.get(p.mobile) === 1)!;
    const found = structured<{ found: boolean; patient: { patient_id: string } }>(
      await server.call('get_patient_by_mobile', { mobile: seeded.mobile }),
    );
    expect(found).toMatchObject({ found: true, patient: { patient_id: seeded.oid } });
    const missing = structured<{ found: boolean }>(
      await server.call('get_patient_by_mobile', { mobile: '+916000000001' }),
    );
    expect(missing.found).toBe(false);
    const bad = await server.call('get_patient_by_mobile', { mobile: '90000' });
    expect(bad.isError).toBe(true);
  });
});

describe('practice', () => {
  it('get_business_entities, get_doctor_profile_basic and get_clinic_details_basic describe the practice', async () => {
    const entities = structured<{
      business: { name: string };
      doctors: { doctor_id: string; name: string }[];
    }>(await server.call('get_business_entities'));
    expect(entities.business.name).toBe(BUSINESS.name);
    expect(entities.doctors.map((d) => d.doctor_id).sort()).toEqual(DOCTORS.map((d) => d.doctor_id).sort());
    const seededDoctor = DOCTORS.find((d) => d.doctor_id === doctorId)!;
    const seededClinic = CLINICS.find((c) => c.clinic_id === clinicId)!;
    const doctor = structured<{
      doctor_id: string;
      name: string;
      clinic_ids: string[];
      specialties: string[];
      languages: string[];
    }>(await server.call('get_doctor_profile_basic', { doctor_id: doctorId }));
    expect(doctor.name).toContain(`${seededDoctor.firstName} ${seededDoctor.lastName}`);
    expect([...doctor.clinic_ids].sort()).toEqual([...seededDoctor.clinics].sort());
    // Eka's fields: major_speciality.name, speciality[].name and professional.language[].language.
    expect(doctor.specialties).toEqual(seededDoctor.specialties);
    expect(doctor.specialties.length).toBeGreaterThan(0);
    expect(doctor.languages).toEqual(seededDoctor.languages);
    expect(textOf(await server.call('get_doctor_profile_basic', { doctor_id: doctorId }))).toContain(
      `Speaks ${seededDoctor.languages.join(', ')}`,
    );
    const clinic = structured<{ clinic_id: string; name: string }>(
      await server.call('get_clinic_details_basic', { clinic_id: clinicId }),
    );
    expect(clinic).toMatchObject({ clinic_id: clinicId });
    expect(clinic.name).toBe(seededClinic.name);

    const services = structured<{
      services: { service_name: string; fee: number; duration_minutes: number }[];
    }>(await server.call('get_doctor_services', { doctor_id: doctorId })).services;
    expect(services.map((s) => s.fee).sort()).toEqual(
      seededDoctor.clinics.map((id) => CLINICS.find((c) => c.clinic_id === id)!.services[0]!.fee).sort(),
    );
    expect(services.every((s) => s.service_name && s.duration_minutes > 0)).toBe(true);

    const unknown = await server.call('get_doctor_profile_basic', { doctor_id: 'nobody' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/get_business_entities/);
    const bad = await server.call('get_clinic_details_basic', { clinic_id: 'a b/c' });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/may contain only letters/);
  });
});

describe('appointments', () => {
  it('get_available_dates lists only dates that have free slots', async () => {
    const result = structured<{ dates: { date: string; free_slots: number }[] }>(
      await server.call('get_available_dates', { doctor_id: doctorId, clinic_id: clinicId }),
    );
    expect(result.dates.length).toBeGreaterThan(0);
    const slots = await freeSlots();
    for (const day of result.dates) {
      expect(day.free_slots).toBe(slots.filter((s) => s.date === day.date && s.available).length);
    }
    const backwards = await server.call('get_available_dates', {
      doctor_id: doctorId,
      clinic_id: clinicId,
      start_date: istDate(3),
      end_date: istDate(1),
    });
    expect(backwards.isError).toBe(true);
    expect(textOf(backwards)).toMatch(/before start_date/);
  });

  it('get_appointment_slots returns free slots with epoch seconds and IST times, and limits the range', async () => {
    const slots = await freeSlots();
    expect(slots.length).toBeGreaterThan(0);
    for (const slot of slots) {
      expect(slot.available).toBe(true);
      expect(slot.start).toMatch(/\+05:30$/);
      expect(new Date(slot.start).getTime() / 1000).toBe(slot.start_time);
    }
    const tooLong = await server.call('get_appointment_slots', {
      doctor_id: doctorId,
      clinic_id: clinicId,
      start_date: istDate(0),
      end_date: istDate(20),
    });
    expect(tooLong.isError).toBe(true);
    expect(textOf(tooLong)).toMatch(/at most 10 days/);
  });

  it('book_appointment books a free slot, then offers the nearest free alternatives for the same slot', async () => {
    const patientId = await anyPatientId();
    const slot = (await freeSlots())[0]!;
    const booked = structured<{ booked: boolean; appointment_id: string }>(
      await server.call('book_appointment', {
        patient_id: patientId,
        doctor_id: doctorId,
        clinic_id: clinicId,
        start_time: slot.start_time,
        mode: 'PHONE',
        notes: 'Follow-up',
      }),
    );
    expect(booked.booked).toBe(true);
    expect(booked.appointment_id).toMatch(/\S/);

    const again = await server.call('book_appointment', {
      patient_id: patientId,
      doctor_id: doctorId,
      clinic_id: clinicId,
      start_time: slot.start_time,
    });
    const taken = structured<{ booked: boolean; reason_not_booked: string; alternatives: Slot[] }>(again);
    expect(taken).toMatchObject({ booked: false, reason_not_booked: 'slot_taken' });
    expect(taken.alternatives.every((s) => s.available && s.start_time !== slot.start_time)).toBe(true);
    const distance = (s: Slot) => Math.abs(s.start_time - slot.start_time);
    const nearest = (await freeSlots())
      .filter((s) => s.start_time !== slot.start_time)
      .sort((x, y) => distance(x) - distance(y) || x.start_time - y.start_time)
      .slice(0, taken.alternatives.length)
      .map((s) => s.start_time)
      .sort((x, y) => x - y);
    expect(taken.alternatives.length).toBeGreaterThan(0);
    expect(taken.alternatives.map((s) => s.start_time)).toEqual(nearest);
    expect(textOf(again)).toMatch(/already taken/);

    const listed = structured<{ appointments: { appointment_id: string }[] }>(
      await server.call('get_patient_appointments_basic', { patient_id: patientId }),
    );
    expect(listed.appointments.map((a) => a.appointment_id)).toContain(booked.appointment_id);

    // The booking went out as Eka publishes it: mode PHONE and the notes at the top level.
    const details = structured<{ appointment: Record<string, unknown> }>(
      await server.call('get_appointment_details', { appointment_id: booked.appointment_id }),
    );
    const fee = CLINICS.find((c) => c.clinic_id === clinicId)!.services[0]!.fee;
    expect(details.appointment).toMatchObject({
      appointment_id: booked.appointment_id,
      patient_id: patientId,
      status: 'BK',
      mode: 'tele',
      notes: 'Follow-up',
      start_time: slot.start_time,
      fee,
    });
    const audio = await server.call('book_appointment', {
      patient_id: patientId,
      doctor_id: doctorId,
      clinic_id: clinicId,
      start_time: slot.start_time,
      mode: 'AUDIO',
    });
    expect(textOf(audio)).toMatch(/INCLINIC, PHONE, VIDEO/);
  });

  it('book_appointment refuses past times and millisecond timestamps', async () => {
    const patientId = await anyPatientId();
    const past = await server.call('book_appointment', {
      patient_id: patientId,
      doctor_id: doctorId,
      clinic_id: clinicId,
      start_time: 1_600_000_000,
    });
    expect(past.isError).toBe(true);
    expect(textOf(past)).toMatch(/in the past/);
    const millis = await server.call('book_appointment', {
      patient_id: patientId,
      doctor_id: doctorId,
      clinic_id: clinicId,
      start_time: Date.now() + 86_400_000,
    });
    expect(millis.isError).toBe(true);
    expect(textOf(millis)).toMatch(/epoch seconds/);
  });

  it('get_appointment_slots gives each slot the fee of its service (data.services[conf_id].price)', async () => {
    const fee = CLINICS.find((c) => c.clinic_id === clinicId)!.services[0]!.fee;
    const slots = structured<{ slots: { fee?: number; service_name?: string }[] }>(
      await server.call('get_appointment_slots', {
        doctor_id: doctorId,
        clinic_id: clinicId,
        start_date: istDate(0),
        end_date: istDate(6),
        only_available: false,
      }),
    ).slots;
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.fee === fee && s.service_name)).toBe(true);
  });

  it('complete_appointment and cancel_appointment get 204 from Eka and the list shows CM and CN', async () => {
    const patientId = await anyPatientId();
    const [first, second] = (await freeSlots()).slice(-2);
    const book = async (slot: Slot) =>
      structured<{ appointment_id: string }>(
        await server.call('book_appointment', {
          patient_id: patientId,
          doctor_id: doctorId,
          clinic_id: clinicId,
          start_time: slot.start_time,
        }),
      ).appointment_id;
    const a = await book(first!);
    const b = await book(second!);
    const shown = structured<{ appointments: { appointment_id: string; status: string }[] }>(
      await server.call('show_appointments_basic', {
        doctor_id: doctorId,
        start_date: first!.date,
        end_date: second!.date,
      }),
    );
    expect(shown.appointments.map((x) => x.appointment_id)).toEqual(expect.arrayContaining([a, b]));

    const since = Date.now();
    const completed = structured<{ status: string }>(
      await server.call('complete_appointment', { appointment_id: a }),
    );
    expect(completed.status).toBe('CM');
    const cancelled = structured<{ status: string }>(
      await server.call('cancel_appointment', { appointment_id: b }),
    );
    expect(cancelled.status).toBe('CN');
    expect(
      sandbox.requests
        .list()
        .filter((r) => r.time >= since && /\/(complete|cancel)$/.test(r.path))
        .map((r) => r.status),
    ).toEqual([204, 204]);
    const cancelCompleted = await server.call('cancel_appointment', { appointment_id: a });
    expect(cancelCompleted.isError).toBe(true);
    expect(textOf(cancelCompleted)).toMatch(/completed appointment cannot be cancelled/);
    const unknown = await server.call('complete_appointment', { appointment_id: 'a-99999' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/No appointment with id a-99999/);

    const after = structured<{
      appointments: { appointment_id: string; status: string; status_text: string }[];
    }>(
      await server.call('show_appointments_basic', {
        doctor_id: doctorId,
        start_date: first!.date,
        end_date: second!.date,
      }),
    );
    // The list carries the same status codes the status changes reported.
    const statusOf = new Map(after.appointments.map((x) => [x.appointment_id, x.status]));
    expect([statusOf.get(a), statusOf.get(b)]).toEqual(['CM', 'CN']);
    expect(after.appointments.find((x) => x.appointment_id === a)?.status_text).toBe('completed');
  });

  it('show_appointments_basic pages through a range with more than one page (a full page means more)', async () => {
    const seen: string[] = [];
    let pageNo = 0;
    let pages = 0;
    for (;;) {
      const page = structured<{ appointments: { appointment_id: string }[]; next_page: number | null }>(
        await server.call('show_appointments_basic', {
          start_date: istDate(0),
          end_date: istDate(6),
          page_no: pageNo,
        }),
      );
      pages += 1;
      seen.push(...page.appointments.map((a) => a.appointment_id));
      if (page.next_page === null) break;
      expect(page.appointments).toHaveLength(30);
      pageNo = page.next_page;
    }
    expect(pages).toBeGreaterThan(1);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => id.startsWith('a-seed-'))).toHaveLength(45);

    const eightDays = await server.call('show_appointments_basic', {
      start_date: istDate(0),
      end_date: istDate(7),
    });
    expect(eightDays.isError).toBe(true);
    expect(textOf(eightDays)).toMatch(/at most 7 days/);
    const mixed = await server.call('show_appointments_basic', {
      patient_id: await anyPatientId(),
      doctor_id: doctorId,
    });
    expect(mixed.isError).toBe(true);
    expect(textOf(mixed)).toMatch(/patient_id alone/);
  });

  it('reschedule_appointment moves an appointment to a free slot and refuses a taken one', async () => {
    const patientId = await anyPatientId();
    const free = await freeSlots();
    const [from, to, taken] = [free[2]!, free[3]!, free[4]!];
    const book = async (slot: Slot) =>
      structured<{ appointment_id: string }>(
        await server.call('book_appointment', {
          patient_id: patientId,
          doctor_id: doctorId,
          clinic_id: clinicId,
          start_time: slot.start_time,
        }),
      ).appointment_id;
    const id = await book(from);
    const other = await book(taken);
    const moved = structured<{ rescheduled: boolean; start_time: number }>(
      await server.call('reschedule_appointment', { appointment_id: id, start_time: to.start_time }),
    );
    expect(moved).toMatchObject({ rescheduled: true, start_time: to.start_time });
    const details = structured<{ appointment: { start_time: number; status: string } }>(
      await server.call('get_appointment_details', { appointment_id: id }),
    );
    expect(details.appointment).toMatchObject({ start_time: to.start_time, status: 'RE' });

    const refused = structured<{ rescheduled: boolean; reason_not_booked: string; alternatives: Slot[] }>(
      await server.call('reschedule_appointment', { appointment_id: id, start_time: taken.start_time }),
    );
    expect(refused).toMatchObject({ rescheduled: false, reason_not_booked: 'slot_taken' });
    expect(refused.alternatives.length).toBeGreaterThan(0);
    expect(
      structured<{ appointment: { start_time: number } }>(
        await server.call('get_appointment_details', { appointment_id: id }),
      ).appointment.start_time,
    ).toBe(to.start_time);
    await server.call('cancel_appointment', { appointment_id: other });
  });
});

describe('ABHA', () => {
  const withAbha = () => seedPatients().filter((p) => p.abha && !p.arc);
  const family = () => {
    const byMobile = new Map<string, ReturnType<typeof seedPatients>>();
    for (const p of withAbha()) byMobile.set(p.mobile, [...(byMobile.get(p.mobile) ?? []), p]);
    return [...byMobile.values()].find((list) => list.length >= 2)!;
  };
  const isPng = (data: string) => Buffer.from(data, 'base64').subarray(1, 4).toString('latin1') === 'PNG';

  it('logs in a mobile with two ABHA profiles: new txn_id at each step, choice, then the card as a PNG', async () => {
    const [one, two] = family();
    const ten = one!.mobile.slice(3);
    const sent = structured<{ txn_id: string }>(await server.call('abha_send_otp', { mobile: `91${ten}` }));
    expect(sent.txn_id).toMatch(/\S/);

    const wrong = await server.call('abha_verify_otp', { txn_id: sent.txn_id, otp: '12' });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toMatch(/6-digit/);

    const verifiedResult = await server.call('abha_verify_otp', { txn_id: sent.txn_id, otp: ABHA_TEST_OTP });
    const verified = structured<{
      status: string;
      txn_id: string;
      profiles: { abha_address: string; name: string; kyc_verified: boolean }[];
    }>(verifiedResult);
    expect(verified.status).toBe('abha_select');
    expect(verified.profiles.map((p) => p.abha_address).sort()).toEqual(
      [one!.abha!.abha_address, two!.abha!.abha_address].sort(),
    );
    expect(verified.profiles.find((p) => p.abha_address === one!.abha!.abha_address)).toMatchObject({
      name: one!.fln,
      kyc_verified: true,
    });
    expect(verified.txn_id).not.toBe(sent.txn_id);
    expect(verifiedResult.content.some((c) => c.type === 'image')).toBe(false);

    // The spent txn_id of the OTP step is refused at the selection step.
    const stale = await server.call('abha_select_profile', {
      txn_id: sent.txn_id,
      phr_address: two!.abha!.abha_address,
    });
    expect(stale.isError).toBe(true);

    const chosenResult = await server.call('abha_select_profile', {
      txn_id: verified.txn_id,
      phr_address: two!.abha!.abha_address,
    });
    const chosen = structured<{ status: string; abha_address: string; patient_id: string; card: string }>(
      chosenResult,
    );
    expect(chosen).toMatchObject({
      status: 'abha_end',
      abha_address: two!.abha!.abha_address,
      patient_id: two!.oid,
      card: 'attached',
    });
    const image = chosenResult.content.find((c) => c.type === 'image');
    expect(image).toMatchObject({ type: 'image', mimeType: 'image/png' });
    expect(isPng((image as { data: string }).data)).toBe(true);

    const badAddress = await server.call('abha_select_profile', {
      txn_id: verified.txn_id,
      phr_address: 'not an address',
    });
    expect(textOf(badAddress)).toMatch(/name@abdm/);
  });

  it('logs in a mobile with one ABHA profile straight away and attaches its card', async () => {
    const counts = new Map<string, number>();
    for (const p of withAbha()) counts.set(p.mobile, (counts.get(p.mobile) ?? 0) + 1);
    const single = withAbha().find((p) => counts.get(p.mobile) === 1)!;
    const sent = structured<{ txn_id: string }>(
      await server.call('abha_send_otp', { mobile: single.mobile }),
    );
    const result = await server.call('abha_verify_otp', { txn_id: sent.txn_id, otp: ABHA_TEST_OTP });
    expect(structured(result)).toMatchObject({
      status: 'abha_end',
      patient_id: single.oid,
      abha_address: single.abha!.abha_address,
      card: 'attached',
    });
    const image = result.content.find((c) => c.type === 'image') as { data: string } | undefined;
    expect(image && isPng(image.data)).toBe(true);
  });
});

describe('knowledge', () => {
  it('indian_branded_drug_search finds Indian brands of a generic', async () => {
    const result = structured<{ drugs: { name: string; generic_name: string }[]; count: number }>(
      await server.call('indian_branded_drug_search', { drug_name: 'paracetamol' }),
    );
    expect(result.count).toBeGreaterThan(0);
    expect(result.drugs.some((d) => /paracetamol/i.test(`${d.name} ${d.generic_name}`))).toBe(true);
    const bad = await server.call('indian_branded_drug_search', { drug_name: '' });
    expect(bad.isError).toBe(true);
  });

  it('protocol_publishers lists all publishers and indian_treatment_protocol_search sends {queries: [...]}', async () => {
    const publishers = structured<{ publishers: string[] }>(await server.call('protocol_publishers'));
    expect([...publishers.publishers].sort()).toEqual([...new Set(PROTOCOLS.map((p) => p.publisher))].sort());
    const protocols = structured<{ protocols: { url?: string; author?: string }[]; count: number }>(
      await server.call('indian_treatment_protocol_search', {
        query: 'type 2 diabetes',
        tag: 'diabetes',
        publisher: 'ICMR',
      }),
    );
    const icmrDiabetes = new Set(
      PROTOCOLS.filter((p) => p.publisher === 'ICMR' && p.tags.includes('diabetes')).map((p) => p.url),
    );
    expect(protocols.count).toBeGreaterThan(0);
    expect(protocols.protocols.every((p) => p.url !== undefined && icmrDiabetes.has(p.url))).toBe(true);
    const missing = await server.call('indian_treatment_protocol_search', { query: 'x', tag: 'diabetes' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/publisher/);
  });

  it('indian_pharmacology_details describes a generic drug with its generic_category', async () => {
    const result = structured<{ results: { generic_name: string; generic_category?: string }[] }>(
      await server.call('indian_pharmacology_details', { query: 'metformin' }),
    );
    expect(result.results.length).toBeGreaterThan(0);
    expect(result.results[0]!.generic_name).toMatch(/metformin/i);
    const seeded = PHARMACOLOGY.find((e) => /metformin/i.test(e.generic_name))!;
    expect(result.results[0]!.generic_category).toBe(seeded.generic_category);
  });
});

describe('contract', () => {
  it('every request the tools sent above is a described endpoint (method and path)', () => {
    const described = ekaEndpoints.map((e) => ({
      method: e.method,
      regex: new RegExp(`^${e.path.replace(/\/$/, '').replace(/\{[A-Za-z0-9_]+\}/g, '[^/]+')}/?$`),
    }));
    const requests = sandbox.requests.list();
    expect(requests.length).toBeGreaterThan(50);
    const undescribed = requests.filter(
      (r) => !described.some((d) => d.method === r.method && d.regex.test(r.path)),
    );
    expect(undescribed).toEqual([]);
    expect(requests.every((r) => r.status < 500)).toBe(true);
  });
});
