/**
 * The log file (--log-file) at debug level: created private (0600), carries
 * the server's activity, and never a token, secret or patient identifier,
 * even while tools handle patient data.
 */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { credentialsEnv, startServer, structured } from './harness';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('log file', () => {
  it('is private and free of secrets and patient identifiers', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'eka-log-')), 'logs', 'server.log');
    const patient = seedPatients().find((p) => !p.arc && p.email)!;
    const server = await startServer({ ...credentialsEnv(sandbox), EKA_LOG_LEVEL: 'DEBUG' }, [
      '--log-file',
      file,
    ]);
    try {
      structured(await server.call('get_patient_by_mobile', { mobile: patient.mobile }));
      structured(await server.call('search_patients', { prefix: patient.fn }));
      sandbox.faults.add({
        method: 'GET',
        path: '/profiles/v1/patient/search',
        fault: { kind: 'status', status: 401 },
        times: 1,
      });
      structured(await server.call('search_patients', { prefix: patient.fn }));
      const failed = await server.call('add_patient', {
        name: patient.fln,
        dob: '2999-01-01',
        gender: 'M',
        mobile: patient.mobile,
      });
      expect(failed.isError).toBe(true);
    } finally {
      await server.close();
      sandbox.faults.clear();
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const log = readFileSync(file, 'utf8');
    expect(log).toMatch(/Signed in to Eka with client credentials/);
    expect(log).toMatch(/Eka call/);
    expect(log).toMatch(/Tool call failed/);
    for (const secret of [
      sandbox.clients.integrator.client_secret,
      sandbox.clients.integrator.api_key,
      patient.mobile,
      patient.mobile.slice(3),
      patient.fln,
      patient.email!,
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
