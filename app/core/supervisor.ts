/**
 * Keeps one copy of the bundled stdio server running, started exactly the way
 * an MCP client's entry starts it, checks its health over MCP as Claude
 * Desktop does today (the SDK v2 client's default: the 2025 `initialize`
 * handshake, then `tools/list`), restarts it with backoff when it crashes and keeps the
 * last lines of its stderr, redacted, for the Logs screen.
 */
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { LogLine, ServerHealth } from '../ipc/contract';

/**
 * After `tools/list`, one cheap authenticated read through the server (the
 * same token source Claude's copy uses): what Home and the tray show.
 */
export type HealthProbe = (
  client: Client,
  tools: string[],
) => Promise<Pick<ServerHealth, 'verdict' | 'headline' | 'advice'>>;

/** What an MCP client config runs: the same shape as the written entry. */
export interface ServerLaunch {
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

export interface SupervisorOptions {
  /** The launch to use; asked again before every (re)start so settings changes apply. */
  launch: () => ServerLaunch | Promise<ServerLaunch>;
  /** Removes secrets and identifiers from a stderr line before it is kept. */
  redact: (text: string) => string;
  /** Extra environment on top of this process's own (tests point the keychain and settings here). */
  baseEnv?: Record<string, string | undefined>;
  /** How many stderr lines to keep. Default 300. */
  maxLogLines?: number;
  /** First restart delay and its ceiling, milliseconds. Defaults 500 and 30 000. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  /** Give up on a start (spawn + initialize + tools/list) after this long. Default 20 000. */
  startTimeoutMs?: number;
  onHealth?: (health: ServerHealth) => void;
  onLog?: (lines: LogLine[]) => void;
  /** The honest check after `tools/list` (default: none, the list alone). */
  probe?: HealthProbe;
  /** The name the supervisor's MCP client gives in the handshake (the journal shows it). */
  clientName?: string;
}

interface Running {
  client: Client;
  transport: StdioClientTransport;
}

/** Supervises the bundled stdio server; see the module comment. */
export class ServerSupervisor {
  private readonly options: Required<
    Pick<SupervisorOptions, 'maxLogLines' | 'backoffInitialMs' | 'backoffMaxMs' | 'startTimeoutMs'>
  > &
    SupervisorOptions;
  private running: Running | undefined;
  private starting: Promise<void> | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = true;
  private failures = 0;
  private readonly lines: LogLine[] = [];
  private current: ServerHealth = { state: 'stopped', restarts: 0 };

  constructor(options: SupervisorOptions) {
    this.options = {
      maxLogLines: 300,
      backoffInitialMs: 500,
      backoffMaxMs: 30_000,
      startTimeoutMs: 20_000,
      ...options,
    };
  }

  /** The last known health. */
  health(): ServerHealth {
    return { ...this.current };
  }

  /** The kept stderr lines, oldest first, already redacted. */
  logs(): LogLine[] {
    return this.lines.slice();
  }

  /** The running server's process id, if any. */
  pid(): number | undefined {
    return this.running?.transport.pid ?? undefined;
  }

  /** Starts the server (no-op when it runs) and resolves once it answered `tools/list` or failed. */
  async start(): Promise<ServerHealth> {
    this.stopped = false;
    if (this.running) return this.health();
    await this.launchOnce();
    return this.health();
  }

  /** Stops the server and any pending restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearRestart();
    await this.starting?.catch(() => undefined);
    const running = this.running;
    this.running = undefined;
    if (running) await running.client.close().catch(() => undefined);
    this.setHealth({ state: 'stopped', restarts: this.current.restarts });
  }

  /** Stops and starts again (after a mode or settings change). */
  async restart(): Promise<ServerHealth> {
    await this.stop();
    return this.start();
  }

  /** Checks the running server with `tools/list`: ok, tool count and latency. Starts it when stopped. */
  async check(): Promise<ServerHealth> {
    if (!this.running) return this.start();
    const { client } = this.running;
    const started = performance.now();
    try {
      const { tools } = await client.listTools(undefined, { timeout: this.options.startTimeoutMs });
      const latencyMs = Math.round(performance.now() - started);
      const verdict = await this.runProbe(
        client,
        tools.map((t) => t.name),
      );
      this.setHealth({
        ...this.current,
        state: 'ok',
        toolCount: tools.length,
        latencyMs,
        checkedAt: Date.now(),
        message: undefined,
        ...verdict,
      });
    } catch (error) {
      this.setHealth({
        ...this.current,
        state: 'down',
        checkedAt: Date.now(),
        message: describe(error),
        ...notRunning(),
      });
    }
    return this.health();
  }

