// The command line for what the clinic sees and decides: `eka-mcp activity`
// reads the journal the servers write, `eka-mcp tools` changes what a running
// server lists, `status` names the identity the mode really uses, and
// `doctor` says when the settings file does not exist yet.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { credentialsEnv, startServer } from '../server/harness';
import { isolate, runCli } from '../signin/helpers';
import { poll } from '../support/poll';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('eka-mcp activity and tools', () => {
  it('activity lists what a server did, filters changes and --since, and clears', async () => {
    const iso = isolate();
    try {
      const patient = seedPatients()[1] as ReturnType<typeof seedPatients>[number];
      const server = await startServer({ ...credentialsEnv(sandbox), EKA_MCP_HOME: iso.home });
      await server.call('get_comprehensive_patient_profile', { patient_id: patient.oid });
      await server.call('complete_appointment', { appointment_id: 'no-such-appointment' });
      await server.close();

      const all = await runCli(['activity'], iso.env);
      expect(all.stderr).toBe('');
      expect(all.code).toBe(0);
      const lines = all.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(
        /^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}:\d{2} IST {2}eka-mcp-tests 1\.0\.0 {2}complete_appointment {2}change {2}error \(not_found\)/,
      );
      expect(lines[1]).toContain(`get_comprehensive_patient_profile  read  ok`);
      expect(lines[1]).toContain(`patient ${patient.oid}`);
      expect(all.stdout).not.toContain(patient.fln);

      const changes = await runCli(['activity', '--changes', '--json'], iso.env);
      const entries = changes.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { tool: string });
      expect(entries.map((e) => e.tool)).toEqual(['complete_appointment']);

      expect(
        (await runCli(['activity', '--since', '1h', '--json'], iso.env)).stdout.trim().split('\n'),
      ).toHaveLength(2);
      const bad = await runCli(['activity', '--since', 'yesterday'], iso.env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--since takes a duration such as 30m/);

      expect((await runCli(['activity', 'clear'], iso.env)).code).toBe(0);
      expect((await runCli(['activity'], iso.env)).stdout.trim()).toBe('No activity yet.');
    } finally {
      iso.cleanup();
    }
  });

  it('tools preset and deny change what a running server lists; unknown names fail clearly', async () => {
    const iso = isolate();
    try {
      const server = await startServer({ ...credentialsEnv(sandbox), EKA_MCP_HOME: iso.home });
      try {
        const listed = async () => (await server.client.listTools()).tools.map((t) => t.name);
        const preset = await runCli(['tools', 'preset', 'appointments'], iso.env);
        expect(preset.code).toBe(0);
        expect(preset.stdout).toContain('Preset: Read and manage appointments (appointments)');
        expect(preset.stdout).toMatch(/^on +book_appointment +change$/m);
        expect(preset.stdout).toMatch(/^off +add_patient +change$/m);
        expect(
          await poll(async () => ((await listed()).includes('add_patient') ? undefined : true), {
            attempts: 20,
            intervalMs: 100,
          }),
        ).toBe(true);

        expect((await runCli(['tools', 'deny', 'book_appointment', 'search_patients'], iso.env)).code).toBe(
          0,
        );
        const json = JSON.parse((await runCli(['tools', '--json'], iso.env)).stdout) as {
          preset: string;
          tools: { name: string; enabled: boolean; askFirst: boolean }[];
        };
        expect(json.preset).toBe('appointments');
        expect(json.tools.find((t) => t.name === 'book_appointment')?.enabled).toBe(false);
        expect(json.tools.find((t) => t.name === 'cancel_appointment')?.enabled).toBe(true);
        expect(
          await poll(async () => ((await listed()).includes('search_patients') ? undefined : true), {
            attempts: 20,
            intervalMs: 100,
          }),
        ).toBe(true);

        expect((await runCli(['tools', 'allow', 'add_patient'], iso.env)).code).toBe(0);
        expect(
          await poll(async () => ((await listed()).includes('add_patient') ? true : undefined), {
            attempts: 20,
            intervalMs: 100,
          }),
        ).toBe(true);

        const unknown = await runCli(['tools', 'deny', 'delete_everything'], iso.env);
        expect(unknown.code).toBe(1);
        expect(unknown.stderr).toMatch(/There is no Eka tool named delete_everything/);
        const usage = await runCli(['tools', 'preset', 'admin'], iso.env);
        expect(usage.code).toBe(2);
      } finally {
        await server.close();
      }
    } finally {
      iso.cleanup();
    }
  });

  it('status names the identity the mode uses; doctor says a missing settings file is not created yet', async () => {
    const iso = isolate();
    try {
      const doctor = await runCli(['doctor'], iso.env);
      expect(doctor.stdout).toMatch(/ok {3}settings: .*settings\.json not created yet \(defaults\)/);

      writeFileSync(
        join(iso.home, 'settings.json'),
        JSON.stringify({
          mode: 'client-credentials',
          environment: 'sandbox',
          ccClientId: 'clinic-integration',
        }),
      );
      const cc = await runCli(['status'], iso.env);
      expect(cc.stdout).toContain('Identity:      client clinic-integration (client credentials)');
      expect(cc.stdout).not.toMatch(/^Name:/m);
      const json = JSON.parse((await runCli(['status', '--json'], iso.env)).stdout) as { identity: string };
      expect(json.identity).toBe('client clinic-integration (client credentials)');

      expect((await runCli(['mode', 'open'], iso.env)).code).toBe(0);
      expect((await runCli(['status'], iso.env)).stdout).toContain(
        'Identity:      none: open mode, calls carry no token',
      );
    } finally {
      iso.cleanup();
    }
  });
});
