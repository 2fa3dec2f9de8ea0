import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVER_BUNDLE_NAME } from './entry';
import type { Install } from './types';

/** Rewrites a path inside `app.asar` to the same path in `app.asar.unpacked`, where a spawned runtime can read it. */
export function unpackedPath(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}

/**
 * The server bundle next to a running bundle: `dist/cli/eka-mcp.mjs` and
 * `dist/app/main.cjs` both resolve to `dist/server/eka-mcp-server.mjs`; source
 * files under `app/` resolve to the checkout's `dist/server/`.
 */
export function serverBundleNear(
  moduleUrlOrPath: string,
  exists: (path: string) => boolean = existsSync,
): string {
  const file = moduleUrlOrPath.startsWith('file:') ? fileURLToPath(moduleUrlOrPath) : moduleUrlOrPath;
  const candidates = [
    resolve(dirname(file), '..', 'server', SERVER_BUNDLE_NAME),
    ...ancestors(dirname(file)).map((dir) => join(dir, 'dist', 'server', SERVER_BUNDLE_NAME)),
  ].map(unpackedPath);
  return candidates.find((candidate) => exists(candidate)) ?? (candidates[0] as string);
}

function ancestors(dir: string): string[] {
  const out: string[] = [];
  let current = dir;
  for (;;) {
    out.push(current);
    const parent = dirname(current);
    if (parent === current) return out;
    current = parent;
  }
}

/**
 * This process's install, as client entries should start its server:
 * - the packaged app (its files in `app.asar`): its own executable with
 *   `--mcp-stdio`, except on Windows, where a GUI program's main process has
 *   no stdin, so the executable runs the bundle with `ELECTRON_RUN_AS_NODE=1`;
 * - a source checkout: `node` with the bundle (under `npm start`, the `node`
 *   npm ran with; else the checkout's Electron as Node);
 * - the CLI and the demo: the running `node` with the bundle.
 */
export function currentInstall(
  moduleUrl: string,
  facts: { execPath: string; electron: boolean; platform: NodeJS.Platform; env: NodeJS.ProcessEnv } = {
    execPath: process.execPath,
    electron: Boolean(process.versions.electron),
    platform: process.platform,
    env: process.env,
  },
): Install {
  const serverPath = serverBundleNear(moduleUrl);
  if (!facts.electron) return { runtime: facts.execPath, serverPath, runAsNode: false };
  const file = moduleUrl.startsWith('file:') ? fileURLToPath(moduleUrl) : moduleUrl;
  const packaged = /[\\/]app\.asar[\\/]/.test(file);
  if (packaged && facts.platform !== 'win32') {
    return { runtime: facts.execPath, serverPath, runAsNode: false, serverFlag: true };
  }
  if (packaged) return { runtime: facts.execPath, serverPath, runAsNode: true };
  const node = facts.env.npm_node_execpath;
  if (node && isAbsolute(node)) return { runtime: node, serverPath, runAsNode: false };
  return { runtime: facts.execPath, serverPath, runAsNode: true };
}
