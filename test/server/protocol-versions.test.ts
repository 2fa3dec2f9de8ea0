/**
 * Clients of both protocol lines against the same server: the SDK v2 client
 * pinned to MCP 2026-07-28 (server/discover, version and capabilities with
 * every request), and the v1 SDK client speaking 2025-11-25 and 2025-06-18
 * (initialize). Each lists the tools and calls search_patients, over stdio
 * (the bundle, open and client-credentials mode) and over HTTP (open mode,
 * and OAuth mode with a direct Eka token).
 */
import {
  Client as ClientV2,
  StreamableHTTPClientTransport as HttpTransportV2,
} from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioTransportV2 } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioTransportV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as HttpTransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport as TransportV1 } from '@modelcontextprotocol/sdk/shared/transport.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../http/harness';
import { type Sandbox, startSandbox } from '../sandbox/index';
import { seedPatients } from '../sandbox/seed/patients';
import { integratorToken } from '../support/integrator-token';
import { credentialsEnv, EMPTY_CWD, keychainEnv, openEnv, SERVER_BUNDLE } from './harness';

type Line = 'v2 client, 2026-07-28' | 'v1 client, 2025-11-25' | 'v1 client, 2025-06-18';
const LINES: Line[] = ['v2 client, 2026-07-28', 'v1 client, 2025-11-25', 'v1 client, 2025-06-18'];

const expectedVersion = (line: Line) => line.slice(line.lastIndexOf(' ') + 1);

/** What the tests need from either SDK's client. */
interface AnyClient {
  listTools(): Promise<{ tools: { name: string; icons?: { src: string }[] }[] }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  close(): Promise<void>;
  /** The protocol version the connection landed on. */
  version(): string | undefined;
}

/** Makes a v1 transport offer `version` in `initialize` (the v1 client always offers its newest). */
function offering(transport: TransportV1, version: string): TransportV1 {
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    if ('method' in message && message.method === 'initialize' && message.params) {
      message = { ...message, params: { ...message.params, protocolVersion: version } };
    }
    return send(message, options);
  };
  return transport;
}

async function connectV2(transport: StdioTransportV2 | HttpTransportV2): Promise<AnyClient> {
  const client = new ClientV2(
    { name: 'eka-protocol-test', version: '2.0.0' },
    { versionNegotiation: { mode: { pin: '2026-07-28' } } },
  );
  await client.connect(transport);
  return {
    listTools: () => client.listTools() as never,
    callTool: (params) => client.callTool(params),
    close: () => client.close(),
    version: () => client.getNegotiatedProtocolVersion(),
  };
}

async function connectV1(transport: TransportV1, version: string): Promise<AnyClient> {
  const client = new ClientV1({ name: 'eka-protocol-test', version: '1.0.0' });
  const recorded = recordVersion(offering(transport, version));
  await client.connect(recorded);
  return {
    listTools: () => client.listTools() as never,
    callTool: (params) => client.callTool(params),
    close: () => client.close(),
    version: () => recorded.answeredVersion,
  };
}

function stdioEnv(env: Record<string, string>): Record<string, string> {
  return { ...keychainEnv(), EKA_LOG_LEVEL: 'warn', ...env };
}

async function stdioClient(line: Line, env: Record<string, string>): Promise<AnyClient> {
  const params = { command: process.execPath, args: [SERVER_BUNDLE], env: stdioEnv(env), cwd: EMPTY_CWD };
  if (line === 'v2 client, 2026-07-28')
    return connectV2(new StdioTransportV2({ ...params, stderr: 'ignore' }));
  const transport = new StdioTransportV1({ ...params, stderr: 'ignore' });
  return connectV1(transport, expectedVersion(line));
}

/** Remembers the protocol version of the server's `initialize` reply on `transport`. */
function recordVersion(transport: TransportV1): TransportV1 & { answeredVersion?: string } {
  const recorded = transport as TransportV1 & { answeredVersion?: string };
  const start = transport.start.bind(transport);
  transport.start = async () => {
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const result = (message as { result?: { protocolVersion?: string } }).result;
      if (result?.protocolVersion && recorded.answeredVersion === undefined) {
        recorded.answeredVersion = result.protocolVersion;
      }
      onmessage?.(message, extra);
    };
    await start();
  };
  return recorded;
}

