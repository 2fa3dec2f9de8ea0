/**
 * Builds an Eka MCP server: the API client for one token source and every
 * tool family registered on a fresh `McpServer`. Cheap enough to call once
 * per HTTP request (nothing here touches the network or the disk).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import pkg from '../package.json' with { type: 'json' };
import { processToolGuard, type ToolGuard } from './activity/tool-guard';
import type { ServerConfig } from './config/server-config';
import { EkaClient } from './eka/client';
import type { TokenSource } from './eka/token-source';
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

/** Name and version the server reports in `initialize`. */
export const SERVER_INFO = { name: 'eka-mcp', title: 'Eka.care', version: pkg.version } as const;

const INSTRUCTIONS = `Tools for a clinician's Eka.care practice (India) and Indian clinical references.
- Find patients with search_patients (or get_patient_by_mobile) and use the returned patient_id.
- get_business_entities gives the doctor_id and clinic_id for slots and bookings.
- Dates are IST calendar dates YYYY-MM-DD; slot and appointment times are epoch seconds, also shown in IST (+05:30).
- Mobile numbers are written +91XXXXXXXXXX.
- Confirm with the clinician before archive_patient or cancel_appointment.
- Paginated tools return next_page: call again with page_no = next_page for more.`;

/**
 * The SDK's Ajv validator (used only to check elicitation replies), created
 * on first use instead of with every server: building Ajv and its formats
 * costs milliseconds at start-up and per HTTP request, and no Eka tool elicits.
 */
function lazyJsonSchemaValidator(): jsonSchemaValidator {
  let ajv: AjvJsonSchemaValidator | undefined;
  return {
    getValidator(schema) {
      ajv ??= new AjvJsonSchemaValidator();
      return ajv.getValidator(schema);
    },
  };
}

/** Defines every Eka tool, family by family, on `tools`. */
export function defineAllTools(tools: ToolRegistry, deps: ToolDeps): ToolRegistry {
  registerPatientTools(tools, deps);
  registerPracticeTools(tools, deps);
  registerAppointmentTools(tools, deps);
  registerAbhaTools(tools, deps);
  registerKnowledgeTools(tools, deps);
  return tools;
}

/** Creates an `McpServer` exposing every Eka tool, backed by `tokenSource`. */
export function createServer(options: CreateServerOptions): McpServer {
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
  const server = new McpServer(SERVER_INFO, {
    capabilities: { tools: {} },
    instructions: INSTRUCTIONS,
    jsonSchemaValidator: lazyJsonSchemaValidator(),
  });
  const deps: ToolDeps = { client, logger, now: options.now ?? Date.now };
  const guard = options.guard === undefined ? processToolGuard(logger, config.transport) : options.guard;
  defineAllTools(new ToolRegistry(), deps).install(server, logger, guard ?? undefined);
  return server;
}
