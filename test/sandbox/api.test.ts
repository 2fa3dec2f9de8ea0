import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { integratorToken } from '../support/integrator-token';
import { startSandbox } from './index';
import type { Sandbox } from './types';

type Json = Record<string, unknown>;

describe('sandbox Eka API: documented shapes', () => {
  let sandbox: Sandbox;
  let token: string;

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${sandbox.apiBaseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        'client-id': sandbox.clients.integrator.client_id,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const type = res.headers.get('content-type') ?? '';
    const data = type.includes('json')
      ? ((await res.json()) as unknown)
      : Buffer.from(await res.arrayBuffer());
    return { status: res.status, data: data as Json & Json[] & Buffer, headers: res.headers };
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
    token = await integratorToken(sandbox);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  describe('patients', () => {
    it('searches by name prefix with a limit and extra selected fields', async () => {
      const { status, data } = await call(
        'GET',
        '/profiles/v1/patient/search?prefix=a&limit=5&select=dob,gen',
      );
      expect(status).toBe(200);
      expect(Array.isArray(data)).toBe(true);
      expect(data.length).toBeGreaterThan(0);
      expect(data.length).toBeLessThanOrEqual(5);
      for (const p of data) {
        expect(p).toEqual({
          oid: expect.any(String),
          fln: expect.any(String),
          mobile: expect.stringMatching(/^\+91\d{10}$/),
          username: expect.any(String),
          dob: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
          gen: expect.stringMatching(/^[MFO]$/),
        });
        expect(
          (p.fln as string)
            .toLowerCase()
            .split(' ')
            .some((w) => w.startsWith('a')),
        ).toBe(true);
      }
    });

    it('refuses a search limit above 50 and an unknown select field', async () => {
      expect((await call('GET', '/profiles/v1/patient/search?prefix=a&limit=51')).status).toBe(400);
      const bad = await call('GET', '/profiles/v1/patient/search?prefix=a&select=password');
      expect(bad.status).toBe(400);
      expect(bad.data.error).toBe('invalid_request');
    });

    it('pages minified profiles', async () => {
      const first = await call('GET', '/profiles/v1/patient/minified/?pageNo=0&pageSize=20');
      expect(first.status).toBe(200);
      expect(first.data.profiles).toHaveLength(20);
      expect(first.data.currPageMeta).toEqual({ currPageNo: 0, pageSize: 20, nextPage: 1 });
      const all = await call('GET', '/profiles/v1/patient/minified/?pageNo=0&pageSize=2000&arc=true');
      const active = await call('GET', '/profiles/v1/patient/minified/?pageNo=0&pageSize=2000');
      expect((all.data.profiles as Json[]).length).toBe((active.data.profiles as Json[]).length + 1);
      expect((all.data.currPageMeta as Json).nextPage).toBeNull();
      expect((await call('GET', '/profiles/v1/patient/minified/?pageSize=2001')).status).toBe(400);
    });

    it('adds, reads, updates, finds by mobile and archives a patient', async () => {
      const added = await call('POST', '/profiles/v1/patient/', {
        fln: 'Kavita Joshi',
        dob: '1988-04-12',
        gen: 'F',
        mobile: '+919000099901',
        email: 'kavita.joshi@patients.example',
        address: { line1: '7, Lake View Layout', city: 'Pune', state: 'Maharashtra', pincode: '411001' },
      });
      expect(added.status).toBe(201);
      const oid = added.data.oid as string;
      expect(oid).toMatch(/^\d+$/);

      const profile = await call('GET', `/profiles/v1/patient/${oid}`);
      expect(profile.status).toBe(200);
      expect(profile.data).toMatchObject({
        oid,
        fln: 'Kavita Joshi',
        dob: '1988-04-12',
        gen: 'F',
        mobile: '+919000099901',
      });

      const patched = await call('PATCH', `/profiles/v1/patient/${oid}`, { fln: 'Kavita R. Joshi' });
      expect(patched.status).toBe(200);
      expect(patched.data.message).toEqual(expect.any(String));
      expect((await call('GET', `/profiles/v1/patient/${oid}`)).data.fln).toBe('Kavita R. Joshi');

      const byMobile = await call(
        'GET',
        '/profiles/v1/patient/by-mobile/?mob=%2B919000099901&full_profile=true',
      );
      expect(byMobile.status).toBe(200);
      expect(byMobile.data).toMatchObject({ oid, fln: 'Kavita R. Joshi', username: expect.any(String) });

      const archived = await call('DELETE', `/profiles/v1/patient/${oid}`);
      expect(archived.status).toBe(200);
      expect(archived.data.message).toEqual(expect.any(String));
      expect((await call('GET', `/profiles/v1/patient/${oid}`)).data.arc).toBe(true);
      const search = await call('GET', '/profiles/v1/patient/search?prefix=kavita');
      expect((search.data as Json[]).some((p) => p.oid === oid)).toBe(false);
    });

    it('answers bad input with a 4xx JSON error and changes nothing', async () => {
      const malformed = await call('POST', '/profiles/v1/patient/', '{"fln": "Ravi", ');
      expect(malformed.status).toBe(400);
      expect(malformed.data).toEqual({ error: 'invalid_json', message: expect.any(String) });

      const badMobile = await call('POST', '/profiles/v1/patient/', {
        fln: 'Ravi Kumar',
        dob: '1990-01-01',
        gen: 'M',
        mobile: '9876543210',
      });
      expect(badMobile.status).toBe(400);
      expect(badMobile.data.error).toBe('invalid_mobile');
      expect(badMobile.data.message).toContain('+91XXXXXXXXXX');

      const badDate = await call('POST', '/profiles/v1/patient/', {
        fln: 'Ravi Kumar',
        dob: '1990-02-30',
        gen: 'M',
        mobile: '+919000099902',
      });
      expect(badDate.status).toBe(400);
      expect(badDate.data.error).toBe('invalid_date');

      const unknown = await call('GET', '/profiles/v1/patient/999999999');
      expect(unknown.status).toBe(404);
      expect(unknown.data.error).toBe('patient_not_found');

      const target = (await call('GET', '/profiles/v1/patient/search?prefix=a&limit=1')).data[0] as Json;
      const partlyBad = await call('PATCH', `/profiles/v1/patient/${target.oid}`, {
        fln: 'Changed Name',
        mobile: '123',
      });
      expect(partlyBad.status).toBe(400);
      expect((await call('GET', `/profiles/v1/patient/${target.oid}`)).data.fln).toBe(target.fln);

      expect((await call('GET', '/profiles/v1/patient/by-mobile/?mob=12345')).status).toBe(400);
      // An unencoded "+" is read as the +91 prefix.
      expect((await call('GET', '/profiles/v1/patient/by-mobile/?mob=+919000010000')).status).toBe(200);
      expect((await call('GET', '/profiles/v1/patient/by-mobile/?mob=%2B919999999999')).status).toBe(404);
      expect((await call('GET', '/no/such/endpoint')).status).toBe(404);
      const badEncoding = await call('GET', '/profiles/v1/patient/%E0%A4%A');
      expect(badEncoding.status).toBe(400);
      expect(badEncoding.data.error).toBe('invalid_request');
      expect((await call('PUT', '/profiles/v1/patient/search')).status).toBe(405);
    });
  });

  describe('practice', () => {
    it('lists the business, two clinics and their doctors', async () => {
      const { status, data } = await call('GET', '/dr/v1/business/entities');
      expect(status).toBe(200);
      const d = data.data as { business: Json; clinics: Json[]; doctors: Json[] };
      expect(d.business).toEqual({ business_id: expect.any(String), name: expect.any(String) });
      expect(d.clinics).toHaveLength(2);
      expect(d.doctors.length).toBeGreaterThanOrEqual(3);
      for (const c of d.clinics)
        expect(c).toEqual({
          clinic_id: expect.any(String),
          name: expect.any(String),
          doctors: expect.any(Array),
        });
      for (const doc of d.doctors)
        expect(doc).toEqual({
          doctor_id: expect.any(String),
          name: expect.any(String),
          pic: expect.any(String),
        });
    });

    it('returns a doctor profile and clinic details, 404 for unknown ids', async () => {
      const entities = (await call('GET', '/dr/v1/business/entities')).data.data as {
        clinics: Json[];
        doctors: Json[];
      };
      const doctorId = entities.doctors[0]?.doctor_id as string;
      const clinicId = entities.clinics[0]?.clinic_id as string;
      const doctor = await call('GET', `/dr/v1/doctor/${doctorId}`);
      expect(doctor.status).toBe(200);
      const profile = (doctor.data.data as Json).profile as Json;
      expect(profile.personal).toMatchObject({ doctor_id: doctorId, name: expect.any(String) });
      expect(profile.professional).toMatchObject({
        specialties: expect.any(Array),
        languages: expect.any(Array),
        clinics: expect.any(Array),
      });
      const clinic = await call('GET', `/dr/v1/business/clinic/${clinicId}`);
      expect(clinic.status).toBe(200);
      expect((clinic.data.data as Json).clinic).toMatchObject({
        clinic_id: clinicId,
        name: expect.any(String),
        address: expect.any(Object),
      });
      expect((await call('GET', '/dr/v1/doctor/d-nobody')).status).toBe(404);
      expect((await call('GET', '/dr/v1/business/clinic/c-nowhere')).status).toBe(404);
    });
  });

  describe('appointments', () => {
    const istDate = (offsetDays: number) =>
      new Date(Date.now() + 5.5 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);

    async function freeSlot() {
      const doctorId = 'd-ananya-iyer';
      const clinicId = 'c-indiranagar';
      const res = await call(
        'GET',
        `/dr/v1/doctor/${doctorId}/clinic/${clinicId}/appointment/slot?start_date=${istDate(0)}&end_date=${istDate(6)}`,
      );
      const services = ((res.data.data as Json).schedule as Record<string, Json[]>)[clinicId] ?? [];
      const slots = (services[0]?.slots ?? []) as { s: string; e: string; available: boolean }[];
      const slot = slots.find((s) => s.available);
      if (!slot) throw new Error('the seed week has no free slot');
      return { doctorId, clinicId, slot, slots, res };
    }

    it('publishes a week of IST slots per clinic service', async () => {
      const { res, slots, clinicId } = await freeSlot();
      expect(res.status).toBe(200);
      const service = ((res.data.data as Json).schedule as Record<string, Json[]>)[clinicId]?.[0];
      expect(service).toMatchObject({ service_name: expect.any(String), fee: expect.any(Number) });
      expect(slots.length).toBeGreaterThan(20);
      for (const s of slots) {
        expect(s).toEqual({
          s: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+05:30$/),
          e: expect.stringMatching(/\+05:30$/),
          available: expect.any(Boolean),
          conf_id: expect.any(String),
        });
      }
      expect(slots.some((s) => !s.available)).toBe(true);
    });

    it('refuses a slot query longer than 10 days and bad dates', async () => {
      const base = '/dr/v1/doctor/d-ananya-iyer/clinic/c-indiranagar/appointment/slot';
      expect((await call('GET', `${base}?start_date=${istDate(0)}&end_date=${istDate(11)}`)).status).toBe(
        400,
      );
      expect((await call('GET', `${base}?start_date=2026-13-01&end_date=2026-13-02`)).data.error).toBe(
        'invalid_date',
      );
      expect((await call('GET', `${base}?start_date=${istDate(3)}&end_date=${istDate(1)}`)).status).toBe(400);
      expect(
        (
          await call(
            'GET',
            `/dr/v1/doctor/d-rohan-mehta/clinic/c-indiranagar/appointment/slot?start_date=${istDate(0)}&end_date=${istDate(1)}`,
          )
        ).status,
      ).toBe(404);
    });

    it('books a slot, answers 409 for the same slot, lists, completes and cancels', async () => {
      const { doctorId, clinicId, slot } = await freeSlot();
      const patient = (await call('GET', '/profiles/v1/patient/search?prefix=priya&limit=1')).data[0] as Json;
      const start = Date.parse(slot.s) / 1000;
      const end = Date.parse(slot.e) / 1000;
      const body = {
        clinic_id: clinicId,
        doctor_id: doctorId,
        patient_id: patient.oid,
        appointment_details: {
          start_time: start,
          end_time: end,
          mode: 'INCLINIC',
          reason: 'Review of reports',
        },
      };
      const booked = await call('POST', '/dr/v1/appointment', body);
      expect(booked.status).toBe(201);
      const id = booked.data.appointment_id as string;
      expect(id).toEqual(expect.any(String));

      const again = await call('POST', '/dr/v1/appointment', body);
      expect(again.status).toBe(409);
      expect(again.data.error).toBe('slot_taken');

      const after = await freeSlot();
      expect(after.slots.find((s) => s.s === slot.s)?.available).toBe(false);

      const list = await call('GET', `/dr/v1/appointment?patient_id=${patient.oid}&page_no=0`);
      expect(list.status).toBe(200);
      const mine = (list.data.appointments as Json[]).find((a) => a.appointment_id === id);
      expect(mine).toMatchObject({
        appointment_id: id,
        doctor_id: doctorId,
        patient_id: patient.oid,
        clinic_id: clinicId,
        status: 'BOOKED',
        mode: 'INCLINIC',
        start_time: start,
        end_time: end,
      });

      const cancelled = await call('PUT', `/dr/v1/appointment/${id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect((await call('PUT', `/dr/v1/appointment/${id}/cancel`)).status).toBe(409);
      expect((await call('POST', `/dr/v1/appointment/${id}/complete`)).status).toBe(409);
      // The slot is free again.
      const rebooked = await call('POST', '/dr/v1/appointment', body);
      expect(rebooked.status).toBe(201);
      const completed = await call('POST', `/dr/v1/appointment/${rebooked.data.appointment_id}/complete`);
      expect(completed.status).toBe(200);
      expect(completed.data.status).toBe('COMPLETED');
      expect((await call('PUT', '/dr/v1/appointment/a-none/cancel')).status).toBe(404);
    });

    it('refuses bookings with bad input', async () => {
      const { doctorId, clinicId, slot } = await freeSlot();
      const start = Date.parse(slot.s) / 1000;
      const base = { clinic_id: clinicId, doctor_id: doctorId, patient_id: '174000000011' };
      const offSlot = await call('POST', '/dr/v1/appointment', {
        ...base,
        appointment_details: { start_time: start + 60, end_time: start + 600, mode: 'INCLINIC' },
      });
      expect(offSlot.status).toBe(400);
      const badMode = await call('POST', '/dr/v1/appointment', {
        ...base,
        appointment_details: { start_time: start, end_time: start + 900, mode: 'TELEPATHY' },
      });
      expect(badMode.status).toBe(400);
      const unknownPatient = await call('POST', '/dr/v1/appointment', {
        ...base,
        patient_id: '1',
        appointment_details: { start_time: start, end_time: start + 900 },
      });
      expect(unknownPatient.status).toBe(404);
      expect((await call('POST', '/dr/v1/appointment', '[1,2')).status).toBe(400);
    });
  });

  describe('ABHA', () => {
    /** Starts an ABHA login by mobile OTP and verifies it with the sandbox's OTP. */
    const loginByMobile = async (identifier: string) => {
      const init = await call('POST', '/abdm/na/v1/profile/login/init', { method: 'mobile', identifier });
      const verified = await call('POST', '/abdm/na/v1/profile/login/verify', {
        otp: '123456',
        txn_id: init.data.txn_id,
      });
      return { init, verified };
    };

    it('logs in by mobile OTP with a single profile and serves its card', async () => {
      // The seed gives patient index 0 an ABHA and a mobile of its own.
      const patient = (await call('GET', '/profiles/v1/patient/by-mobile/?mob=%2B919000010000')).data;
      const init = await call('POST', '/abdm/na/v1/profile/login/init', {
        method: 'mobile',
        identifier: '+919000010000',
      });
      expect(init.status).toBe(200);
      expect(init.data.txn_id).toEqual(expect.any(String));
      const wrong = await call('POST', '/abdm/na/v1/profile/login/verify', {
        otp: '000000',
        txn_id: init.data.txn_id,
      });
      expect(wrong.status).toBe(400);
      expect(wrong.data.error).toBe('invalid_otp');
      const verified = await call('POST', '/abdm/na/v1/profile/login/verify', {
        otp: '123456',
        txn_id: init.data.txn_id,
      });
      expect(verified.status).toBe(200);
      expect(verified.data).toMatchObject({ skip_state: 'abha_end', eka: { oid: patient.oid } });

      const card = await call('GET', `/abdm/v1/profile/asset/card?oid=${patient.oid}`, undefined, {
        'x-pt-id': patient.oid as string,
      });
      expect(card.status).toBe(200);
      expect(card.headers.get('content-type')).toBe('image/png');
      expect(card.data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect((await call('GET', `/abdm/v1/profile/asset/card?oid=${patient.oid}`)).status).toBe(400);
    });

    it('asks to select among several profiles on a family mobile, then logs in with the PHR address', async () => {
      // Patients 3 and 4 share +919000010003 and both have an ABHA.
      const { init, verified } = await loginByMobile('9000010003');
      expect(verified.data.skip_state).toBe('abha_select');
      const profiles = verified.data.profiles as Json[];
      expect(profiles.length).toBe(2);
      expect(profiles[0]).toEqual(
        expect.objectContaining({
          abha_address: expect.stringMatching(/@sbx$/),
          abha_number: expect.any(String),
        }),
      );
      const phr = await call('POST', '/abdm/na/v1/profile/login/phr', {
        phr_address: profiles[1]?.abha_address,
        txn_id: init.data.txn_id,
      });
      expect(phr.status).toBe(200);
      expect(phr.data).toMatchObject({
        abha_address: profiles[1]?.abha_address,
        eka: { oid: expect.any(String) },
      });
    });

    it('offers to create an ABHA when the mobile has none, and refuses bad input', async () => {
      // Patient 1's mobile has no ABHA.
      const { verified } = await loginByMobile('+919000010001');
      expect(verified.data).toMatchObject({ skip_state: 'abha_create', profiles: [] });
      expect(
        (await call('POST', '/abdm/na/v1/profile/login/init', { method: 'mobile', identifier: '12' })).status,
      ).toBe(400);
      expect(
        (await call('POST', '/abdm/na/v1/profile/login/verify', { otp: '123456', txn_id: 'nope' })).data
          .error,
      ).toBe('invalid_txn');
      const fresh = await call('POST', '/abdm/na/v1/profile/login/init', {
        method: 'mobile',
        identifier: '+919000010003',
      });
      const early = await call('POST', '/abdm/na/v1/profile/login/phr', {
        phr_address: 'x@sbx',
        txn_id: fresh.data.txn_id,
      });
      expect(early.data.error).toBe('otp_not_verified');
    });
  });

  describe('knowledge', () => {
    it('searches a few hundred branded drugs by name, form and generic', async () => {
      const res = await call('GET', '/eka-mcp/medications/v1/search?drug_name=para');
      expect(res.status).toBe(200);
      expect(res.data.length).toBeGreaterThan(3);
      for (const d of res.data) {
        expect(d).toMatchObject({
          name: expect.any(String),
          generic_name: expect.any(String),
          manufacturer_name: expect.any(String),
          product_type: expect.any(String),
        });
      }
      const syrups = await call(
        'GET',
        '/eka-mcp/medications/v1/search?drug_name=para&form=syrup&generic_names=paracetamol',
      );
      expect(syrups.data.length).toBeGreaterThan(0);
      for (const d of syrups.data)
        expect(d).toMatchObject({ generic_name: 'Paracetamol', product_type: 'Syrup' });
      const strength = await call(
        'GET',
        '/eka-mcp/medications/v1/search?drug_name=paracetamol&volumes=650mg',
      );
      expect(strength.data.length).toBeGreaterThan(0);
      for (const d of strength.data) expect(d.volume).toBe('650 mg');
      expect((await call('GET', '/eka-mcp/medications/v1/search?drug_name=p')).status).toBe(400);
    });

    it('searches protocols by query, tag and publisher, and lists publishers by tag', async () => {
      const res = await call('POST', '/eka-mcp/protocols/v1/search', [
        { query: 'diabetes', tag: 'diabetes', publisher: 'RSSDI' },
      ]);
      expect(res.status).toBe(200);
      expect(res.data.length).toBeGreaterThan(0);
      for (const p of res.data) {
        expect(p).toMatchObject({
          url: expect.stringMatching(/^https:\/\//),
          source_url: expect.any(String),
          type: expect.stringMatching(/^(pdf|image)$/),
          author: expect.any(String),
          publication_year: expect.any(Number),
          conditions: expect.any(Array),
        });
      }
      const publishers = await call('GET', '/eka-mcp/protocols/v1/publishers/tag?tag=diabetes');
      expect(publishers.data).toEqual(expect.arrayContaining(['ICMR', 'RSSDI']));
      expect((await call('POST', '/eka-mcp/protocols/v1/search', { query: 'x' })).status).toBe(400);
      expect((await call('GET', '/eka-mcp/protocols/v1/publishers/tag')).status).toBe(400);
    });

    it('returns pharmacology details', async () => {
      const res = await call('GET', '/eka-mcp/pharmacology/v1/search?query=metformin');
      expect(res.status).toBe(200);
      const [entry] = res.data.results as Json[];
      expect(entry).toMatchObject({
        generic_name: 'Metformin',
        components: expect.any(Array),
        indications: expect.any(Array),
        dose: expect.any(String),
        contraindications: expect.any(Array),
        adverse_effects: expect.any(Array),
        pregnancy_category: expect.any(String),
      });
    });
  });
});
