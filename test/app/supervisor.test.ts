// The supervisor runs the real server bundle the way a client entry does,
// reports its health over MCP, restarts it after a crash and keeps its
// stderr redacted.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ServerSupervisor } from '../../app/core/supervisor';
import type { ServerHealth } from '../../app/ipc/contract';
import { redactText } from '../../server/logging';

let dir: string;
let bundle: string;
let supervisor: ServerSupervisor | undefined;

// A private copy of the built server, so a rebuild of dist/ meanwhile cannot change it under the test.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'eka-supervisor-'));
  bundle = join(dir, 'eka-mcp-server.mjs');
  // The entry and the chunks it loads on demand.
  await cp(join(process.cwd(), 'dist', 'server'), dir, { recursive: true });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
});

describe('server supervisor', () => {
  it('starts the bundled server and reports ok, tool count and latency', async () => {
    supervisor = new ServerSupervisor({
      redact: redactText,
      launch: () => ({ command: process.execPath, args: [bundle, '--mode', 'open', '--env', 'sandbox'] }),
    });
    const health = await supervisor.start();
    expect(health.state).toBe('ok');
    expect(health.toolCount).toBeGreaterThanOrEqual(20);
    expect(health.latencyMs).toBeGreaterThan(0);
    const again = await supervisor.check();
    expect(again).toMatchObject({ state: 'ok', toolCount: health.toolCount, restarts: 0 });
  });

  it('restarts a crashed server', async () => {
    const seen: ServerHealth[] = [];
    supervisor = new ServerSupervisor({
      redact: redactText,
      backoffInitialMs: 50,
      launch: () => ({ command: process.execPath, args: [bundle, '--mode', 'open', '--env', 'sandbox'] }),
      onHealth: (h) => seen.push(h),
    });
    await supervisor.start();
    const firstPid = supervisor.pid();
    expect(firstPid).toBeTypeOf('number');
    process.kill(firstPid!, 'SIGKILL');

    await vi.waitFor(() => expect(seen.some((h) => h.state === 'down')).toBe(true), { timeout: 20_000 });
    await vi.waitFor(
      () => {
        expect(supervisor!.health()).toMatchObject({ state: 'ok', restarts: 1 });
        expect(supervisor!.pid()).not.toBe(firstPid);
      },
      { timeout: 30_000, interval: 100 },
    );
    const health = await supervisor.check();
    expect(health.state).toBe('ok');
  });

  it('backs off and keeps retrying a server that cannot start, with the reason', async () => {
    supervisor = new ServerSupervisor({
      redact: redactText,
      backoffInitialMs: 20,
      backoffMaxMs: 80,
      launch: () => ({ command: process.execPath, args: ['-e', 'process.exit(3)'] }),
    });
    const health = await supervisor.start();
    expect(health.state).toBe('down');
    expect(health.message).toMatch(/did not start/);
    await vi.waitFor(() => expect(supervisor!.health().restarts).toBeGreaterThanOrEqual(2), {
      timeout: 20_000,
    });
    await supervisor.stop();
    const stopped = supervisor.health();
    expect(stopped.state).toBe('stopped');
  });

  it('keeps the last stderr lines, redacted', async () => {
    const script = [
      "process.stderr.write('upstream answered 401 for Authorization: Bearer s3cr3t-access-token\\n');",
      "process.stderr.write('client_secret=hunter2 patient 9876543210\\n');",
      `await import(${JSON.stringify(pathToFileURL(bundle).href)});`,
    ].join('\n');
    supervisor = new ServerSupervisor({
      redact: redactText,
      maxLogLines: 50,
      launch: () => ({
        command: process.execPath,
        args: ['--input-type=module', '-e', script],
        env: { EKA_MCP_MODE: 'open', EKA_MCP_ENV: 'sandbox' },
      }),
    });
    const started = await supervisor.start();
    expect(started.state, started.message).toBe('ok');
    const logText = () =>
      supervisor!
        .logs()
        .map((l) => l.text)
        .join('\n');
    await vi.waitFor(() => expect(logText()).toContain('client_secret='), { timeout: 20_000 });
    const text = logText();
    expect(text).toContain('Bearer [redacted]');
    expect(text).toContain('client_secret=[redacted] patient [mobile]');
    expect(text).not.toContain('s3cr3t-access-token');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('9876543210');
    expect(supervisor.logs().every((l) => l.source === 'server')).toBe(true);
  });
});
