/**
 * Client ID Metadata Documents: a client whose client_id is an https URL
 * serving its metadata signs in without registering; the fetch is guarded
 * (private and loopback addresses refused unless the test setting allows
 * them, a document naming another client_id refused, cached).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isNonPublicAddress } from '../../server/auth/client-metadata-document';
import { PROBE_CALL, startTestSandbox, startTestServer, type TestServer } from '../http/harness';
import { BrowserOAuthClient } from '../http/oauth-browser';
import type { Sandbox } from '../sandbox/types';
import { listenOnLoopback } from '../support/ports';

/** A BrowserOAuthClient that names itself by a metadata document URL instead of registering. */
class DocumentClient extends BrowserOAuthClient {
  documentUrl = '';
  get clientMetadataUrl(): string {
    return this.documentUrl;
  }
}

let dir: string;
let caFile: string;
let documents: Server;
let documentBase: string;
let hits = 0;
let redirectUri = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eka-cimd-'));
  caFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      caFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  documents = createServer({ key: readFileSync(keyFile), cert: readFileSync(caFile) }, (req, res) => {
    hits += 1;
    const clientId = `${documentBase}${req.url}`;
    if (req.url === '/moved.json') {
      res.writeHead(302, { location: `${documentBase}/client.json` }).end();
      return;
    }
    if (req.url === '/big.json') {
      const padded = {
        client_id: clientId,
        redirect_uris: [redirectUri],
        client_name: 'x',
        pad: 'p'.repeat(6_000),
      };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(padded));
      return;
    }
    const body =
      req.url === '/other.json'
        ? { client_id: `${documentBase}/someone-else.json`, redirect_uris: [redirectUri] }
        : {
            client_id: clientId,
            client_name: 'Document client',
            redirect_uris: [redirectUri],
            token_endpoint_auth_method: 'none',
          };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const port = await listenOnLoopback(documents as unknown as HttpServer);
  documentBase = `https://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => documents?.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('Client ID Metadata Documents', () => {
  let sandbox: Sandbox;
  let server: TestServer;
  let guarded: TestServer;
  let oauth: DocumentClient;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    server = await startTestServer(sandbox, {
      oauth: true,
      env: { EKA_MCP_CIMD_ALLOW_PRIVATE: '1', EKA_MCP_CIMD_CA_FILE: caFile },
    });
    // The production setting: the same document, on a loopback address, is refused.
    guarded = await startTestServer(sandbox, { oauth: true, env: { EKA_MCP_CIMD_CA_FILE: caFile } });
    oauth = await DocumentClient.start(sandbox);
  });

  afterAll(async () => {
    await oauth?.close();
    await server?.close();
    await guarded?.close();
    await sandbox?.stop();
  });

  it('signs in a client named by its metadata document URL and calls a tool', async () => {
    oauth.documentUrl = `${documentBase}/client.json`;
    redirectUri = oauth.redirectUrl;
    hits = 0;
    const transport = new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth });
    await expect(new Client({ name: 'cimd-test', version: '1.0.0' }).connect(transport)).rejects.toThrow(
      /Unauthorized/i,
    );
    await transport.finishAuth(await oauth.code());
    expect(oauth.clientInformation()?.client_id).toBe(`${documentBase}/client.json`);
    const client = new Client({ name: 'cimd-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: oauth }));
    expect((await client.callTool(PROBE_CALL)).isError).not.toBe(true);
    await client.close();
    // Fetched once, then served from the cache (authorize and token both needed it).
    expect(hits).toBe(1);
  });

  function authorize(target: TestServer, clientId: string): Promise<Response> {
    const url = new URL(`${target.baseUrl}/authorize`);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    return fetch(url, { redirect: 'manual' });
  }

  it('refuses a document on a private or loopback address, without fetching it', async () => {
    hits = 0;
    const response = await authorize(guarded, `${documentBase}/client.json`);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('private or local address');
    expect(hits).toBe(0);
  });

  it('refuses a document that names another client_id, and a plain-http client_id URL', async () => {
    const other = await authorize(server, `${documentBase}/other.json`);
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('names another client_id');
    const plain = await authorize(server, `http://127.0.0.1:1/client.json`);
    expect(plain.status).toBe(400);
  });

  it('refuses a document over 5 KB and does not follow redirects', async () => {
    const big = await authorize(server, `${documentBase}/big.json`);
    expect(big.status).toBe(400);
    expect(await big.text()).toContain('larger than 5120 bytes');
    const moved = await authorize(server, `${documentBase}/moved.json`);
    expect(moved.status).toBe(400);
    expect(await moved.text()).toContain('redirects are not followed');
  });

  it('classes private, loopback, link-local and mapped addresses as not public', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
    ]) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '2606:4700::1111']) {
      expect(isNonPublicAddress(address), address).toBe(false);
    }
  });
});
