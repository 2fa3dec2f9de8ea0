// The baseline of the HTTP benchmark (bench/http.ts): the least a server can
// do for one search_patients tool call. A plain node:http server that reads a
// JSON-RPC request, makes the same upstream call the tool makes (one fetch to
// the sandbox's patient search with the same bearer token and client-id), and
// answers a JSON-RPC result with the same content and structured content. No
// MCP library, no validation, no auth: what is left is Node's HTTP and fetch.
//
//   EKA_API_BASE_URL=... EKA_TOKEN=... EKA_CLIENT_ID=... node bench/proxy.mjs
// prints {"port":N} on stdout once listening on 127.0.0.1.
import { createServer } from 'node:http';
import { searchQuery, searchResult } from './baseline-search.mjs';

const api = process.env.EKA_API_BASE_URL;
const headers = {
  accept: 'application/json',
  authorization: `Bearer ${process.env.EKA_TOKEN}`,
  'client-id': process.env.EKA_CLIENT_ID,
};

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', async () => {
    const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    const args = request.params.arguments;
    const upstream = await fetch(`${api}/profiles/v1/patient/search?${searchQuery(args)}`, { headers });
    if (!upstream.ok) throw new Error(`search answered ${upstream.status}`);
    const result = searchResult(await upstream.json(), args.prefix);
    const body = JSON.stringify({ jsonrpc: '2.0', id: request.id, result });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
