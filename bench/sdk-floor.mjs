// A second baseline of the HTTP benchmark (bench/http.ts): the least an MCP
// server on the official SDK's v2 HTTP entry can do for one search_patients
// tool call. Node's HTTP server hands the parsed body and a body-less web
// request to `createMcpHandler` (as our server does); the one tool makes the
// same upstream call over Node's HTTP client with keep-alive (as our API
// client does) and answers the same content and structured content. No input
// or output validation, no permissions, no journal, no auth: what is left is
// the SDK's per-request protocol work. Our figures against this one show
// what our own code costs; this one against the minimal proxy shows what the
// SDK's entry costs.
//
//   EKA_API_BASE_URL=... EKA_TOKEN=... EKA_CLIENT_ID=... node bench/sdk-floor.mjs
// prints {"port":N} on stdout once listening on 127.0.0.1.
import { Agent, createServer, request as httpRequest } from 'node:http';
import { createMcpHandler, Server } from '@modelcontextprotocol/server';
import { searchQuery, searchResult } from './baseline-search.mjs';

const api = process.env.EKA_API_BASE_URL;
const headers = {
  accept: 'application/json',
  authorization: `Bearer ${process.env.EKA_TOKEN}`,
  'client-id': process.env.EKA_CLIENT_ID,
};
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function getJson(url, retried = false) {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { headers, agent }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      response.on('error', reject);
    });
    outgoing.on('error', (error) => {
      // A kept-alive connection the sandbox closed while idle: send again, once (as our client does).
      if (!retried && outgoing.reusedSocket && error.code === 'ECONNRESET') resolve(getJson(url, true));
      else reject(error);
    });
    outgoing.end();
  });
}

const TOOLS = [
  {
    name: 'search_patients',
    inputSchema: { type: 'object', properties: { prefix: { type: 'string' }, limit: { type: 'number' } } },
  },
];

function factory() {
  const server = new Server({ name: 'sdk-floor', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler('tools/list', () => ({ tools: TOOLS }));
  server.setRequestHandler('tools/call', async (request) => {
    const args = request.params.arguments;
    const found = await getJson(`${api}/profiles/v1/patient/search?${searchQuery(args)}`);
    return searchResult(found, args.prefix);
  });
  return server;
}

const handler = createMcpHandler(factory, { legacy: 'reject' });
const CARRIED = new Set(['accept', 'content-type', 'host', 'mcp-protocol-version', 'mcp-method', 'mcp-name']);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const parsedBody = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const carried = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      if (CARRIED.has(name)) carried.push([name, req.rawHeaders[i + 1]]);
    }
    const abort = new AbortController();
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: 'POST',
      headers: carried,
      signal: abort.signal,
    });
    const response = await handler.fetch(request, { parsedBody });
    const body = Buffer.from(await response.arrayBuffer());
    const out = {};
    for (const [name, value] of response.headers) out[name] = value;
    out['content-length'] = String(body.length);
    res.writeHead(response.status, out);
    res.end(body);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
