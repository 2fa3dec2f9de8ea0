/**
 * The "done when" check from the issue: the MCP Inspector CLI lists every
 * tool of the bundle, and calls search_patients against the sandbox when
 * EKA_API_BASE_URL, EKA_CLIENT_ID and EKA_CLIENT_SECRET point at it; and it
 * does the same against the HTTP transport (Streamable HTTP at /mcp).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolManifest } from '../../server/tools/tool-manifest';
import { startTestServer, type TestServer } from '../http/harness';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { EMPTY_CWD, ROOT, SERVER_BUNDLE } from './harness';

const run = promisify(execFile);
const INSPECTOR = join(ROOT, 'node_modules/@modelcontextprotocol/inspector/cli/build/cli.js');

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

async function inspector(
  args: string[],
  env: Record<string, string>,
  target = [process.execPath, SERVER_BUNDLE],
) {
  const { stdout } = await run(process.execPath, [INSPECTOR, '--cli', ...target, ...args], {
    cwd: EMPTY_CWD,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      // The test run's settings folder (global-setup.ts), so the server's journal stays out of the user's.
      ...(process.env.EKA_MCP_HOME ? { EKA_MCP_HOME: process.env.EKA_MCP_HOME } : {}),
      ...env,
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('MCP Inspector CLI', () => {
  it('lists every tool', async () => {
    const out = await inspector(['--method', 'tools/list'], {});
    expect((out.tools as { name: string }[]).map((t) => t.name).sort()).toEqual(
      toolManifest()
        .tools.map((t) => t.name)
        .sort(),
    );
  });

  it('calls search_patients against the sandbox with client credentials from the environment', async () => {
    const env = {
      EKA_API_BASE_URL: sandbox.apiBaseUrl,
      EKA_CLIENT_ID: sandbox.clients.integrator.client_id,
      EKA_CLIENT_SECRET: sandbox.clients.integrator.client_secret,
      ...(process.env.EKA_MCP_HOME ? { EKA_MCP_HOME: process.env.EKA_MCP_HOME } : {}),
    };
    const out = await inspector(
      [
        ...Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
        '--method',
        'tools/call',
        '--tool-name',
        'search_patients',
        '--tool-arg',
        'prefix=a',
      ],
      env,
    );
    expect(out.isError).toBeFalsy();
    const structured = out.structuredContent as {
      patients: { patient_id: string; name: string }[];
      count: number;
    };
    expect(structured.count).toBeGreaterThan(0);
    expect(structured.count).toBe(structured.patients.length);
    const seeded = new Set(seedPatients().map((p) => p.oid));
    for (const patient of structured.patients) {
      expect(seeded.has(patient.patient_id), patient.patient_id).toBe(true);
      expect(patient.name).toMatch(/(^|\s)a/i);
    }
  });
});

describe('MCP Inspector CLI over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(sandbox);
  });

  afterAll(async () => {
    await server?.close();
  });

  const http = () => [server.url, '--transport', 'http'];

  it('lists every tool', async () => {
    const out = await inspector(['--method', 'tools/list'], {}, http());
    expect((out.tools as { name: string }[]).map((t) => t.name)).toEqual(
      toolManifest()
        .tools.map((t) => t.name)
        .sort(),
    );
  });

  it('calls search_patients against the sandbox', async () => {
    const out = await inspector(
      ['--method', 'tools/call', '--tool-name', 'search_patients', '--tool-arg', 'prefix=a'],
      {},
      http(),
    );
    expect(out.isError).toBeFalsy();
    const structured = out.structuredContent as { patients: { patient_id: string }[]; count: number };
    expect(structured.count).toBeGreaterThan(0);
    const seeded = new Set(seedPatients().map((p) => p.oid));
    for (const patient of structured.patients) expect(seeded.has(patient.patient_id)).toBe(true);
  });
});
