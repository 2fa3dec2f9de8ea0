/**
 * Builds the Eka MCP server on the official SDK's v2 line: the API client for
 * one token source and every tool family, defined once per process. The
 * SDK's serving entries (`serveStdio`, `createMcpHandler`) ask a factory for
 * the protocol object of each connection or HTTP exchange, because v2 keeps
 * the protocol era and the client's identity on it; what the factory makes is
 * that bare object with two handlers that close over the shared tools, their
 * compiled schemas, the `tools/list` answer and the API client.
 */
import { Server } from '@modelcontextprotocol/server';
import pkg from '../package.json' with { type: 'json' };
import { processToolGuard, type ToolGuard } from './activity/tool-guard';
import type { ServerConfig } from './config/server-config';
import { EkaClient } from './eka/client';
import type { TokenSource } from './eka/token-source';
import { ICONS } from './icon';
import type { Logger } from './logging';
import { registerAbhaTools } from './tools/abha';
import { registerAppointmentTools } from './tools/appointments';
import { registerKnowledgeTools } from './tools/knowledge';
import { registerPatientTools } from './tools/patients';
import { registerPracticeTools } from './tools/practice';
import type { ToolDeps } from './tools/tool-kit';
import { ToolRegistry } from './tools/tool-registry';

export interface CreateServerOptions {
  config: ServerConfig;
  tokenSource: TokenSource;
  logger: Logger;
  fetch?: typeof fetch;
  /** Clock in epoch milliseconds (defaults to Date.now). */
  now?: () => number;
  /** Tool permissions and the activity journal (default: this process's, on the settings folder; null: none). */
  guard?: ToolGuard | null;
}

/** Name, version and icon the server reports in `initialize` and `server/discover`. */
export const SERVER_INFO = {
  name: 'eka-mcp',
  title: 'Eka.care',
  version: pkg.version,
  icons: ICONS,
};

const INSTRUCTIONS = `Tools for a clinician's Eka.care practice (India) and Indian clinical references.
- Find patients with search_patients (or get_patient_by_mobile) and use the returned patient_id.
- get_business_entities gives the doctor_id and clinic_id for slots and bookings.
- Dates are IST calendar dates YYYY-MM-DD; slot and appointment times are epoch seconds, also shown in IST (+05:30).
- Mobile numbers are written +91XXXXXXXXXX.
- Confirm with the clinician before archive_patient or cancel_appointment.
- Paginated tools return next_page: call again with page_no = next_page for more.`;

/** Defines every Eka tool, family by family, on `tools`. */
export function defineAllTools(tools: ToolRegistry, deps: ToolDeps): ToolRegistry {
  registerPatientTools(tools, deps);
  registerPracticeTools(tools, deps);
  registerAppointmentTools(tools, deps);
  registerAbhaTools(tools, deps);
  registerKnowledgeTools(tools, deps);
  return tools;
}

/**
 * Makes the protocol object of one connection or HTTP exchange; everything
 * else is shared. `tokenSource` is the caller's, for an HTTP request: every
 * Eka call of that exchange's tools uses it.
 */
export type EkaServerFactory = (scope?: { tokenSource?: TokenSource }) => Server;

/** Defines the tools and the API client once, and returns the factory the SDK's serving entries call. */
export function createServerFactory(options: CreateServerOptions): EkaServerFactory {
  const { config, tokenSource, logger } = options;
  const client = new EkaClient({
    baseUrl: config.apiBaseUrl,
    tokenSource,
    logger,
    fetch: options.fetch,
    timeoutMs: config.requestTimeoutMs,
    maxRetries: config.maxRetries,
    retryBaseMs: config.retryBaseMs,
    maxRetryWaitMs: config.maxRetryWaitMs,
  });
  const deps: ToolDeps = { client, logger, now: options.now ?? Date.now };
  const guard = options.guard === undefined ? processToolGuard(logger, config.transport) : options.guard;
  const tools = defineAllTools(new ToolRegistry(), deps);
  return (scope) => {
    const server = new Server(SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
    tools.install(server, logger, guard ?? undefined, scope?.tokenSource);
    return server;
  };
}

/** Creates one SDK `Server` exposing every Eka tool, backed by `tokenSource` (tests, single connections). */
export function createServer(options: CreateServerOptions): Server {
  return createServerFactory(options)();
}
