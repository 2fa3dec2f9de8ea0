// The activity journal as a clinic relies on it: several server processes at
// once, every call exactly once, ids only (the sandbox's seeded names and
// mobiles are the sentinels), private files, retention and clearing.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJournal } from '../../server/activity/journal';
import { connectClient } from '../http/harness';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { DOCTORS, doctorName } from '../sandbox/seed/practice';
import { poll } from '../support/poll';
import { spawnServer } from '../support/server-bundle';
import { credentialsEnv, startServer, structured } from './harness';

let sandbox: Sandbox;
let home: string;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
  home = await mkdtemp(join(tmpdir(), 'eka-journal-'));
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(home, { recursive: true, force: true });
});

async function journalText(dir: string): Promise<string> {
  const folder = join(dir, 'activity');
  const names = (await readdir(folder)).filter((n) => n.endsWith('.jsonl'));
  let text = '';
  for (const name of names) text += await readFile(join(folder, name), 'utf8');
  return text;
}

describe('activity journal', () => {
  it('holds every call of several server processes exactly once, with ids and never names or mobiles', async () => {
    const patients = seedPatients();
    const first = patients[0] as (typeof patients)[number];
    const servers = await Promise.all(
      [1, 2, 3, 4].map(() => startServer({ ...credentialsEnv(sandbox), EKA_MCP_HOME: home })),
    );
    // And one HTTP server process writing to the same journal.
    const http = spawnServer(['--transport', 'http', '--port', '0'], {
      ...credentialsEnv(sandbox),
      EKA_MCP_HOME: home,
    });
    let calls = 0;
    let httpCalls = 0;
    try {
      const url = await poll(() => /listening on (http:\/\/\S+\/mcp)/.exec(http.output().stderr)?.[1]);
      expect(url, http.output().stderr).toBeDefined();
      const httpClient = await connectClient(url as string);
      await Promise.all([
        ...[0, 1, 2].map(async () => {
          await httpClient.callTool({
            name: 'get_comprehensive_patient_profile',
            arguments: { patient_id: first.oid },
          });
          httpCalls += 1;
        }),
        ...servers.map(async (server, index) => {
          const results = await Promise.all([
            server.call('search_patients', { prefix: first.fn }),
            server.call('get_patient_by_mobile', { mobile: first.mobile }),
            server.call('get_comprehensive_patient_profile', { patient_id: first.oid }),
            server.call('get_business_entities'),
            server.call('list_patients', {}),
            server.call('indian_branded_drug_search', { drug_name: 'paracetamol' }),
          ]);
          calls += results.length;
          // A failing call is journaled too.
          await server.call('get_comprehensive_patient_profile', { patient_id: `no-such-${index}` });
          calls += 1;
          structured(results[2] as never);
        }),
      ]);
      calls += httpCalls;
      await httpClient.close();
    } finally {
      await Promise.all(servers.map((s) => s.close()));
      http.child.kill('SIGTERM');
      await http.exited;
    }

    const text = await journalText(home);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(lines).toHaveLength(calls);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(new Set(entries.map((e) => e.id)).size).toBe(calls);
    for (const entry of entries) {
      expect(entry.kind).toBe('read');
      expect(typeof entry.durationMs).toBe('number');
      if (entry.transport === 'stdio')
        expect(entry.client).toEqual({ name: 'eka-mcp-tests', version: '1.0.0' });
    }
    expect(entries.filter((e) => e.transport === 'http')).toHaveLength(3);
    expect(entries.filter((e) => e.transport === 'stdio')).toHaveLength(calls - 3);
    const profile = entries.filter(
      (e) => e.tool === 'get_comprehensive_patient_profile' && e.outcome === 'ok',
    );
    expect(profile).toHaveLength(7);
    expect((profile[0]?.ids as { patient: string[] }).patient).toContain(first.oid);
    const failed = entries.filter((e) => e.outcome === 'error');
    expect(failed).toHaveLength(4);
    expect(failed[0]?.errorCode).toBe('not_found');
    const entities = entries.find((e) => e.tool === 'get_business_entities');
    expect((entities?.ids as { doctor: string[] }).doctor).toContain(DOCTORS[0]?.doctor_id);

    // Sentinels: no seeded name, mobile (any form) or email ever reaches the file.
    const sentinels = new Set<string>();
    for (const p of patients) {
      sentinels.add(p.fln);
      sentinels.add(p.mobile);
      sentinels.add(p.mobile.replace(/^\+91/, ''));
      if (p.email) sentinels.add(p.email);
    }
    for (const d of DOCTORS) {
      sentinels.add(doctorName(d));
      sentinels.add(`${d.firstName} ${d.lastName}`);
      sentinels.add(d.mobile);
      sentinels.add(d.email);
    }
    const leaked = [...sentinels].filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
    expect(text).not.toContain(sandbox.clients.integrator.client_secret);

    const folder = join(home, 'activity');
    expect((await stat(folder)).mode & 0o777).toBe(0o700);
    for (const name of await readdir(folder)) {
      if (name.endsWith('.jsonl')) expect((await stat(join(folder, name))).mode & 0o777).toBe(0o600);
    }
  });

  it('keeps only the retention days, reads newest first with filters, and clears on request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eka-journal-unit-'));
    try {
      const day = 86_400_000;
      const now = Date.UTC(2026, 11, 1, 10);
      let clock = now - 40 * day;
      const journal = createJournal({ settingsDir: dir, retentionDays: () => 30, now: () => clock });
      await journal.append({
        tool: 'search_patients',
        kind: 'read',
        outcome: 'ok',
        durationMs: 3,
        ids: { patient: ['p1', 'Priya Sharma +91 90000 10000'] },
      });
      clock = now - day;
      await journal.append({
        tool: 'book_appointment',
        kind: 'change',
        outcome: 'ok',
        durationMs: 9,
        ids: { appointment: ['a-1'] },
        client: { name: 'Claude Desktop', version: '1.2' },
      });
      clock = now;
      await journal.append({
        tool: 'cancel_appointment',
        kind: 'change',
        outcome: 'error',
        errorCode: 'not_found',
        durationMs: 4,
        ids: {},
      });
      // The 40-day-old file went when the newer day was first written.
      const all = await journal.read();
      expect(all.map((e) => e.tool)).toEqual(['cancel_appointment', 'book_appointment']);
      expect(await journal.read({ failuresOnly: true })).toHaveLength(1);
      expect(await journal.read({ client: 'Claude Desktop' })).toHaveLength(1);
      expect(await journal.read({ since: now - 3600_000 })).toHaveLength(1);
      // A torn line (a crash mid-write) is skipped, not fatal.
      const files = (await readdir(join(dir, 'activity'))).filter((n) => n.endsWith('.jsonl'));
      await writeFile(join(dir, 'activity', files[0] as string), '{"tool":', { flag: 'a' });
      expect(await journal.read()).toHaveLength(2);
      await journal.clear();
      expect(await journal.read()).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('drops anything in an id field that is not an id', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eka-journal-ids-'));
    try {
      const journal = createJournal({ settingsDir: dir });
      const entry = await journal.append({
        tool: 'search_patients',
        kind: 'read',
        outcome: 'ok',
        durationMs: 1,
        ids: { patient: ['174000000233', 'Priya Sharma', '+91 90000 10000'] },
        client: { name: 'Claude\nDesktop <script>' },
      });
      expect(entry.ids).toEqual({ patient: ['174000000233'] });
      expect(entry.client).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
