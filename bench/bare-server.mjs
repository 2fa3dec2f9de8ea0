// A bare one-tool MCP server started the usual unbundled way: plain node
// importing the SDK and zod from node_modules. The baseline for the
// cold-start benchmark in bench/server.ts.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';

const server = new McpServer({ name: 'bare', version: '1.0.0' });
server.registerTool(
  'echo',
  { description: 'Echoes the text back.', inputSchema: { text: z.string().describe('Text to echo.') } },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);
await server.connect(new StdioServerTransport());
