import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The shipped server entry (it imports the built bundle). */
export const serverBin = join(import.meta.dirname, '../../bin/eka-mcp-server.mjs');

/**
 * The environment without any inherited Eka or auth settings (but the test
 * run's settings folder, see global-setup.ts), in the sandbox environment,
 * plus `extra`.
 */
export function cleanServerEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if ((!key.startsWith('EKA_') && !key.startsWith('FASTMCP_')) || key === 'EKA_MCP_HOME') env[key] = value;
  }
  return { ...env, EKA_ENV: 'sandbox', ...extra };
}

/** A running server bundle: the process, its exit code once it ends, and what it has printed so far. */
export interface ServerProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): { stdout: string; stderr: string };
}

/** Spawns the shipped server with `args` in a clean environment and collects its output. */
export function spawnServer(args: string[], env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [serverBin, ...args], {
    env: cleanServerEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close', not 'exit': by then everything the process printed has been read.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}
