import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox } from '../sandbox/index';
import type { Sandbox, SandboxOptions } from '../sandbox/types';
import { launchChromium } from '../support/chromium';
import { signInOnSandbox } from '../support/sandbox-login';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const cliBundle = join(root, 'dist/cli/eka-mcp.mjs');
export const serverBundle = join(root, 'dist/server/eka-mcp-server.mjs');

/** A throwaway settings folder and keychain service for one test. */
export interface Isolation {
  home: string;
  service: string;
  env: NodeJS.ProcessEnv;
  cleanup(): void;
}

/** A temp `EKA_MCP_HOME` and a unique `EKA_MCP_KEYCHAIN_SERVICE`. */
export function isolate(): Isolation {
  const home = mkdtempSync(join(tmpdir(), 'eka-signin-'));
  const service = `Eka MCP Test ${randomUUID()}`;
  return {
    home,
    service,
    env: { ...process.env, EKA_MCP_HOME: home, EKA_MCP_KEYCHAIN_SERVICE: service },
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the bundled CLI to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliBundle, ...args], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** A running `eka-mcp login --no-browser`: the URL line it printed, and its end. */
export interface LoginProcess {
  child: ChildProcessWithoutNullStreams;
  url: Promise<string>;
  done: Promise<CliResult>;
}

/** Starts `eka-mcp login ... --no-browser` and resolves its first stdout line. */
export function startCliLogin(args: string[], env: NodeJS.ProcessEnv): LoginProcess {
  const child = spawn(process.execPath, [cliBundle, 'login', '--no-browser', ...args], { env, cwd: root });
  let stdout = '';
  let stderr = '';
  let resolveUrl!: (url: string) => void;
  let rejectUrl!: (error: Error) => void;
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  child.stdout.on('data', (d) => {
    stdout += d;
    const newline = stdout.indexOf('\n');
    if (newline >= 0) resolveUrl(stdout.slice(0, newline));
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      rejectUrl(new Error(`login exited (${code}) before printing a URL: ${stderr}`));
      resolve({ code, stdout, stderr });
    });
  });
  return { child, url, done };
}

/** The sandbox and Chromium that a describe block's tests share. */
export interface SandboxAndBrowser {
  readonly sandbox: Sandbox;
  readonly browser: Browser;
}

/** Starts the sandbox (on free ports) and Chromium before a describe block's tests, and stops both after them. */
export function useSandboxAndBrowser(options: SandboxOptions = {}): SandboxAndBrowser {
  let sandbox: Sandbox | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ issuerPort: 0, apiPort: 0, ...options });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sandbox?.stop();
  });
  return {
    get sandbox() {
      if (!sandbox) throw new Error('The sandbox starts in beforeAll.');
      return sandbox;
    },
    get browser() {
      if (!browser) throw new Error('Chromium starts in beforeAll.');
      return browser;
    },
  };
}

/** Every file under `dir`, recursively, with its content. */
export function filesUnder(dir: string): { path: string; content: string }[] {
  const out: { path: string; content: string }[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, content: readFileSync(path, 'utf8') });
  }
  return out;
}

/**
 * Whether something accepts TCP connections at `url`'s host and port (the
 * login listener after it should have closed). Only a refused connection
 * counts as "not listening"; any other failure is thrown, so a slow machine
 * cannot make a live listener look closed.
 */
export function isListening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      if (error.code === 'ECONNREFUSED') resolve(false);
      else reject(error);
    });
  });
}

/** Signs the isolated profile in through `eka-mcp login --no-browser` and Chromium; returns the CLI's result. */
export async function signInWithCli(
  browser: Browser,
  sandbox: { issuer: string; apiBaseUrl: string; clinician: { username: string; password: string } },
  env: NodeJS.ProcessEnv,
  extraArgs: string[] = [],
): Promise<CliResult> {
  const login = startCliLogin(
    ['--env', 'sandbox', '--issuer', sandbox.issuer, '--api-base-url', sandbox.apiBaseUrl, ...extraArgs],
    env,
  );
  const page = await browser.newPage();
  try {
    await signInOnSandbox(page, await login.url, sandbox.clinician);
    return await login.done;
  } finally {
    await page.close();
  }
}
