import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { integratorToken } from '../support/integrator-token';
import { startSandbox, tokenFingerprint } from './index';
import type { Sandbox } from './types';

const SEARCH = '/profiles/v1/patient/search';

describe('sandbox fault injection and request log', () => {
  let sandbox: Sandbox;
  let token: string;

  const search = (init: RequestInit = {}) =>
    fetch(`${sandbox.apiBaseUrl}${SEARCH}?prefix=a`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'client-id': sandbox.clients.integrator.client_id },
    });
  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${sandbox.apiBaseUrl}/__sandbox/${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
    token = await integratorToken(sandbox, { apiKey: false });
  });

  afterEach(() => {
    sandbox.faults.clear();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('answers 429 with Retry-After for the given number of requests, then recovers', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: SEARCH,
      fault: { kind: 'status', status: 429, retryAfter: 7 },
      times: 2,
    });
    for (let i = 0; i < 2; i += 1) {
      const res = await search();
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(await res.json()).toMatchObject({ error: expect.any(String) });
    }
    expect((await search()).status).toBe(200);
    expect(sandbox.faults.list()).toEqual([]);
  });

  it.each([401, 500, 502, 503] as const)('injects a %i', async (status) => {
    sandbox.faults.add({ method: '*', path: '/profiles/', fault: { kind: 'status', status } });
    const res = await search();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/json');
    // Other routes are untouched.
    const other = await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(other.status).toBe(200);
  });

  it('matches the method', async () => {
    sandbox.faults.add({ method: 'POST', path: SEARCH, fault: { kind: 'status', status: 500 } });
    expect((await search()).status).toBe(200);
  });

  it('sends a malformed JSON body', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'malformed' }, times: 1 });
    const res = await search();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('delays a response: a later request overtakes it, and it still answers normally', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'delay', ms: 1500 }, times: 1 });
    const order: string[] = [];
    const delayed = search().then((res) => {
      order.push('delayed');
      return res;
    });
    // Make sure the delayed request has reached the sandbox before the second one starts.
    while (!sandbox.faults.list().every((r) => r.fault.kind !== 'delay'))
      await new Promise((r) => setTimeout(r, 10));
    const quick = await search();
    order.push('quick');
    expect(quick.status).toBe(200);
    const res = await delayed;
    expect(res.status).toBe(200);
    expect(Array.isArray(await res.json())).toBe(true);
    expect(order).toEqual(['quick', 'delayed']);
  });

  it('hangs a connection until the client gives up', async () => {
    sandbox.faults.add({ method: 'GET', path: SEARCH, fault: { kind: 'hang' }, times: 1 });
    const controller = new AbortController();
    const hung = search({ signal: controller.signal });
    // The request is held: a later request completes while it is still pending.
    while (sandbox.faults.list().length > 0) await new Promise((r) => setTimeout(r, 10));
    let settled = false;
    hung.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    expect((await search()).status).toBe(200);
    expect(settled).toBe(false);
    controller.abort();
    await expect(hung).rejects.toThrow();
  });

  it('closes hanging connections on stop()', async () => {
    const own = await startSandbox({ issuerPort: 0, apiPort: 0 });
    own.faults.add({ method: '*', path: '/', fault: { kind: 'hang' }, times: 1 });
    const hung = fetch(`${own.apiBaseUrl}/dr/v1/business/entities`);
    // The rule is used up once the sandbox holds the request.
    while (own.faults.list().length > 0) await new Promise((r) => setTimeout(r, 10));
    await own.stop();
    await expect(hung).rejects.toThrow();
  });

  it('takes faults through the admin endpoint and validates them', async () => {
    const added = await admin('POST', 'faults', {
      method: 'GET',
      path: SEARCH,
      fault: { kind: 'status', status: 503, retryAfter: 2 },
      times: 1,
    });
    expect(added.status).toBe(201);
    expect(((await (await admin('GET', 'faults')).json()) as { faults: unknown[] }).faults).toHaveLength(1);
    const res = await search();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');

    const bad = await admin('POST', 'faults', { path: SEARCH, fault: { kind: 'status', status: 418 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('invalid_fault');
    const malformed = await fetch(`${sandbox.apiBaseUrl}/__sandbox/faults`, {
      method: 'POST',
      body: '{"path":',
    });
    expect(malformed.status).toBe(400);

    await admin('POST', 'faults', { method: 'GET', path: SEARCH, fault: { kind: 'status', status: 500 } });
    expect((await admin('DELETE', 'faults')).status).toBe(200);
    expect((await search()).status).toBe(200);
  });

  it('logs method, path, auth presence, token fingerprint and kind, status and time, never token values or query strings', async () => {
    sandbox.requests.clear();
    await search();
    await fetch(`${sandbox.apiBaseUrl}/dr/v1/business/entities`);
    const entries = sandbox.requests.list();
    expect(entries).toEqual([
      {
        method: 'GET',
        path: SEARCH,
        auth: true,
        tokenFingerprint: tokenFingerprint(token),
        tokenKind: 'client-credentials',
        clientId: 'sandbox-integrator',
        status: 200,
        time: expect.any(Number),
      },
      { method: 'GET', path: '/dr/v1/business/entities', auth: false, status: 401, time: expect.any(Number) },
    ]);
    const viaAdmin = (await (await admin('GET', 'requests')).json()) as { requests: unknown[] };
    expect(viaAdmin.requests).toEqual(entries);
    const text = JSON.stringify(viaAdmin);
    expect(text).not.toContain(token);
    expect(text).not.toContain('prefix=');
    await admin('DELETE', 'requests');
    expect(sandbox.requests.list()).toEqual([]);
  });
});
