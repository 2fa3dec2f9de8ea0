// What assistants may do, in a running server: a preset change hides tools
// from tools/list at once (with notifications/tools/list_changed), a direct
// call to a hidden tool is refused and journaled, and "ask first" asks the
// clinician by form elicitation before anything reaches Eka.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type CallToolResult, ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournal } from '../../server/activity/journal';
import { defineAllTools } from '../../server/create-server';
import { createFileSettingsStore } from '../../server/desktop/settings';
import { TOOL_CATALOG } from '../../server/permissions';
import { ToolRegistry } from '../../server/tools/tool-registry';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { poll } from '../support/poll';
import { credentialsEnv, EMPTY_CWD, keychainEnv, SERVER_BUNDLE, startServer, textOf } from './harness';

let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  home = await mkdtemp(join(tmpdir(), 'eka-permissions-'));
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(home, { recursive: true, force: true });
});

describe('tool permissions', () => {
  it('the catalogue names every tool the server defines, with its read or change kind', () => {
    const registry = defineAllTools(new ToolRegistry(), {
      client: {} as never,
      logger: {} as never,
      now: Date.now,
    });
    expect(registry.names()).toEqual(TOOL_CATALOG.map((t) => t.name).sort());
    for (const def of registry.computeDefinitions()) {
      const entry = TOOL_CATALOG.find((t) => t.name === def.name);
      expect(entry?.kind, def.name).toBe(def.annotations?.readOnlyHint ? 'read' : 'change');
      expect(entry?.destructive, def.name).toBe(def.annotations?.destructiveHint === true);
    }
  });

  it('read only hides the write tools from a running server at once, and a direct call is refused', async () => {
    const dir = await mkdtemp(join(home, 'preset-'));
    const server = await startServer({ ...credentialsEnv(sandbox), EKA_MCP_HOME: dir });
    let changed = 0;
    server.client.setNotificationHandler('notifications/tools/list_changed', () => {
      changed += 1;
    });
    // A 2026-07-28 client hears of list changes on a subscriptions/listen stream.
    const subscription = await server.client.listen({ toolsListChanged: true });
    try {
      const before = (await server.client.listTools()).tools.map((t) => t.name);
      expect(before).toContain('book_appointment');
      expect(before).toContain('archive_patient');

      await createFileSettingsStore(dir).update({
        toolPermissions: { preset: 'read-only', allow: [], deny: [], askFirst: ['archive_patient'] },
      });
      // Within a second: ten looks, a tenth of a second apart.
      const after = await poll(
        async () => {
          const names = (await server.client.listTools()).tools.map((t) => t.name);
          return names.includes('book_appointment') ? undefined : names;
        },
        { attempts: 10, intervalMs: 100 },
      );
      expect(after, 'book_appointment still listed a second after the change').toBeDefined();
      const writes = TOOL_CATALOG.filter((t) => t.kind === 'change').map((t) => t.name);
      expect(after?.filter((n) => writes.includes(n))).toEqual([]);
      expect(after).toContain('search_patients');
      expect(changed).toBeGreaterThan(0);

      const before_ = sandbox.requests.list().length;
      const refused = (await server.call('book_appointment', {
        patient_id: '174000000233',
        doctor_id: 'd-ananya-iyer',
        clinic_id: 'c-indiranagar',
        start_time: 1_800_000_000,
      })) as CallToolResult;
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toMatch(/not allowed to book an appointment/);
      expect(textOf(refused)).toMatch(/What assistants may do/);
      expect(sandbox.requests.list().length).toBe(before_);

      const journal = await createJournal({ settingsDir: dir }).read();
      expect(journal[0]).toMatchObject({ tool: 'book_appointment', outcome: 'refused', kind: 'change' });

      // Switching one tool back on lists it again.
      await createFileSettingsStore(dir).update({
        toolPermissions: {
          preset: 'read-only',
          allow: ['book_appointment'],
          deny: ['search_patients'],
          askFirst: [],
        },
      });
      const again = await poll(
        async () => {
          const names = (await server.client.listTools()).tools.map((t) => t.name);
          return names.includes('book_appointment') ? names : undefined;
        },
        { attempts: 10, intervalMs: 100 },
      );
      expect(again).toBeDefined();
      expect(again).not.toContain('search_patients');
    } finally {
      await subscription.close();
      await server.close();
    }
  });

  it('ask first asks the clinician by form elicitation and changes nothing when declined', async () => {
    const dir = await mkdtemp(join(home, 'ask-'));
    const patient = seedPatients().find((p) => !p.arc) as ReturnType<typeof seedPatients>[number];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [SERVER_BUNDLE],
      env: { ...keychainEnv(), ...credentialsEnv(sandbox), EKA_MCP_HOME: dir },
      cwd: EMPTY_CWD,
      stderr: 'ignore',
    });
    const client = new Client(
      { name: 'elicit-test', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked: string[] = [];
    let answer: 'decline' | 'accept' = 'decline';
    client.setRequestHandler(ElicitRequestSchema, async (request) => {
      asked.push(String(request.params.message));
      return answer === 'accept' ? { action: 'accept', content: { confirm: true } } : { action: 'decline' };
    });
    await client.connect(transport);
    try {
      const profile = async () =>
        (
          (await client.callTool({
            name: 'get_comprehensive_patient_profile',
            arguments: { patient_id: patient.oid },
          })) as CallToolResult
        ).structuredContent as { patient?: { archived?: boolean }; archived?: boolean };

      const declined = (await client.callTool({
        name: 'archive_patient',
        arguments: { patient_id: patient.oid },
      })) as CallToolResult;
      expect(asked).toHaveLength(1);
      expect(asked[0]).toContain(patient.oid);
      expect(asked[0]).not.toContain(patient.fln);
      expect(declined.isError).toBe(true);
      expect(textOf(declined)).toMatch(/did not confirm/);
      expect(JSON.stringify(await profile())).not.toMatch(/"archived":true/);

      answer = 'accept';
      const done = (await client.callTool({
        name: 'archive_patient',
        arguments: { patient_id: patient.oid },
      })) as CallToolResult;
      expect(asked).toHaveLength(2);
      expect(done.isError, textOf(done)).toBeFalsy();

      const journal = await createJournal({ settingsDir: dir }).read({ tool: 'archive_patient' });
      expect(journal.map((e) => e.outcome)).toEqual(['ok', 'declined']);
    } finally {
      await client.close();
    }
  });
});
