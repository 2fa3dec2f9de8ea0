/**
 * How tools are registered and served. Tool families define each tool with a
 * lazy config (title, description, zod input and output shapes, annotations)
 * and a handler. The zod schemas are built only when a tool is first called,
 * once per process. `tools/list` answers from the manifest the build computes
 * from the same configs (built-manifest.ts), or, running from source, from
 * definitions computed once per process, so neither start-up nor a
 * per-request `createServer()` pays for building two dozen schemas.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { toJsonSchemaCompat } from '@modelcontextprotocol/sdk/server/zod-json-schema-compat.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod/v4';
import type { ToolGuard } from '../activity/tool-guard';
import type { Logger } from '../logging';
import { BUILT_TOOL_MANIFEST } from './built-manifest';
import { runInToolCall } from './tool-call-context';

export interface ToolConfig<I extends z.ZodRawShape = z.ZodRawShape> {
  title: string;
  description: string;
  inputSchema: I;
  outputSchema: z.ZodRawShape;
  annotations: ToolAnnotations;
}

/** What a form elicitation asks for: a flat object of primitive fields (MCP `requestedSchema`). */
export interface ElicitFormSchema {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required?: string[];
}

/** The clinician's answer to an elicitation, as the client reports it. */
export interface ElicitAnswer {
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

/** What a tool handler gets besides its arguments: the call's context, from the transport. */
export interface ToolExtra {
  /** Aborted when the client cancels the call or disconnects. */
  signal: AbortSignal;
  /** The calling client's name and version from the MCP handshake, when it sent them. */
  client?: { name: string; version?: string };
  /** Sends a progress notification when the client asked for progress on this call (else does nothing). */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /** Asks the clinician through the client (form-mode elicitation); absent when the client cannot. */
  elicitForm?: (message: string, schema: ElicitFormSchema) => Promise<ElicitAnswer>;
  /** Asks the client to show a link (URL-mode elicitation); absent when the client cannot. */
  elicitUrl?: (message: string, url: string, elicitationId: string) => Promise<ElicitAnswer>;
}

type Handler = (args: unknown, extra: ToolExtra) => Promise<CallToolResult>;

interface Entry {
  name: string;
  config: () => ToolConfig;
  handler: Handler;
}

interface Compiled {
  config: ToolConfig;
  input: z.ZodObject;
  output: z.ZodObject;
}

/** Compiled configs shared by every server in the process (configs do not depend on the server). */
const compiled = new Map<string, Compiled>();

function compile(entry: Entry): Compiled {
  let found = compiled.get(entry.name);
  if (!found) {
    const config = entry.config();
    found = { config, input: z.object(config.inputSchema), output: z.object(config.outputSchema) };
    compiled.set(entry.name, found);
  }
  return found;
}

/** The `tools/list` entry of a tool, computed from its zod config exactly as the SDK's McpServer would. */
export function toolDefinition(name: string, config: ToolConfig): Tool {
  return {
    name,
    title: config.title,
    description: config.description,
    inputSchema: toJsonSchemaCompat(z.object(config.inputSchema), {
      strictUnions: true,
      pipeStrategy: 'input',
    }) as Tool['inputSchema'],
    outputSchema: toJsonSchemaCompat(z.object(config.outputSchema), {
      strictUnions: true,
      pipeStrategy: 'output',
    }) as Tool['outputSchema'],
    annotations: config.annotations,
  };
}

/** `tools/list` entries by tool name: the build's manifest, then those computed here (once per process). */
const definitions = new Map<string, Tool>((BUILT_TOOL_MANIFEST ?? []).map((tool) => [tool.name, tool]));

function definition(entry: Entry): Tool {
  let found = definitions.get(entry.name);
  if (!found) {
    found = toolDefinition(entry.name, compile(entry).config);
    definitions.set(entry.name, found);
  }
  return found;
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length ? `${issue.message} at ${issue.path.join('.')}` : issue.message))
    .join('\n');
}

type LowServer = McpServer['server'];
type CallRequest = z.infer<typeof CallToolRequestSchema>;
type RequestExtra = Parameters<Parameters<LowServer['setRequestHandler']>[1]>[1];

