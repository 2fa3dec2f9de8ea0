import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { serverBundle } from './helpers';

/** Starts the bundled server in Eka account mode with the real MCP client over stdio. */
export async function startOidcServer(apiBaseUrl: string, env: NodeJS.ProcessEnv): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [serverBundle, '--mode', 'oidc', '--env', 'sandbox', '--api-base-url', apiBaseUrl],
    env: env as Record<string, string>,
    stderr: 'ignore',
  });
  const client = new Client({ name: 'signin-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** The text of a tool result's content. */
export function resultText(result: object): string {
  const content = ((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[];
  return content.map((part) => part.text ?? '').join('\n');
}
