import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from '../../server/html';

/**
 * Writes a small page that forwards the browser to `url` (the demo's
 * one-time link), in a fresh private folder (0700, file 0600), so the browser
 * can be opened on a file path that carries no secret. It removes itself
 * after a minute.
 */
export async function writeLauncher(url: string): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'eka-mcp-demo-open-'));
  const path = join(dir, 'open-eka-mcp-demo.html');
  const target = escapeHtml(url);
  await writeFile(
    path,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${target}"><title>Opening Eka MCP</title></head><body><p><a href="${target}">Open Eka MCP</a></p></body></html>\n`,
    { mode: 0o600 },
  );
  const remove = () => rm(dir, { recursive: true, force: true });
  setTimeout(() => void remove(), 60_000).unref();
  return { path, remove };
}