/** Builds a handler's `ToolExtra` from the SDK's request context and the client's declared capabilities. */
function toolExtra(low: LowServer, request: CallRequest, extra: RequestExtra): ToolExtra {
  const info = low.getClientVersion();
  const elicitation = low.getClientCapabilities()?.elicitation as { form?: object; url?: object } | undefined;
  // A client that declares `elicitation: {}` supports form mode only (MCP 2025-11-25).
  const canForm =
    elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
  const canUrl = elicitation?.url !== undefined;
  const progressToken = request.params._meta?.progressToken;
  return {
    signal: extra.signal,
    client: info ? { name: info.name, version: info.version } : undefined,
    async progress(progress, total, message) {
      if (progressToken === undefined) return;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, total, message },
      });
    },
    elicitForm: canForm
      ? async (message, schema) =>
          (await low.elicitInput(
            { mode: 'form', message, requestedSchema: schema as never },
            { signal: extra.signal },
          )) as ElicitAnswer
      : undefined,
    elicitUrl: canUrl
      ? async (message, url, elicitationId) =>
          (await low.elicitInput(
            { mode: 'url', message, url, elicitationId },
            { signal: extra.signal },
          )) as ElicitAnswer
      : undefined,
  };
}

/** The tools of one server: families define them here, then `install()` serves them on an McpServer. */
export class ToolRegistry {
  readonly #entries = new Map<string, Entry>();

  /** Defines a tool; `config` is called at most once per process, on first use. */
  define<I extends z.ZodRawShape>(
    name: string,
    config: () => ToolConfig<I>,
    handler: (args: z.output<z.ZodObject<I>>, extra: ToolExtra) => Promise<CallToolResult>,
  ): void {
    if (this.#entries.has(name)) throw new Error(`Tool ${name} is defined twice`);
    this.#entries.set(name, { name, config: config as () => ToolConfig, handler: handler as Handler });
  }

  /** Names of the defined tools, in definition order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /** `tools/list` entries computed from the zod configs (what the manifest must equal). */
  computeDefinitions(): Tool[] {
    return [...this.#entries.values()].map((entry) => toolDefinition(entry.name, compile(entry).config));
  }

  /** Answers `tools/list` and `tools/call` on `server` with these tools. */
  install(server: McpServer, logger: Logger, guard?: ToolGuard): void {
    const low = server.server;
    // The clinic's tool permissions (the guard) filter the list, refuse calls and announce changes.
    low.registerCapabilities({ tools: { listChanged: guard !== undefined } });
    if (guard) {
      const stop = guard.onListChanged(() => void low.sendToolListChanged().catch(() => undefined));
      low.onclose = stop;
    }
    low.setRequestHandler(ListToolsRequestSchema, () => ({
      tools: [...this.#entries.values()].filter((e) => guard?.listed(e.name) ?? true).map(definition),
    }));
    low.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      const entry = this.#entries.get(request.params.name);
      if (!entry) throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
      const toolExtraOf = toolExtra(low, request, extra);
      const call = () => this.#call(entry, request.params.arguments, toolExtraOf, logger);
      return guard ? guard.call(entry.name, request.params.arguments, toolExtraOf, call) : call();
    });
  }

  async #call(entry: Entry, args: unknown, extra: ToolExtra, logger: Logger): Promise<CallToolResult> {
    const { input, output } = compile(entry);
    const parsed = await input.safeParseAsync(args ?? {});
    if (!parsed.success) {
      return {
        isError: true,
        content: [
          {
            type: 'text',
            text: `Input validation error: Invalid arguments for tool ${entry.name}: ${issuesText(parsed.error)}`,
          },
        ],
      };
    }
    const result = await runInToolCall(extra, () => entry.handler(parsed.data, extra));
    if (!result.isError) {
      const checked = output.safeParse(result.structuredContent);
      if (!checked.success) {
        logger.error('Tool result does not match its output schema', {
          tool: entry.name,
          issues: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`),
        });
        return {
          isError: true,
          content: [
            {
              type: 'text',
              text: `Eka sent data this tool could not describe (${entry.name}): try again, and report it if it keeps happening.`,
            },
          ],
        };
      }
    }
    return result;
  }
}
