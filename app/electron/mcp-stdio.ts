/**
 * `--mcp-stdio`: the packaged app started by Claude Desktop (or another MCP
 * client) as its server. The main process runs the bundled server on stdio
 * with no window, tray or single-instance lock, and exits when stdin closes,
 * so no client needs the `runAsNode` fuse.
 */
import { pathToFileURL } from 'node:url';
import type { App } from 'electron';

export { MCP_STDIO_FLAG } from '../core/client-configs/entry';

/** Runs the server bundle at `serverPath` with the arguments after `flag` (`--env`, `--api-base-url`, ...). */
export async function runBundledServer(app: App, serverPath: string, flag: string): Promise<void> {
  const args = process.argv.slice(process.argv.indexOf(flag) + 1);
  // The server reads its flags from process.argv.slice(2), as under node.
  process.argv = [process.execPath, serverPath, ...args];
  app.disableHardwareAcceleration();
  app.dock?.hide();
  await import(pathToFileURL(serverPath).href);
}
