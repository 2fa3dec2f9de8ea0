/**
 * Every tool through a real MCP client over stdio, spawning the built bundle
 * in client-credentials mode against the sandbox: happy path and bad input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ABHA_TEST_OTP } from '../sandbox/credentials';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { BUSINESS, CLINICS, DOCTORS } from '../sandbox/seed/practice';
import { PROTOCOLS } from '../sandbox/seed/protocols';
import { credentialsEnv, istDate, type ServerHandle, startServer, structured, textOf } from './harness';

const EVERY_TOOL = [
  'search_patients',
  'get_comprehensive_patient_profile',
  'add_patient',
  'list_patients',
  'update_patient',
  'archive_patient',
  'get_patient_by_mobile',
  'get_business_entities',
  'get_doctor_profile_basic',
  'get_clinic_details_basic',
  'get_available_dates',
  'get_appointment_slots',
  'book_appointment',
  'show_appointments_basic',
  'get_patient_appointments_basic',
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
        address: { line1: '1, MG Road', city: 'Bengaluru', state: 'Karnataka', pincode: '560001' },
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
    expect(textOf(badMobile)).toMatch(/\+91 followed by 10 digits/);
    const badDate = await server.call('add_patient', { ...base, dob: '01/02/1985' });
    expect(textOf(badDate)).toMatch(/YYYY-MM-DD/);
    const badGender = await server.call('add_patient', { ...base, gender: 'female' });
    expect(textOf(badGender)).toMatch(/M \(male\), F \(female\) or O/);
    const future = await server.call('add_patient', { ...base, dob: istDate(400) });
    expect(future.isError).toBe(true);
    expect(textOf(future)).toMatch(/future/);
  });

  it('get_comprehensive_patient_profile answers an unknown id with a clear not-found error', async () => {
    const result = await server.call('get_comprehensive_patient_profile', { patient_id: 'no-such-patient' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/No patient with id no-such-patient.*search_patients.*\(not_found\)/s);
  });

  it('list_patients pages through patients and says how to get the next page', async () => {
    const first = await server.call('list_patients', { page_no: 0, page_size: 5 });
    const page = structured<{ patients: unknown[]; next_page: number | null }>(first);
    expect(page.patients).toHaveLength(5);
    expect(page.next_page).toBe(1);
    expect(textOf(first)).toMatch(/page_no=1/);
    const second = structured<{ patients: { patient_id: string }[] }>(
      await server.call('list_patients', { page_no: 1, page_size: 5 }),
    );
    expect(second.patients).toHaveLength(5);
    const firstIds = (page.patients as { patient_id: string }[]).map((p) => p.patient_id);
    expect(second.patients.filter((p) => firstIds.includes(p.patient_id))).toEqual([]);
    const bad = await server.call('list_patients', { page_size: 5000 });
    expect(textOf(bad)).toMatch(/at most 2000/);
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
    }>(await server.call('get_doctor_profile_basic', { doctor_id: doctorId }));
    expect(doctor.name).toContain(`${seededDoctor.firstName} ${seededDoctor.lastName}`);
    expect([...doctor.clinic_ids].sort()).toEqual([...seededDoctor.clinics].sort());
    expect(doctor.specialties).toEqual(seededDoctor.specialties);
    const clinic = structured<{ clinic_id: string; name: string }>(
      await server.call('get_clinic_details_basic', { clinic_id: clinicId }),
    );
    expect(clinic).toMatchObject({ clinic_id: clinicId });
    expect(clinic.name).toBe(seededClinic.name);

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
        reason: 'Follow-up',
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
      await server.call('get_patient_appointments_basic', { patient_id: patientId, start_date: slot.date }),
    );
    expect(listed.appointments.map((a) => a.appointment_id)).toContain(booked.appointment_id);
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

  it('show_appointments_basic, complete_appointment and cancel_appointment manage the day list', async () => {
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
    const shown = structured<{
      appointments: { appointment_id: string; status: string }[];
      next_page: number | null;
    }>(
      await server.call('show_appointments_basic', {
        doctor_id: doctorId,
        start_date: first!.date,
        end_date: second!.date,
      }),
    );
    expect(shown.appointments.map((x) => x.appointment_id)).toEqual(expect.arrayContaining([a, b]));

    const completed = structured<{ status: string }>(
      await server.call('complete_appointment', { appointment_id: a }),
    );
    expect(completed.status).toBe('COMPLETED');
    const cancelled = structured<{ status: string }>(
      await server.call('cancel_appointment', { appointment_id: b }),
    );
    expect(cancelled.status).toBe('CANCELLED');
    const cancelCompleted = await server.call('cancel_appointment', { appointment_id: a });
    expect(cancelCompleted.isError).toBe(true);
    expect(textOf(cancelCompleted)).toMatch(/conflict/);
    const unknown = await server.call('complete_appointment', { appointment_id: 'a-99999' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/No appointment with id a-99999/);

    const after = structured<{ appointments: { appointment_id: string; status: string }[] }>(
      await server.call('show_appointments_basic', {
        doctor_id: doctorId,
        start_date: first!.date,
        end_date: second!.date,
      }),
    );
    // The day list carries the same status words the status changes reported.
    const statusOf = new Map(after.appointments.map((x) => [x.appointment_id, x.status]));
    expect([statusOf.get(a), statusOf.get(b)]).toEqual([completed.status, cancelled.status]);
  });
});

describe('ABHA', () => {
  it('abha_send_otp, abha_verify_otp and abha_select_profile log a patient in to ABHA', async () => {
    const withAbha = seedPatients().filter((p) => p.abha && !p.arc);
    const byMobile = new Map<string, number>();
    for (const p of withAbha) byMobile.set(p.mobile, (byMobile.get(p.mobile) ?? 0) + 1);
    const patient = withAbha[0]!;
    const sent = structured<{ txn_id: string }>(
      await server.call('abha_send_otp', { mobile: patient.mobile }),
    );
    expect(sent.txn_id).toMatch(/\S/);

    const wrong = await server.call('abha_verify_otp', { txn_id: sent.txn_id, otp: '12' });
    expect(wrong.isError).toBe(true);
    expect(textOf(wrong)).toMatch(/6-digit/);

    const verified = structured<{ status: string; profiles: { phr_address: string }[] }>(
      await server.call('abha_verify_otp', { txn_id: sent.txn_id, otp: ABHA_TEST_OTP }),
    );
    expect(['abha_end', 'abha_select']).toContain(verified.status);
    expect(verified.profiles.map((p) => p.phr_address)).toContain(patient.abha!.abha_address);

    const chosen = structured<{ phr_address: string; patient_id: string }>(
      await server.call('abha_select_profile', {
        txn_id: sent.txn_id,
        phr_address: patient.abha!.abha_address,
      }),
    );
    expect(chosen).toMatchObject({ phr_address: patient.abha!.abha_address, patient_id: patient.oid });

    const badAddress = await server.call('abha_select_profile', {
      txn_id: sent.txn_id,
      phr_address: 'not an address',
    });
    expect(textOf(badAddress)).toMatch(/name@abdm/);
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

  it('protocol_publishers and indian_treatment_protocol_search find protocols for a condition', async () => {
    const publishers = structured<{ publishers: string[] }>(
      await server.call('protocol_publishers', { tag: 'diabetes' }),
    );
    const seededPublishers = [
      ...new Set(PROTOCOLS.filter((p) => p.tags.includes('diabetes')).map((p) => p.publisher)),
    ];
    expect([...publishers.publishers].sort()).toEqual(seededPublishers.sort());
    const protocols = structured<{ protocols: { url?: string; publisher?: string }[]; count: number }>(
      await server.call('indian_treatment_protocol_search', {
        query: 'type 2 diabetes',
        tag: 'diabetes',
        publisher: publishers.publishers[0],
      }),
    );
    expect(protocols.count).toBeGreaterThan(0);
    expect(protocols.protocols.every((p) => p.publisher === publishers.publishers[0])).toBe(true);
    const seededUrls = new Set(PROTOCOLS.map((p) => p.url));
    expect(protocols.protocols.every((p) => p.url !== undefined && seededUrls.has(p.url))).toBe(true);
    const missing = await server.call('indian_treatment_protocol_search', { query: 'x', tag: 'diabetes' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toMatch(/publisher/);
  });

  it('indian_pharmacology_details describes a generic drug', async () => {
    const result = structured<{ results: { generic_name: string }[] }>(
      await server.call('indian_pharmacology_details', { query: 'metformin' }),
    );
    expect(result.results.length).toBeGreaterThan(0);
    expect(result.results[0]!.generic_name).toMatch(/metformin/i);
  });
});
