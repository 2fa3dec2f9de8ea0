/**
 * What every tool family shares: its dependencies, the success result shape
 * (short text beside `structuredContent`), and the wrapper that turns any
 * failure into an `isError` result with a code and an actionable message,
 * so a tool never takes the process down.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { ERROR_CODE_META } from '../activity/meta';
import { ContractViolation } from '../eka/api/endpoint';
import type { EkaClient } from '../eka/client';
import { isEkaError } from '../errors';
import type { Logger } from '../logging';

export interface ToolDeps {
  client: EkaClient;
  logger: Logger;
  /** Clock in epoch milliseconds (IST "today" for date defaults). */
  now: () => number;
}

/** A successful tool result: readable text for the model plus the structured payload. */
export function toolResult(structured: Record<string, unknown>, text: string): CallToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/** A failed tool result the model can act on: `isError` with the error's code and message. */
export function toolError(error: unknown): CallToolResult {
  if (isEkaError(error)) {
    return { isError: true, content: [{ type: 'text', text: `${error.message} (${error.code})` }] };
  }
  if (error instanceof ContractViolation) {
    return {
      isError: true,
      content: [
        {
          type: 'text',
          text: `Eka MCP refused to send Eka a request its published contract does not allow (${error.endpoint}, ${error.part}: ${error.detail}). Check the values given, and report it if they look right. (contract_violation)`,
        },
      ],
    };
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return {
      isError: true,
      content: [{ type: 'text', text: 'The request was cancelled before Eka answered.' }],
    };
  }
  return {
    isError: true,
    content: [
      {
        type: 'text',
        text: 'Something went wrong inside Eka MCP: try again, and report it if it keeps happening.',
      },
    ],
  };
}

/** Runs a tool body, logging its outcome (never its arguments) and mapping failures to `isError` results. */
export async function runTool(
  name: string,
  deps: ToolDeps,
  body: () => Promise<CallToolResult>,
): Promise<CallToolResult> {
  const started = performance.now();
  try {
    const result = await body();
    deps.logger.debug('Tool call done', { tool: name, ms: Math.round(performance.now() - started) });
    return result;
  } catch (error) {
    const code = isEkaError(error)
      ? error.code
      : error instanceof ContractViolation
        ? 'contract_violation'
        : 'internal_error';
    const log = code === 'internal_error' ? deps.logger.error : deps.logger.warn;
    log('Tool call failed', { tool: name, errorCode: code, error });
    // The code travels in `_meta` too, for the activity journal and the app's health check.
    return { ...toolError(error), _meta: { [ERROR_CODE_META]: code } };
  }
}

/** Drops `undefined` values so structured output only carries what Eka sent. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined && item !== null) out[key] = item;
  }
  return out as T;
}
