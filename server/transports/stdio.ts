/**
 * The stdio transport: newline-delimited JSON-RPC on stdin/stdout. Unlike a
 * plain reader it survives whatever a client or a stray process writes:
 * garbage lines and half-written JSON are dropped (with a JSON-RPC error
 * when the request id can be read), an over-long line is skipped up to its
 * newline instead of closing the connection, and only JSON-RPC ever reaches
 * stdout.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from '../logging';

/** After stdin closes, how long to wait for answers still being worked on, in milliseconds. */
const DRAIN_TIMEOUT_MS = 60_000;

/** Longest accepted input line, in bytes (larger lines are skipped). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

export interface StdioTransportOptions {
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  logger: Logger;
  maxLineBytes?: number;
}

/** A stdio server transport that never stops on bad input. */
export class RobustStdioServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #stdin: NodeJS.ReadableStream;
  readonly #stdout: NodeJS.WritableStream;
  readonly #logger: Logger;
  readonly #maxLineBytes: number;
  #chunks: Buffer[] = [];
  #pendingBytes = 0;
  #discarding = false;
  #closed = false;
  /** Ids of requests received and not yet answered. */
  readonly #pending = new Set<string | number>();
  #ending = false;

  constructor(options: StdioTransportOptions) {
    this.#stdin = options.stdin ?? process.stdin;
    this.#stdout = options.stdout ?? process.stdout;
    this.#logger = options.logger;
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  }

  readonly #onData = (chunk: Buffer | string) => {
    this.#append(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  };
  readonly #onEnd = () => {
    // stdin closed: answer the requests already received, then close.
    this.#ending = true;
    if (this.#pending.size === 0) void this.close();
    else setTimeout(() => void this.close(), DRAIN_TIMEOUT_MS).unref();
  };
  readonly #onError = (error: Error) => {
    this.onerror?.(error);
  };
  readonly #onStdoutError = (error: NodeJS.ErrnoException) => {
    // The client went away (EPIPE): nothing more can be said to it.
    this.#logger.debug('stdout closed', { code: error.code });
    void this.close();
  };

  async start(): Promise<void> {
    this.#stdin.on('data', this.#onData);
    this.#stdin.on('end', this.#onEnd);
    this.#stdin.on('error', this.#onError);
    this.#stdout.on('error', this.#onStdoutError);
  }

  #append(chunk: Buffer): void {
    let rest = chunk;
    for (;;) {
      const newline = rest.indexOf(0x0a);
      if (newline === -1) {
        if (this.#discarding) return;
        this.#pendingBytes += rest.length;
        if (this.#pendingBytes > this.#maxLineBytes) {
          this.#logger.warn('Skipped an input line longer than the limit', { maxBytes: this.#maxLineBytes });
          this.#chunks = [];
          this.#pendingBytes = 0;
          this.#discarding = true;
          return;
        }
        if (rest.length > 0) this.#chunks.push(rest);
        return;
      }
      const head = rest.subarray(0, newline);
      rest = rest.subarray(newline + 1);
      if (this.#discarding) {
        this.#discarding = false;
        continue;
      }
      if (this.#pendingBytes + head.length > this.#maxLineBytes) {
        this.#logger.warn('Skipped an input line longer than the limit', { maxBytes: this.#maxLineBytes });
        this.#chunks = [];
        this.#pendingBytes = 0;
        continue;
      }
      const line = this.#chunks.length > 0 ? Buffer.concat([...this.#chunks, head]) : head;
      this.#chunks = [];
      this.#pendingBytes = 0;
      this.#handleLine(line.toString('utf8'));
    }
  }

  #handleLine(raw: string): void {
    const line = raw.replace(/\r$/, '').trim();
    if (!line) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.#logger.warn('Ignored an input line that is not JSON', { bytes: line.length });
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const id = (value as { id?: unknown } | null)?.id;
      this.#logger.warn('Ignored an input line that is not a JSON-RPC message', { bytes: line.length });
      if (typeof id === 'string' || typeof id === 'number') {
        void this.send({
          jsonrpc: '2.0',
          id,
          error: { code: ErrorCode.InvalidRequest, message: 'Invalid Request: not a JSON-RPC 2.0 message.' },
        });
      }
      return;
    }
    const message = parsed.data;
    if ('method' in message && 'id' in message && message.id !== undefined) this.#pending.add(message.id);
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const answered = !('method' in message) && 'id' in message && message.id !== undefined;
    return new Promise<void>((resolve) => {
      const ok = this.#stdout.write(`${JSON.stringify(message)}\n`);
      if (ok) resolve();
      else this.#stdout.once('drain', () => resolve());
    }).then(() => {
      if (!answered) return;
      this.#pending.delete(message.id as string | number);
      if (this.#ending && this.#pending.size === 0) void this.close();
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stdin.off('data', this.#onData);
    this.#stdin.off('end', this.#onEnd);
    this.#stdin.off('error', this.#onError);
    this.#chunks = [];
    this.onclose?.();
  }
}

/** Connects `server` to stdin/stdout and resolves once it is listening; `closed` settles when stdin ends. */
export async function startStdioServer(
  server: McpServer,
  logger: Logger,
  options: Omit<StdioTransportOptions, 'logger'> = {},
): Promise<{ transport: RobustStdioServerTransport; closed: Promise<void> }> {
  const transport = new RobustStdioServerTransport({ ...options, logger });
  const closed = new Promise<void>((resolve) => {
    const previous = transport.onclose;
    transport.onclose = () => {
      previous?.();
      resolve();
    };
  });
  await server.connect(transport);
  return { transport, closed };
}
