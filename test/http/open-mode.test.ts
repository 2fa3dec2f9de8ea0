import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../sandbox/types';
import { connectClient, PROBE_CALL, startTestSandbox, startTestServer, type TestServer } from './harness';

describe('HTTP transport, open mode', () => {
  let sandbox: Sandbox;
  let server: TestServer;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer(sandbox);
  });

  afterAll(async () => {
    await server?.close();
    await sandbox?.stop();
  });

  it('says it runs without auth and prints its URL', () => {
    expect(server.logger.lines.some((line) => line.includes('running without auth'))).toBe(true);
    expect(
      server.logger.lines.some((line) => line.includes(`listening on http://127.0.0.1:${server.port}/mcp`)),
    ).toBe(true);
  });

  it('lists and calls tools with no login', async () => {
    const client = await connectClient(server.url);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('search_patients');
    const result = await client.callTool(PROBE_CALL);
    expect(result.isError, JSON.stringify(result.content)).not.toBe(true);
    const { patients } = result.structuredContent as { patients: { name: string }[] };
    expect(patients.length).toBeGreaterThan(0);
    expect(patients.length).toBeLessThanOrEqual(PROBE_CALL.arguments.limit);
    // Eka matches the prefix against any word of the name.
    for (const patient of patients) expect(patient.name).toMatch(/(^|\s)a/i);
    await client.close();
  });

  it('answers /health', async () => {
    const response = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', auth: 'open' });
  });

  it('refuses a foreign Origin (DNS rebinding)', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        origin: 'http://evil.example',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding)', async () => {
    const http = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/mcp',
          method: 'POST',
          headers: {
            host: `evil.example:${server.port}`,
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.once('error', reject);
      req.end(body);
    });
    expect(status).toBe(403);
  });

  it('accepts its own Origin', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        origin: `http://127.0.0.1:${server.port}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
      }),
    });
    expect(response.status).toBe(200);
  });

  it('refuses a body over the size limit with 413 and stays up', async () => {
    const big = 'x'.repeat(2 * 1024 * 1024);
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { big } }),
    });
    expect(response.status).toBe(413);
    const after = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(after.status).toBe(200);
  });

  it('answers malformed JSON with a JSON-RPC parse error', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: -32700 } });
  });

  it('refuses GET on /mcp (stateless: no server-initiated stream)', async () => {
    const response = await fetch(server.url, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('refuses a body that is not JSON by its Content-Type with 415', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({
      error: { message: /Content-Type must be application\/json/ },
    });
  });

  it('refuses a chunked body (no Content-Length) once it passes the limit, and stays up', async () => {
    const chunk = new TextEncoder().encode(' '.repeat(256 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Up to 4 MB of padding, then the stream would go on: the server must stop it at 1 MB.
        if (sent >= 16) controller.close();
        else controller.enqueue(chunk);
        sent += 1;
      },
    });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    const after = await fetch(`http://127.0.0.1:${server.port}/health`);
    expect(after.status).toBe(200);
  });

  it('routes /mcp as a router would: any case, one trailing slash, a query', async () => {
    for (const path of ['/MCP', '/mcp/', '/mcp?x=1']) {
      const response = await fetch(`http://127.0.0.1:${server.port}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-protocol-version': '2025-06-18',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(response.status, path).toBe(200);
      const listed = (await response.json()) as { result?: { tools?: unknown[] } };
      expect(listed.result?.tools?.length, path).toBeGreaterThan(0);
    }
  });
});

describe('HTTP transport, request time limit', () => {
  let sandbox: Sandbox;
  let server: TestServer;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer(sandbox, {
      env: { EKA_MCP_HTTP_REQUEST_TIMEOUT_MS: '1000', EKA_HTTP_TIMEOUT_MS: '600000', EKA_HTTP_RETRIES: '0' },
    });
  });

  afterAll(async () => {
    await server?.close();
    await sandbox?.stop();
  });

  it('stops a request that outlives the limit with a JSON-RPC error, and keeps serving', async () => {
    sandbox.faults.add({
      method: 'GET',
      path: '/profiles/v1/patient/search',
      fault: { kind: 'hang' },
      times: 1,
    });
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: PROBE_CALL }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringMatching(/too long/) } });
    const client = await connectClient(server.url);
    const result = await client.callTool(PROBE_CALL);
    expect(result.isError).not.toBe(true);
    await client.close();
  });
});
