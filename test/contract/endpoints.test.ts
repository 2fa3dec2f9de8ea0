/**
 * The endpoint descriptions themselves: one list of every endpoint the
 * product calls, each well formed, and the API client refusing to send a
 * request its description does not allow (ContractViolation, nothing sent),
 * while a request that fits goes out and its reply is parsed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod/v4';
import { abhaLoginInit } from '../../server/eka/api/abha';
import { completeAppointment, listAppointments } from '../../server/eka/api/appointments';
import { ContractViolation, type EkaEndpoint, pathParamNames } from '../../server/eka/api/endpoint';
import { ekaEndpoints } from '../../server/eka/api/index';
import { searchProtocols } from '../../server/eka/api/knowledge';
import { createPatient, getPatient, searchPatients } from '../../server/eka/api/patients';
import { EkaClient } from '../../server/eka/client';
import { createOpenTokenSource } from '../../server/eka/token-sources/open';
import { createLogger } from '../../server/logging';
import { startSandbox } from '../sandbox/index';
import type { Sandbox } from '../sandbox/types';
import { integratorToken } from '../support/integrator-token';

const EXPECTED = [
  'auth.accountLogin',
  'auth.accountRefreshToken',
  'auth.oidcVerify',
  'auth.oidcRefresh',
  'patients.search',
  'patients.listMinified',
  'patients.byMobile',
  'patients.get',
  'patients.create',
  'patients.update',
  'patients.archive',
  'practice.businessEntities',
  'practice.doctorProfile',
  'practice.clinicDetails',
  'practice.doctorServices',
  'appointments.slots',
  'appointments.book',
  'appointments.list',
  'appointments.get',
  'appointments.complete',
  'appointments.cancel',
  'appointments.reschedule',
  'abha.loginInit',
  'abha.loginVerify',
  'abha.loginPhr',
  'abha.card',
  'knowledge.medications',
  'knowledge.protocols',
  'knowledge.publishers',
  'knowledge.pharmacology',
];

describe('the endpoint list', () => {
  it('lists every endpoint the product calls, once, each with its method, path and published source', () => {
    expect(ekaEndpoints.map((e) => e.id)).toEqual(EXPECTED);
    const routes = new Set(ekaEndpoints.map((e) => `${e.method} ${e.path}`));
    expect(routes.size).toBe(ekaEndpoints.length);
    for (const e of ekaEndpoints) {
      expect(e.path, e.id).toMatch(/^\/[\w\-/{}.]+$/);
      expect(e.source, e.id).toMatch(/^api-reference\/.+\.ya?ml$/);
      expect(e.success.length, e.id).toBeGreaterThan(0);
      // A reply is JSON with a schema, binary, or empty (204) — never undescribed.
      if (!e.response && !e.binary) expect(e.success, e.id).toEqual([204]);
    }
  });

  it('names every path parameter in a strict params schema, and only those', () => {
    for (const e of ekaEndpoints) {
      const names = pathParamNames(e.path);
      if (names.length === 0) {
        expect(e.params, e.id).toBeUndefined();
        continue;
      }
      const shape = (e.params as z.ZodObject).shape;
      expect(Object.keys(shape).sort(), e.id).toEqual([...names].sort());
      expect(
        (e.params as z.ZodObject).safeParse({ ...Object.fromEntries(names.map((n) => [n, 'x'])), extra: 1 })
          .success,
      ).toBe(false);
    }
  });

  it('keeps every request schema strict: an undeclared query parameter or body field is refused', () => {
    const strict = (e: EkaEndpoint, part: 'query' | 'body') => {
      const schema = e[part];
      if (!schema) return;
      const probe = schema.safeParse({ definitely_not_declared: 'x' });
      expect(probe.success, `${e.id} ${part}`).toBe(false);
      if (!probe.success) {
        expect(
          probe.error.issues.map((i) => i.code),
          `${e.id} ${part}`,
        ).toContain('unrecognized_keys');
      }
    };
    for (const e of ekaEndpoints) {
      strict(e, 'query');
      strict(e, 'body');
    }
  });
});

describe('the API client holds requests to the descriptions', () => {
  let sandbox: Sandbox;
  let sent: string[];
  let client: EkaClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
    const token = await integratorToken(sandbox);
    sent = [];
    client = new EkaClient({
      baseUrl: sandbox.apiBaseUrl,
      tokenSource: {
        ...createOpenTokenSource({ clientId: sandbox.clients.integrator.client_id }),
        getAccessToken: async () => token,
      },
      logger: createLogger({ level: 'error' }),
      fetch: (input, init) => {
        sent.push(String(input));
        return fetch(input, init);
      },
      timeoutMs: 5000,
      maxRetries: 0,
      retryBaseMs: 1,
      maxRetryWaitMs: 1,
    });
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  const refuses = async (run: () => Promise<unknown>, part: string, detail: RegExp) => {
    const before = sent.length;
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).part).toBe(part);
    expect((error as ContractViolation).detail).toMatch(detail);
    expect(sent.length).toBe(before);
  };

  it('sends a request that fits and parses the reply', async () => {
    const hits = await client.call(searchPatients, { query: { prefix: 'a', limit: 3, select: 'dob,gen' } });
    expect(hits.length).toBeGreaterThan(0);
    expect(typeof hits[0]!.oid).toBe('string');
    expect(sent).toHaveLength(1);
  });

  it('refuses a path parameter of dots, which would name another path, and sends nothing', async () => {
    for (const oid of ['.', '..', '...']) {
      await refuses(() => client.call(getPatient, { params: { oid } }), 'params', /only dots/);
    }
  });

  it('refuses a query the description does not allow', async () => {
    await refuses(
      () => client.call(searchPatients, { query: { prefix: 'a', select: 'email' } }),
      'query',
      /select may name only/,
    );
    await refuses(
      () => client.call(searchPatients, { query: { prefix: 'a', page: 1 } as unknown as { prefix: string } }),
      'query',
      /page/,
    );
    await refuses(
      () => client.call(listAppointments, { query: { patient_id: 'p1', doctor_id: 'd1' } }),
      'query',
      /cannot be combined/,
    );
    await refuses(
      () =>
        client.call(completeAppointment, {
          params: { appointment_id: 'a-1' },
          query: {} as { partner_id: '0' },
        }),
      'query',
      /partner_id/,
    );
  });

  it('refuses a body the description does not allow', async () => {
    await refuses(
      () =>
        client.call(createPatient, {
          body: {
            fln: 'Asha Rao',
            dob: '1990-01-01',
            gen: 'F',
            address: { city: 'Pune' },
          } as unknown as { dob: string; gen: 'F' },
        }),
      'body',
      /address/,
    );
    await refuses(
      () =>
        client.call(searchProtocols, {
          body: [{ query: 'x', tag: 'y', publisher: 'z' }] as unknown as { queries: [] },
        }),
      'body',
      /expected object/i,
    );
    await refuses(
      () => client.call(abhaLoginInit, { body: { method: 'mobile', identifier: '+919876543210' } }),
      'body',
      /10-digit/,
    );
  });

  it('refuses a path parameter the description does not have', async () => {
    await refuses(
      () =>
        client.call(completeAppointment, {
          params: { appointment_id: 'a-1', other: 'x' } as unknown as { appointment_id: string },
          query: { partner_id: '0' },
        }),
      'params',
      /other|Unrecognized/i,
    );
  });
});
