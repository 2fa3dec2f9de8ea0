/**
 * Electron main process entry. Started with `--mcp-stdio` (by Claude Desktop
 * or another MCP client) it is the MCP server on stdio and loads nothing of
 * the tray app; otherwise it starts the tray app (app/electron/tray-app.ts,
 * evaluated only then).
 */
import { app } from 'electron';
import { redactText } from '../server/logging';
import { serverBundleNear } from './core/client-configs/install';
import { MCP_STDIO_FLAG, runBundledServer } from './electron/mcp-stdio';

if (process.argv.includes(MCP_STDIO_FLAG)) {
  void runBundledServer(app, serverBundleNear(__filename), MCP_STDIO_FLAG).catch((error: unknown) => {
    process.stderr.write(`eka-mcp-server: ${redactText(String(error))}\n`);
    process.exit(1);
  });
} else {
  void import('./electron/tray-app').then(({ startTrayApp }) => startTrayApp());
}
