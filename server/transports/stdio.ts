/**
 * The stdio transport: newline-delimited JSON-RPC on stdin/stdout, served by
 * the SDK's `serveStdio` (which picks the protocol era from the client's
 * opening: `initialize` for 2025-era clients, `server/discover` or an
 * enveloped request for 2026-07-28). Unlike a plain reader it survives
 * whatever a client or a stray process writes: garbage lines and
 * half-written JSON are dropped (with a JSON-RPC error when the request id
 * can be read), an over-long line is skipped up to its newline instead of
 * closing the connection, and only JSON-RPC ever reaches stdout. When stdin
 * ends or stdout is gone it closes at once (answers already being worked on
 * get a short grace), so the process can exit within a second.
 */
import {
  INVALID_REQUEST,
  type JSONRPCMessage,
  parseJSONRPCMessage,
  type Transport,
} from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { EkaServerFactory } from '../create-server';
import type { Logger } from '../logging';

/** After stdin closes, how long answers still being worked on may take, in milliseconds. */
const DRAIN_TIMEOUT_MS = 750;

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
    // stdin cannot be read any more (EBADF, EIO): no request can reach us, so end like stdin's end.
    this.onerror?.(error);
    void this.close();
  };
  readonly #onStdoutError = (error: NodeJS.ErrnoException) => {
    // The client went away (EPIPE, EBADF): nothing more can be said to it. Logged to stderr, never to stdout.
    this.#stdoutGone = true;
    this.#logger.debug('stdout closed', { code: error.code });
    void this.close();
  };
  #stdoutGone = false;

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
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(value);
    } catch {
      const id = (value as { id?: unknown } | null)?.id;
      this.#logger.warn('Ignored an input line that is not a JSON-RPC message', { bytes: line.length });
      if (typeof id === 'string' || typeof id === 'number') {
        void this.send({
          jsonrpc: '2.0',
          id,
          error: { code: INVALID_REQUEST, message: 'Invalid Request: not a JSON-RPC 2.0 message.' },
        });
      }
      return;
    }
    if ('method' in message && 'id' in message && message.id !== undefined) this.#pending.add(message.id);
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed || this.#stdoutGone) return Promise.resolve();
    const answered = !('method' in message) && 'id' in message && message.id !== undefined;
    return new Promise<void>((resolve) => {
      const ok = this.#stdout.write(`${JSON.stringify(message)}\n`);
      if (ok) resolve();
      else {
        // Resolves on drain, or when stdout fails and the transport closes.
        const done = () => {
          this.#stdout.off('drain', done);
          this.#stdout.off('close', done);
          this.#stdout.off('error', done);
          resolve();
        };
        this.#stdout.once('drain', done);
        this.#stdout.once('close', done);
        this.#stdout.once('error', done);
      }
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
    this.#pending.clear();
    this.onclose?.();
  }
}

/** A running stdio server. */
export interface StdioServer {
  transport: RobustStdioServerTransport;
  /** Settles when the connection ends: stdin closed, stdout gone, or `close()`. */
  closed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Serves the factory's server on stdin/stdout for both protocol eras (the
 * SDK's `serveStdio` over the robust transport) and resolves once listening.
 */
export async function startStdioServer(
  factory: EkaServerFactory,
  logger: Logger,
  options: Omit<StdioTransportOptions, 'logger'> = {},
): Promise<StdioServer> {
  const transport = new RobustStdioServerTransport({ ...options, logger });
  let ended!: () => void;
  const closed = new Promise<void>((resolve) => {
    ended = resolve;
  });
  // serveStdio owns the transport's callbacks; wrap close to learn when the connection ends.
  const close = transport.close.bind(transport);
  transport.close = async () => {
    await close();
    ended();
  };
  const handle = serveStdio(() => factory(), {
    transport,
    onerror: (error) => logger.debug('stdio connection error', { error: error.message }),
  });
  return {
    transport,
    closed,
    close: async () => {
      await handle.close();
      await transport.close();
    },
  };
}
