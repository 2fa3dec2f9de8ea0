// A bare one-tool MCP server on the same SDK line as ours (v2), started the
// usual unbundled way: plain node importing the SDK and zod from
// node_modules, served by the SDK's serveStdio (both protocol eras). The
// baseline for the cold-start benchmark in bench/server.ts.
import { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { z } from 'zod';

serveStdio(() => {
  const server = new McpServer({ name: 'bare', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool(
    'echo',
    {
      description: 'Echoes the text back.',
      inputSchema: z.object({ text: z.string().describe('Text to echo.') }),
    },
    async ({ text }) => ({ content: [{ type: 'text', text }] }),
  );
  return server;
});
