/**
 * How tools are registered and served. Tool families define each tool with a
 * lazy config (title, description, zod input and output shapes, annotations)
 * and a handler. The zod schemas are built only when a tool is first called,
 * once per process. `tools/list` answers from the manifest the build computes
 * from the same configs (built-manifest.ts), or, running from source, from
 * definitions computed once per process, so neither start-up nor the
 * per-request protocol object the HTTP transport hands each exchange pays
 * for building two dozen schemas.
 *
 * Served on the SDK v2 low-level `Server`, for both protocol eras: 2025-era
 * clients (`initialize`, a connection-wide identity and server-to-client
 * requests) and 2026-07-28 clients (identity and capabilities travel with
 * every request; the server asks the client for input by answering
 * `input_required` and the client retries the call with the answers).
 */
import {
  type CallToolResult,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  type ClientCapabilities,
  type Implementation,
  inputRequired,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  type Server,
  type ServerContext,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/server';
import { z } from 'zod/v4';
import type { ToolGuard } from '../activity/tool-guard';
import type { CallScope, TokenSource } from '../eka/token-source';
import { ICONS } from '../icon';
import type { Logger } from '../logging';
import { BUILT_TOOL_MANIFEST } from './built-manifest';
import { markToolCall } from './tool-call-context';

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

/**
 * What a tool handler gets besides its arguments: the call's context, from
 * the transport. It is also the scope of the call's Eka requests (handlers
 * pass it to `EkaClient.call`), which carries the cancellation and, in HTTP
 * mode, the token source of the request's caller.
 */
export interface ToolExtra extends CallScope {
  /** Aborted when the client cancels the call or disconnects. */
  signal: AbortSignal;
  /** The calling client's name and version (from the handshake, or sent with the request), when known. */
  client?: { name: string; version?: string };
  /** Sends a progress notification when the client asked for progress on this call (else does nothing). */
  progress(progress: number, total?: number, message?: string): Promise<void>;
  /**
   * Asks the clinician through the client (form-mode elicitation); absent when the client cannot.
   * On a 2026-07-28 client the call ends here with `input_required` and runs again, from the
   * start, once the client retries with the answer; so ask before doing anything that changes data.
   */
  elicitForm?: (message: string, schema: ElicitFormSchema) => Promise<ElicitAnswer>;
  /** Asks the client to show a link (URL-mode elicitation); absent when the client cannot. Same rule as `elicitForm`. */
  elicitUrl?: (message: string, url: string, elicitationId: string) => Promise<ElicitAnswer>;
  /** True on a 2026-07-28 request: an elicitation ends this round (`input_required`) instead of waiting. */
  elicitUrlEndsCall?: boolean;
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

/** JSON Schema of a tool's input or output, as the SDK's McpServer converts zod (draft 2020-12, object root). */
function jsonSchemaOf(shape: z.ZodRawShape, io: 'input' | 'output'): Tool['inputSchema'] {
  const schema = z.toJSONSchema(z.object(shape), { target: 'draft-2020-12', io }) as Record<string, unknown>;
  return { type: 'object', ...schema } as Tool['inputSchema'];
}

/** The `tools/list` entry of a tool, computed from its zod config. */
export function toolDefinition(name: string, config: ToolConfig): Tool {
  return {
    name,
    title: config.title,
    description: config.description,
    inputSchema: jsonSchemaOf(config.inputSchema, 'input'),
    outputSchema: jsonSchemaOf(config.outputSchema, 'output') as Tool['outputSchema'],
    annotations: config.annotations,
    icons: ICONS,
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

/** Whether `error` is the signal that a 2026-07-28 client must answer an elicitation first (never swallow it). */
export function isInputNeeded(error: unknown): boolean {
  return error instanceof InputNeeded;
}

/** What a 2026-07-28 client still has to answer before the call can go on. */
class InputNeeded {
  constructor(
    readonly key: string,
    readonly request: ReturnType<typeof inputRequired.elicit>,
  ) {}
}

/** Answers given in earlier rounds of a multi-round-trip call, carried in `requestState` (the client's own answers). */
function readAnswers(state: unknown): Record<string, ElicitAnswer> {
  if (typeof state !== 'string' || state.length > 64 * 1024) return {};
  try {
    const value = JSON.parse(Buffer.from(state, 'base64url').toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, ElicitAnswer>)
      : {};
  } catch {
    return {};
  }
}

function asAnswer(value: unknown): ElicitAnswer | undefined {
  const action = (value as { action?: unknown } | null)?.action;
  if (action !== 'accept' && action !== 'decline' && action !== 'cancel') return undefined;
  const content = (value as { content?: unknown }).content;
  return content && typeof content === 'object' && !Array.isArray(content)
    ? { action, content: content as Record<string, unknown> }
    : { action };
}

/** Per-call state of the elicitations a handler makes on a 2026-07-28 request. */
interface ModernRounds {
  answers: Record<string, ElicitAnswer>;
  asked: number;
}

/** Builds a handler's `ToolExtra` from the SDK's request context and the client's declared identity. */
function toolExtra(
  server: Server,
  ctx: ServerContext,
  rounds: ModernRounds | undefined,
  tokenSource: TokenSource | undefined,
): ToolExtra {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const info = rounds
    ? (envelope?.[CLIENT_INFO_META_KEY] as Implementation | undefined)
    : server.getClientVersion();
  const capabilities = rounds
    ? (envelope?.[CLIENT_CAPABILITIES_META_KEY] as ClientCapabilities | undefined)
    : server.getClientCapabilities();
  const elicitation = capabilities?.elicitation as { form?: object; url?: object } | undefined;
  // A client that declares `elicitation: {}` supports form mode only (MCP 2025-11-25).
  const canForm =
    elicitation !== undefined && (elicitation.form !== undefined || elicitation.url === undefined);
  const canUrl = elicitation?.url !== undefined;
  const progressToken = ctx.mcpReq._meta?.progressToken;

  const ask = async (build: () => ReturnType<typeof inputRequired.elicit>, push: () => Promise<unknown>) => {
    if (!rounds) return (await push()) as ElicitAnswer;
    const key = `e${rounds.asked++}`;
    const known = rounds.answers[key];
    if (known) return known;
    throw new InputNeeded(key, build());
  };

  return markToolCall({
    elicitUrlEndsCall: rounds !== undefined,
    signal: ctx.mcpReq.signal,
    tokenSource,
    client: info ? { name: info.name, version: info.version } : undefined,
    async progress(progress, total, message) {
      if (progressToken === undefined) return;
      await ctx.mcpReq.notify({
        method: 'notifications/progress',
        params: { progressToken, progress, total, message },
      });
    },
    elicitForm: canForm
      ? (message, schema) =>
          ask(
            () => inputRequired.elicit({ mode: 'form', message, requestedSchema: schema as never }),
            () =>
              ctx.mcpReq.elicitInput(
                { mode: 'form', message, requestedSchema: schema as never },
                { signal: ctx.mcpReq.signal },
              ),
          )
      : undefined,
    elicitUrl: canUrl
      ? (message, url, elicitationId) =>
          ask(
            () => inputRequired.elicitUrl({ message, url }),
            () =>
              ctx.mcpReq.elicitInput(
                { mode: 'url', message, url, elicitationId },
                { signal: ctx.mcpReq.signal },
              ),
          )
      : undefined,
  });
}

/** Whether `ctx` is a request served on the 2026-07-28 era (it carries the per-request envelope). */
function isModernRequest(ctx: ServerContext): boolean {
  return (
    (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.[PROTOCOL_VERSION_META_KEY] !== undefined
  );
}

/** The tools of one server: families define them here, then `install()` serves them on an SDK `Server`. */
export class ToolRegistry {
  readonly #entries = new Map<string, Entry>();
  #sorted: Entry[] | undefined;

  /** Defines a tool; `config` is called at most once per process, on first use. */
  define<I extends z.ZodRawShape>(
    name: string,
    config: () => ToolConfig<I>,
    handler: (args: z.output<z.ZodObject<I>>, extra: ToolExtra) => Promise<CallToolResult>,
  ): void {
    if (this.#entries.has(name)) throw new Error(`Tool ${name} is defined twice`);
    this.#entries.set(name, { name, config: config as () => ToolConfig, handler: handler as Handler });
    this.#sorted = undefined;
  }

  /** The defined tools in the order `tools/list` gives them: by name, so the list is the same whatever order families register in. */
  #ordered(): Entry[] {
    this.#sorted ??= [...this.#entries.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
    return this.#sorted;
  }

  /** Names of the defined tools, in `tools/list` order. */
  names(): string[] {
    return this.#ordered().map((entry) => entry.name);
  }

  /** `tools/list` entries computed from the zod configs (what the manifest must equal), in list order. */
  computeDefinitions(): Tool[] {
    return this.#ordered().map((entry) => toolDefinition(entry.name, compile(entry).config));
  }

  /** The `tools/list` answer; the array is built once and shared by every request. */
  #listed: { tools: Tool[] } | undefined;

  #list(): { tools: Tool[] } {
    this.#listed ??= { tools: this.#ordered().map(definition) };
    return this.#listed;
  }

  /** Runs one `tools/call`: validates the arguments, calls the handler, checks its structured result. */
  async #call(
    server: Server,
    name: string,
    args: unknown,
    ctx: ServerContext,
    logger: Logger,
    guard: ToolGuard | undefined,
    tokenSource: TokenSource | undefined,
  ) {
    const entry = this.#entries.get(name);
    if (!entry) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Tool ${name} not found`);
    let rounds: ModernRounds | undefined;
    if (isModernRequest(ctx)) {
      const answers = readAnswers(ctx.mcpReq.requestState());
      for (const [key, value] of Object.entries(ctx.mcpReq.inputResponses ?? {})) {
        const answer = asAnswer(value);
        if (answer && /^e\d{1,3}$/.test(key)) answers[key] = answer;
      }
      rounds = { answers, asked: 0 };
    }
    const extra = toolExtra(server, ctx, rounds, tokenSource);
    // Validation, the handler and the output check; the guard (permissions, journal) wraps all of it.
    const attempt = async (): Promise<CallToolResult> => {
      const { input, output } = compile(entry);
      const parsed = input.safeParse(args ?? {});
      if (!parsed.success) {
        return {
          isError: true,
          content: [
            {
              type: 'text' as const,
              text: `Input validation error: Invalid arguments for tool ${entry.name}: ${issuesText(parsed.error)}`,
            },
          ],
        };
      }
      const result = await entry.handler(parsed.data, extra);
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
                type: 'text' as const,
                text: `Eka sent data this tool could not describe (${entry.name}): try again, and report it if it keeps happening.`,
              },
            ],
          };
        }
      }
      return result;
    };
    try {
      return guard ? await guard.call(entry.name, args, extra, attempt) : await attempt();
    } catch (error) {
      if (!(error instanceof InputNeeded) || !rounds) throw error;
      return inputRequired({
        inputRequests: { [error.key]: error.request },
        requestState: Buffer.from(JSON.stringify(rounds.answers)).toString('base64url'),
      });
    }
  }

  /**
   * Answers `tools/list` and `tools/call` on `server` with these tools. Their
   * Eka calls use `tokenSource` (the HTTP request's caller) when given, the
   * API client's own source otherwise.
   */
  install(server: Server, logger: Logger, guard?: ToolGuard, tokenSource?: TokenSource): void {
    // The clinic's tool permissions (the guard) filter the list, refuse calls and announce changes.
    server.registerCapabilities({ tools: { listChanged: guard !== undefined } });
    if (guard) {
      const stop = guard.onListChanged(() => void server.sendToolListChanged().catch(() => undefined));
      const previous = server.onclose;
      server.onclose = () => {
        stop();
        previous?.();
      };
    }
    server.setRequestHandler('tools/list', () =>
      guard ? { tools: this.#list().tools.filter((tool) => guard.listed(tool.name)) } : this.#list(),
    );
    server.setRequestHandler('tools/call', (request, ctx) =>
      this.#call(server, request.params.name, request.params.arguments, ctx, logger, guard, tokenSource),
    );
  }
}