  private async runProbe(client: Client, tools: string[]): Promise<Partial<ServerHealth>> {
    if (!this.options.probe) return {};
    try {
      return await this.options.probe(client, tools);
    } catch (error) {
      return {
        verdict: 'problem',
        headline: 'The check could not finish',
        advice: this.options.redact(describe(error)),
      };
    }
  }

  private launchOnce(): Promise<void> {
    this.starting ??= this.doLaunch().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doLaunch(): Promise<void> {
    this.clearRestart();
    this.setHealth({
      ...this.current,
      state: 'starting',
      message: undefined,
      verdict: 'checking',
      headline: 'Checking the connection to Eka…',
      advice: undefined,
    });
    let launch: ServerLaunch;
    try {
      launch = await this.options.launch();
    } catch (error) {
      this.onFailure(`Cannot start the server: ${describe(error)}`);
      return;
    }
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...process.env, ...this.options.baseEnv, ...launch.env })) {
      if (value !== undefined) env[key] = value;
    }
    const transport = new StdioClientTransport({
      command: launch.command,
      args: launch.args,
      env,
      cwd: launch.cwd ?? '/',
      stderr: 'pipe',
    });
    this.captureStderr(transport);
    const client = new Client({
      name: this.options.clientName ?? 'eka-mcp-desktop-supervisor',
      version: '1.0.0',
    });
    const started = performance.now();
    const launchedAt = Date.now();
    try {
      await client.connect(transport, { timeout: this.options.startTimeoutMs });
      const { tools } = await client.listTools(undefined, { timeout: this.options.startTimeoutMs });
      if (this.stopped) {
        await client.close().catch(() => undefined);
        return;
      }
      this.running = { client, transport };
      this.failures = 0;
      transport.onclose = () => this.onExit(transport);
      const latencyMs = Math.round(performance.now() - started);
      const verdict = await this.runProbe(
        client,
        tools.map((t) => t.name),
      );
      this.setHealth({
        state: 'ok',
        toolCount: tools.length,
        latencyMs,
        checkedAt: Date.now(),
        restarts: this.current.restarts,
        ...verdict,
      });
    } catch (error) {
      await client.close().catch(() => undefined);
      const last = this.lines.at(-1);
      const said = last && last.time >= launchedAt ? ` (its last message: ${last.text})` : '';
      this.onFailure(`The server did not start: ${describe(error)}${said}`);
    }
  }

  private onExit(transport: StdioClientTransport): void {
    if (this.running?.transport !== transport) return;
    this.running = undefined;
    if (this.stopped) return;
    this.onFailure('The server stopped unexpectedly; restarting.');
  }

  private onFailure(message: string): void {
    this.failures += 1;
    this.setHealth({
      ...this.current,
      state: 'down',
      checkedAt: Date.now(),
      message: this.options.redact(message),
      ...notRunning(),
    });
    if (this.stopped) return;
    const delay = Math.min(
      this.options.backoffMaxMs,
      this.options.backoffInitialMs * 2 ** (this.failures - 1),
    );
    this.clearRestart();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.current = { ...this.current, restarts: this.current.restarts + 1 };
      void this.launchOnce();
    }, delay);
    this.restartTimer.unref?.();
  }

  private clearRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
  }

  private captureStderr(transport: StdioClientTransport): void {
    const stream = transport.stderr;
    if (!stream) return;
    let pending = '';
    stream.on('data', (chunk: Buffer | string) => {
      pending += chunk.toString();
      const parts = pending.split(/\r?\n/);
      pending = parts.pop() ?? '';
      if (pending.length > 8192) {
        parts.push(pending);
        pending = '';
      }
      const added: LogLine[] = [];
      for (const part of parts) {
        if (part.trim() === '') continue;
        added.push({ time: Date.now(), source: 'server', text: this.options.redact(part) });
      }
      if (added.length === 0) return;
      this.lines.push(...added);
      if (this.lines.length > this.options.maxLogLines) {
        this.lines.splice(0, this.lines.length - this.options.maxLogLines);
      }
      this.options.onLog?.(added);
    });
  }

  private setHealth(health: ServerHealth): void {
    this.current = health;
    this.options.onHealth?.(this.health());
  }
}

function notRunning(): Pick<ServerHealth, 'verdict' | 'headline' | 'advice'> {
  return {
    verdict: 'not-running',
    headline: 'The Eka MCP server does not start',
    advice: 'Open Logs to see why, then press Check now. Reinstalling Eka MCP repairs a damaged install.',
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
