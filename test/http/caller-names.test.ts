/**
 * One HTTP server serves many callers from one set of tools and one API
 * client. The names it adds to answers (doctors, clinics, patients) are kept
 * in memory for a few minutes, per caller: a name one caller's token read is
 * never given to another caller, who gets it from Eka with its own token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import { integratorToken } from '../support/integrator-token';
import {
  connectClient,
  startTestSandbox,
  startTestServer,
  type TestServer,
  TOKEN_CHECK_PATH,
  tokenFingerprint,
} from './harness';

interface ToolAnswer {
  isError?: boolean;
  structuredContent?: unknown;
  content?: unknown;
}

function structured<T>(result: ToolAnswer): T {
  expect(result.isError).not.toBe(true);
  return result.structuredContent as T;
}

function textOf(result: ToolAnswer): string {
  return ((result.content ?? []) as { type: string; text?: string }[]).map((c) => c.text ?? '').join('\n');
}

describe('names in answers, per caller (HTTP mode)', () => {
  let sandbox: Sandbox;
  let server: TestServer;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer(sandbox, { oauth: true });
  });

  afterAll(async () => {
    await server?.close();
    await sandbox?.stop();
  });

  it("reads the practice's names with each caller's own token, never from another caller's", async () => {
    const tokenA = await integratorToken(sandbox);
    const tokenB = await integratorToken(sandbox);
    expect(tokenB).not.toBe(tokenA);
    const a = await connectClient(server.url, tokenA);
    const b = await connectClient(server.url, tokenB);
    try {
      const { doctors } = structured<{ doctors: { doctor_id: string; name: string }[] }>(
        (await a.callTool({ name: 'get_business_entities', arguments: {} })) as ToolAnswer,
      );
      const doctor = doctors[0];
      expect(doctor).toBeDefined();
      const call = { name: 'get_doctor_services', arguments: { doctor_id: doctor?.doctor_id } };
      const first = (await a.callTool(call)) as ToolAnswer;
      expect(textOf(first)).toContain(`doctor_id ${doctor?.doctor_id}`);

      sandbox.requests.clear();
      const second = (await b.callTool(call)) as ToolAnswer;
      expect(second.isError).not.toBe(true);
      const entitiesWith = (token: string) =>
        sandbox.requests
          .list()
          .filter((r) => r.path === TOKEN_CHECK_PATH && r.tokenFingerprint === tokenFingerprint(token))
          .length;
      // B's token was checked when B connected: this read gives B the practice's names.
      expect(entitiesWith(tokenB)).toBe(1);
      expect(entitiesWith(tokenA)).toBe(0);
      expect(textOf(second)).toBe(textOf(first));

      // B's names are then B's to reuse.
      sandbox.requests.clear();
      await b.callTool(call);
      expect(entitiesWith(tokenB)).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
