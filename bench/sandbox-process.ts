/**
 * Starts the sandbox in its own process (`npm run sandbox -- --json`), so a
 * call to "Eka" crosses a process boundary as it does to the real Eka, and
 * the sandbox's work does not share the load generator's event loop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { SandboxInfo } from '../test/sandbox/types';

const ROOT = join(import.meta.dirname, '..');

/** Spawns the sandbox on free ports and resolves with what it printed about itself. */
export function startSandboxProcess(): Promise<{ info: SandboxInfo; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'test/sandbox/cli.ts'),
        '--issuer-port',
        '0',
        '--api-port',
        '0',
        '--json',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline !== -1) resolve({ info: JSON.parse(out.slice(0, newline)) as SandboxInfo, child });
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it was ready`)));
  });
}
