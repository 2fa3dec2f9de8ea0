/**
 * The sandbox's Eka API answers as Eka publishes it: every seeded reply
 * parses against its endpoint's response schema (the descriptions in
 * server/eka/api/), and a request that breaks a description (unknown query
 * parameter, missing client-id, wrong body, filters Eka does not combine) is
 * refused with a 4xx in the error shape Eka publishes for that endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { abhaCard, abhaLoginInit, abhaLoginPhr, abhaLoginVerify } from '../../server/eka/api/abha';
import {
  appointmentDetails,
  appointmentSlots,
  bookAppointment,
  listAppointments,
} from '../../server/eka/api/appointments';
import { type EkaEndpoint, EkaErrorBody, fillPath } from '../../server/eka/api/endpoint';
import { ekaEndpoints } from '../../server/eka/api/index';
import {
  allPublishers,
  searchMedications,
  searchPharmacology,
  searchProtocols,
} from '../../server/eka/api/knowledge';
import {
  getPatient,
  listPatients,
  patientsByMobile,
  searchPatients,
  updatePatient,
} from '../../server/eka/api/patients';
import {
  businessEntities,
  clinicDetails,
  doctorProfile,
  doctorServices,
} from '../../server/eka/api/practice';
import { integratorToken } from '../support/integrator-token';
import { routePath } from './api/contract-route';
import { ABHA_TEST_OTP } from './credentials';
import { startSandbox } from './index';
import { seedPatients } from './seed/patients';
import { PHARMACOLOGY } from './seed/pharmacology';
import { CLINICS, DOCTORS } from './seed/practice';
import { PROTOCOLS } from './seed/protocols';
import type { Sandbox } from './types';

let sandbox: Sandbox;
let token: string;

interface Sent {
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  headers?: Record<string, string>;
  /** Leave out the client-id header. */
  noClientId?: boolean;
}

