/**
 * Open mode: the server sends no Authorization header, says so on stderr at
 * start, and turns Eka's 401 into a clear isError result for every tool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { istDate, openEnv, type ServerHandle, startServer, textOf } from './harness';

/** Valid arguments for every tool (the ids need not exist: Eka refuses before looking). */
const VALID_ARGS: Record<string, Record<string, unknown>> = {
  search_patients: { prefix: 'Ra' },
  get_patient_details_basic: { patient_id: '175000000001' },
  get_comprehensive_patient_profile: { patient_id: '175000000001' },
  add_patient: { name: 'Open Mode Patient', dob: '1990-01-01', gender: 'F', mobile: '+919000000001' },
  list_patients: {},
  update_patient: { patient_id: '175000000001', name: 'Another Name' },
  archive_patient: { patient_id: '175000000001' },
  get_patient_by_mobile: { mobile: '+919000000001' },
  get_business_entities: {},
  get_doctor_profile_basic: { doctor_id: 'd-1' },
  get_clinic_details_basic: { clinic_id: 'c-1' },
  get_doctor_services: { doctor_id: 'd-1' },
  get_available_dates: { doctor_id: 'd-1', clinic_id: 'c-1' },
  get_appointment_slots: { doctor_id: 'd-1', clinic_id: 'c-1', start_date: istDate(1) },
  book_appointment: {
    patient_id: '175000000001',
    doctor_id: 'd-1',
    clinic_id: 'c-1',
    start_time: Math.floor(Date.now() / 1000) + 86_400,
  },
  reschedule_appointment: { appointment_id: 'a-00001', start_time: Math.floor(Date.now() / 1000) + 86_400 },
  show_appointments_basic: {},
  get_appointment_details: { appointment_id: 'a-00001' },
  get_patient_appointments_basic: { patient_id: '175000000001' },
  complete_appointment: { appointment_id: 'a-00001' },
  cancel_appointment: { appointment_id: 'a-00001' },
  abha_send_otp: { mobile: '+919000000001' },
  abha_verify_otp: { txn_id: 'txn-1', otp: '123456' },
  abha_select_profile: { txn_id: 'txn-1', phr_address: 'someone@sbx' },
  indian_branded_drug_search: { drug_name: 'paracetamol' },
  indian_treatment_protocol_search: { query: 'diabetes', tag: 'diabetes', publisher: 'ICMR' },
  protocol_publishers: {},
  indian_pharmacology_details: { query: 'metformin' },
};

let sandbox: Sandbox;
let server: ServerHandle;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  server = await startServer(openEnv(sandbox));
});

afterAll(async () => {
  await server?.close();
  await sandbox?.stop();
});

describe('open mode', () => {
  it('says on stderr that it runs without authentication', async () => {
    await server.client.listTools();
    expect(server.stderr()).toMatch(/open mode: no authentication/);
  });

  it('covers every listed tool in this test', async () => {
    const { tools } = await server.client.listTools();
    expect(Object.keys(VALID_ARGS).sort()).toEqual(tools.map((t) => t.name).sort());
  });

  it.each(Object.entries(VALID_ARGS))('%s answers Eka 401 with a clear sign-in error', async (name, args) => {
    sandbox.requests.clear();
    const result = await server.call(name, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/open mode without sign-in.*sign in with Eka.*\(auth_required\)/s);
    const calls = sandbox.requests.list();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => !c.auth && c.status === 401)).toBe(true);
  });

  it('still rejects bad input before calling Eka', async () => {
    sandbox.requests.clear();
    const result = await server.call('get_patient_by_mobile', { mobile: 'call me' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/\+91/);
    expect(sandbox.requests.list()).toHaveLength(0);
  });
});