async function httpClient(line: Line, url: string, token?: string): Promise<AnyClient> {
  const requestInit = token ? { headers: { authorization: `Bearer ${token}` } } : {};
  if (line === 'v2 client, 2026-07-28') return connectV2(new HttpTransportV2(new URL(url), { requestInit }));
  return connectV1(new HttpTransportV1(new URL(url), { requestInit }), expectedVersion(line));
}

/**
 * Lists the tools and calls search_patients; checks both answers. In open
 * mode over stdio the server calls Eka with no token, so the search must
 * come back as Eka's refusal (a clear isError), not as patients.
 */
async function listAndSearch(client: AnyClient, line: Line, tokenless = false): Promise<void> {
  expect(client.version()).toBe(expectedVersion(line));
  const { tools } = await client.listTools();
  const names = tools.map((tool) => tool.name);
  expect(names.length).toBeGreaterThan(20);
  expect(names).toEqual([...names].sort());
  expect(names).toContain('search_patients');
  for (const tool of tools) expect(tool.icons?.[0]?.src).toMatch(/^data:image\/png;base64,/);

  const result = (await client.callTool({
    name: 'search_patients',
    arguments: { prefix: 'a', limit: 5 },
  })) as {
    isError?: boolean;
    structuredContent?: { patients: { patient_id: string; name: string }[]; count: number };
    content: { type: string; text?: string }[];
  };
  if (tokenless) {
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/\(auth_/);
    return;
  }
  expect(result.isError).toBeFalsy();
  const found = result.structuredContent;
  expect(found?.count).toBeGreaterThan(0);
  const seeded = new Set(seedPatients().map((p) => p.oid));
  for (const patient of found?.patients ?? []) {
    expect(seeded.has(patient.patient_id)).toBe(true);
    expect(patient.name).toMatch(/(^|\s)a/i);
  }

  const invalid = (await client.callTool({ name: 'search_patients', arguments: { prefix: 7 } })) as {
    isError?: boolean;
    content: { type: string; text?: string }[];
  };
  expect(invalid.isError).toBe(true);
  expect(invalid.content[0]?.text).toMatch(/Input validation error/);
}

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ issuerPort: 0, apiPort: 0 });
});

afterAll(async () => {
  await sandbox?.stop();
});

describe.each(LINES)('%s', (line) => {
  it('over stdio in open mode', { timeout: 30_000 }, async () => {
    const client = await stdioClient(line, openEnv(sandbox));
    try {
      await listAndSearch(client, line, true);
    } finally {
      await client.close();
    }
  });

  it('over stdio in client-credentials mode', { timeout: 30_000 }, async () => {
    const client = await stdioClient(line, credentialsEnv(sandbox));
    try {
      await listAndSearch(client, line);
    } finally {
      await client.close();
    }
  });

  describe('over HTTP', () => {
    let open: TestServer;
    let oauth: TestServer;

    beforeAll(async () => {
      open = await startTestServer(sandbox);
      oauth = await startTestServer(sandbox, { oauth: true });
    });

    afterAll(async () => {
      await open?.close();
      await oauth?.close();
    });

    it('in open mode', { timeout: 30_000 }, async () => {
      const client = await httpClient(line, open.url);
      try {
        await listAndSearch(client, line);
      } finally {
        await client.close();
      }
    });

    it('in OAuth mode with an Eka token', { timeout: 30_000 }, async () => {
      const client = await httpClient(line, oauth.url, await integratorToken(sandbox));
      try {
        await listAndSearch(client, line);
      } finally {
        await client.close();
      }
    });

    it('in OAuth mode without a token: refused', async () => {
      await expect(httpClient(line, oauth.url)).rejects.toThrow(/401|nauthori|Authentication required/);
    });
  });
});