/** Sends a raw request for an endpoint (nothing checks it on the way out). */
async function send(endpoint: EkaEndpoint, sent: Sent = {}) {
  const url = new URL(`${sandbox.apiBaseUrl}${fillPath(endpoint, sent.params)}`);
  for (const [k, v] of Object.entries(sent.query ?? {})) url.searchParams.set(k, String(v));
  const res = await fetch(url, {
    method: endpoint.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(sent.noClientId ? {} : { 'client-id': sandbox.clients.integrator.client_id }),
      ...(sent.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...sent.headers,
    },
    ...(sent.body === undefined
      ? {}
      : { body: typeof sent.body === 'string' ? sent.body : JSON.stringify(sent.body) }),
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type') ?? '';
  const json =
    type.includes('json') && bytes.length ? (JSON.parse(bytes.toString('utf8')) as unknown) : undefined;
  return { status: res.status, json, bytes, type };
}

/** Sends a request and parses its success reply with the endpoint's response schema (throws when it breaks it). */
async function ok(endpoint: EkaEndpoint, sent: Sent = {}) {
  const reply = await send(endpoint, sent);
  expect(
    endpoint.success,
    `${endpoint.id} answered ${reply.status}: ${reply.bytes.toString('utf8')}`,
  ).toContain(reply.status);
  if (!endpoint.response) return reply.json;
  const parsed = endpoint.response.safeParse(reply.json);
  if (!parsed.success) throw new Error(`${endpoint.id} reply breaks its schema: ${parsed.error.message}`);
  return parsed.data as never;
}

/** Sends a request that breaks the description and checks Eka's 4xx error shape. */
async function refused(endpoint: EkaEndpoint, sent: Sent, pattern: RegExp, status = 400) {
  const reply = await send(endpoint, sent);
  expect(reply.status, reply.bytes.toString('utf8')).toBe(status);
  expect(EkaErrorBody.safeParse(reply.json).success).toBe(true);
  const body = reply.json as { error?: unknown; code?: unknown };
  switch (endpoint.errorShape ?? 'error-object') {
    case 'error-object':
      expect(body.error).toMatchObject({ code: expect.any(String), message: expect.stringMatching(pattern) });
      break;
    case 'code-error':
      expect(body).toMatchObject({ code: status, error: expect.stringMatching(pattern) });
      break;
    case 'error-string':
      expect(body.error).toMatch(pattern);
      break;
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  token = await integratorToken(sandbox);
});

afterAll(async () => {
  await sandbox?.stop();
});

const today = () => new Date(Date.now() + 5.5 * 3600_000).toISOString().slice(0, 10);
const plusDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

describe('the sandbox routes come from the descriptions', () => {
  it('has a route for every described EMR, ABHA and knowledge endpoint, at its method and path', async () => {
    // The authorization endpoints are the token authority's routes (routes-auth.ts), tested with sign-in.
    for (const endpoint of ekaEndpoints.filter((e) => !e.id.startsWith('auth.'))) {
      const path = routePath(endpoint).replace(/:([A-Za-z0-9_]+)/g, 'x');
      const res = await fetch(`${sandbox.apiBaseUrl}${path}`, { method: endpoint.method });
      // Authenticated routes answer 401 without a token; public ones check their input: neither is 404/405.
      expect([404, 405], `${endpoint.id} ${endpoint.method} ${path}`).not.toContain(res.status);
    }
  });
});

describe('every seeded reply parses against its response schema', () => {
  it('patients: search, every page of the list, every profile, every mobile', async () => {
    const patients = seedPatients();
    const hits = await ok(searchPatients, { query: { prefix: 'a', limit: 50, select: 'dob,gen,abha' } });
    expect((hits as unknown[]).length).toBeGreaterThan(0);
    let pageNo = 1;
    const seen: string[] = [];
    for (;;) {
      const page = (await ok(listPatients, {
        query: { pageNo, pageSize: 20, select: 'abha,dob,gen,c_ate,u_ate' },
      })) as {
        profiles: { oid: string; abha?: string }[];
        currPageMeta: { nextPage: number; currPageNo: number };
      };
      expect(page.currPageMeta.currPageNo).toBe(pageNo);
      seen.push(...page.profiles.map((p) => p.oid));
      if (page.currPageMeta.nextPage === -1) break;
      expect(page.currPageMeta.nextPage).toBe(pageNo + 1);
      pageNo = page.currPageMeta.nextPage;
    }
    expect(seen).toHaveLength(patients.filter((p) => !p.arc).length);
    for (const p of patients) {
      const profile = (await ok(getPatient, { params: { oid: p.oid } })) as {
        abha?: string;
        mobile: string;
        ccd: string;
      };
      expect(profile.abha).toBe(p.abha?.abha_address);
      expect(`${profile.ccd}${profile.mobile}`).toBe(p.mobile);
      if (!p.arc) {
        await ok(patientsByMobile, { query: { mob: p.mobile } });
        await ok(patientsByMobile, { query: { mob: p.mobile, full_profile: true } });
      }
    }
  });

  it('practice: the entities, every doctor and every clinic', async () => {
    await ok(businessEntities);
    for (const d of DOCTORS) {
      const reply = (await ok(doctorProfile, { params: { doctor_id: d.doctor_id } })) as {
        profile: { professional: { language: { language: string }[]; major_speciality: { name: string } } };
      };
      expect(reply.profile.professional.language.map((l) => l.language)).toEqual(d.languages);
      expect(reply.profile.professional.major_speciality.name).toBe(d.specialties[0]);
    }
    for (const d of DOCTORS) await ok(doctorServices, { params: { doctor_id: d.doctor_id } });
    for (const c of CLINICS) await ok(clinicDetails, { params: { clinic_id: c.clinic_id } });
  });

  it('appointments: slots of every doctor at every clinic, the week listing page by page, details', async () => {
    for (const d of DOCTORS) {
      for (const clinic of d.clinics) {
        const reply = (await ok(appointmentSlots, {
          params: { doctor_id: d.doctor_id, clinic_id: clinic },
          query: { start_date: today(), end_date: plusDays(today(), 6) },
        })) as {
          data: {
            schedule: Record<string, { slots: { conf_id: string }[] }[]>;
            services: Record<string, { price: number }>;
          };
        };
        const fee = CLINICS.find((c) => c.clinic_id === clinic)!.services[0]!.fee;
        const slots = reply.data.schedule[clinic]!.flatMap((g) => g.slots);
        expect(slots.length).toBeGreaterThan(0);
        expect(slots.every((s) => reply.data.services[s.conf_id]?.price === fee)).toBe(true);
      }
    }
    const ids: string[] = [];
    for (let page = 0; ; page += 1) {
      const reply = (await ok(listAppointments, {
        query: { start_date: today(), end_date: plusDays(today(), 6), page_no: page },
      })) as { appointments: { appointment_id: string; status: string }[] };
      ids.push(...reply.appointments.map((a) => a.appointment_id));
      expect(reply.appointments.every((a) => a.status === 'BK')).toBe(true);
      if (reply.appointments.length < 30) break;
    }
    expect(ids.length).toBe(45);
    for (const id of ids.slice(0, 5)) {
      await ok(appointmentDetails, { params: { appointment_id: id }, query: { partner_id: '0' } });
    }
  });

  it('knowledge: drugs, every publisher and tag of protocols, every pharmacology entry', async () => {
    await ok(searchMedications, { query: { drug_name: 'para' } });
    const publishers = (await ok(allPublishers)) as string[];
    expect([...publishers].sort()).toEqual([...new Set(PROTOCOLS.map((p) => p.publisher))].sort());
    for (const p of PROTOCOLS) {
      const found = (await ok(searchProtocols, {
        body: { queries: [{ query: p.conditions[0]!, tag: p.tags[0]!, publisher: p.publisher }] },
      })) as { url: string }[];
      expect(found.map((f) => f.url)).toContain(p.url);
    }
    for (const e of PHARMACOLOGY) {
      const reply = (await ok(searchPharmacology, {
        query: { query: e.generic_name, exact_match: true },
      })) as {
        results: { generic_name: string; generic_category: string }[];
      };
      expect(reply.results[0]).toMatchObject({
        generic_name: e.generic_name,
        generic_category: e.generic_category,
      });
    }
  });

  it('ABHA: login with two profiles (a new txn_id at each step) and the card as a PNG', async () => {
    const withAbha = seedPatients().filter((p) => p.abha && !p.arc);
    const family = withAbha.find((p) => withAbha.filter((q) => q.mobile === p.mobile).length >= 2)!;
    const init = (await ok(abhaLoginInit, {
      body: { method: 'mobile', identifier: family.mobile.slice(3) },
    })) as { txn_id: string };
    const verify = (await ok(abhaLoginVerify, { body: { otp: ABHA_TEST_OTP, txn_id: init.txn_id } })) as {
      txn_id: string;
      skip_state: string;
      abha_profiles: { abha_address: string }[];
    };
    expect(verify.skip_state).toBe('abha_select');
    expect(verify.abha_profiles.length).toBeGreaterThanOrEqual(2);
    expect(verify.txn_id).not.toBe(init.txn_id);
    await refused(
      abhaLoginVerify,
      { body: { otp: ABHA_TEST_OTP, txn_id: init.txn_id } },
      /send the OTP again/,
    );
    const phr = (await ok(abhaLoginPhr, {
      body: { phr_address: family.abha!.abha_address, txn_id: verify.txn_id },
    })) as { txn_id: string; skip_state: string; eka: { oid: string } };
    expect(phr).toMatchObject({ skip_state: 'abha_end', eka: { oid: family.oid } });
    expect(phr.txn_id).not.toBe(verify.txn_id);
    const card = await send(abhaCard, { query: { oid: family.oid }, headers: { 'x-pt-id': family.oid } });
    expect(card.status).toBe(200);
    expect(card.type).toBe('image/png');
    expect(card.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  });
});

describe('a request that breaks its description is refused in Eka error shape', () => {
  it('unknown query parameters and select values', async () => {
    await refused(searchPatients, { query: { prefix: 'a', select: 'email' } }, /select may name only/);
    await refused(searchPatients, { query: { prefix: 'a', page: 2 } }, /page/);
    await refused(searchPatients, { query: { prefix: 'a', limit: 51 } }, /limit/);
    await refused(listPatients, { query: { pageNo: 0 } }, /pageNo/);
    await refused(allPublishers, { query: { tag: 'diabetes' } }, /takes no query/);
  });

  it('a patient-directory call without the client-id header', async () => {
    await refused(
      searchPatients,
      { query: { prefix: 'a' }, noClientId: true },
      /client-id header is required/,
    );
  });

  it('bodies with fields the description does not declare, or in another shape', async () => {
    const oid = seedPatients()[0]!.oid;
    await refused(
      updatePatient,
      { params: { oid }, body: { address: { city: 'Pune' } } },
      /address|Unrecognized/i,
    );
    await refused(
      searchProtocols,
      { body: [{ query: 'x', tag: 'diabetes', publisher: 'ICMR' }] },
      /expected object/i,
    );
    await refused(abhaLoginInit, { body: { method: 'mobile', identifier: '+919000010000' } }, /10-digit/);
    const d = DOCTORS[0]!;
    await refused(
      bookAppointment,
      {
        body: {
          clinic_id: d.clinics[0],
          doctor_id: d.doctor_id,
          patient_id: oid,
          appointment_details: { start_time: 1_900_000_000, mode: 'AUDIO', reason: 'x' },
        },
      },
      /mode|reason/,
    );
  });

  it('appointment listing: patient_id with other filters, more than 7 days, no range', async () => {
    const oid = seedPatients()[0]!.oid;
    await refused(
      listAppointments,
      { query: { patient_id: oid, doctor_id: DOCTORS[0]!.doctor_id } },
      /cannot be combined/,
    );
    await refused(
      listAppointments,
      { query: { start_date: today(), end_date: plusDays(today(), 7) } },
      /7 days/,
    );
    await refused(
      listAppointments,
      { query: { doctor_id: DOCTORS[0]!.doctor_id } },
      /start_date and end_date/,
    );
  });

  it('complete and cancel without the required partner_id, or with a body', async () => {
    const complete = ekaEndpoints.find((e) => e.id === 'appointments.complete')!;
    const cancel = ekaEndpoints.find((e) => e.id === 'appointments.cancel')!;
    await refused(complete, { params: { appointment_id: 'a-seed-001' } }, /partner_id/);
    await refused(cancel, { params: { appointment_id: 'a-seed-001' } }, /partner_id/);
    await refused(
      complete,
      { params: { appointment_id: 'a-seed-001' }, query: { partner_id: '0' }, body: { completion_data: {} } },
      /takes no body/,
    );
    const done = await send(complete, {
      params: { appointment_id: 'a-seed-001' },
      query: { partner_id: '0' },
    });
    expect(done.status).toBe(204);
    expect(done.bytes.length).toBe(0);
  });

  it('a path no description has', async () => {
    const res = await fetch(`${sandbox.apiBaseUrl}/eka-mcp/protocols/v1/publishers/tag?tag=diabetes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(404);
  });
});
