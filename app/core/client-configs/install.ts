import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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
 * This process's install: its own runtime (`process.execPath`: the packaged
 * app under Electron, which then needs `ELECTRON_RUN_AS_NODE=1`, or the
 * absolute path of `node`) and the server bundle near `moduleUrl`.
 */
export function currentInstall(moduleUrl: string): Install {
  return {
    runtime: process.execPath,
    serverPath: serverBundleNear(moduleUrl),
    runAsNode: Boolean(process.versions.electron),
  };
}
