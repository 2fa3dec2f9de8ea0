/**
 * The `tools/list` answer computed from the tools' zod configs. The server
 * build runs this and bakes the result into the bundle (built-manifest.ts).
 */
import type { Tool } from '@modelcontextprotocol/server';
import { defineAllTools } from '../create-server';
import { EkaClient } from '../eka/client';
import { createOpenTokenSource } from '../eka/token-sources/open';
import { createLogger } from '../logging';
import { ToolRegistry } from './tool-registry';

/** Every tool definition, in registration order, as the server lists them. */
export function toolManifest(): { tools: Tool[] } {
  const logger = createLogger({ level: 'error' });
  const client = new EkaClient({
    baseUrl: 'http://127.0.0.1:9',
    tokenSource: createOpenTokenSource(),
    logger,
    timeoutMs: 1,
    maxRetries: 0,
    retryBaseMs: 0,
    maxRetryWaitMs: 0,
  });
  const tools = defineAllTools(new ToolRegistry(), { client, logger, now: Date.now });
  return { tools: tools.computeDefinitions() };
}
