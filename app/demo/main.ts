/**
 * `npm run demo`: the whole app in your browser against the Eka sandbox.
 *
 *   npm run demo [-- --port 7790] [--home DIR] [--no-open] [--free-ports]
 *
 * Opens the app through a one-time link: the browser is handed a small local
 * file (readable only by you) that forwards to it, so no secret appears on
 * a command line other users can see in `ps`. The link is printed too; it
 * works once.
 * `--home DIR` is where "Connect" writes client configs (default: a
 * throwaway folder, so your real Claude Desktop config is untouched).
 */
import { parseArgs } from 'node:util';
import { openInBrowser } from '../core/system-browser';
import { startDemo } from './demo-host';
import { writeLauncher } from './launcher';

const HELP = `Usage: npm run demo -- [--port N] [--home DIR] [--no-open] [--free-ports]

  --port N     port on 127.0.0.1 for the page (default 7790, 0 = any free port)
  --home DIR   home folder whose client configs "Connect" edits (default: a temp folder)
  --no-open    do not open the browser
  --free-ports let the OS pick every port (page and sandbox)
Environment: EKA_MCP_HOME (settings folder), EKA_MCP_KEYCHAIN_SERVICE (default "Eka MCP Demo").`;

async function main(): Promise<void> {
  let values: { port?: string; home?: string; 'no-open'?: boolean; 'free-ports'?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        home: { type: 'string' },
        'no-open': { type: 'boolean' },
        'free-ports': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const freePorts = values['free-ports'] === true;
  const port = values.port === undefined ? (freePorts ? 0 : 7790) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, not ${values.port}`);
    process.exit(2);
  }
  const base = {
    port,
    home: values.home,
    ekaMcpHome: process.env.EKA_MCP_HOME,
    keychainService: process.env.EKA_MCP_KEYCHAIN_SERVICE,
    ...(freePorts ? { sandbox: { issuerPort: 0, apiPort: 0 } } : {}),
  };
  let demo: Awaited<ReturnType<typeof startDemo>>;
  try {
    demo = await startDemo(base);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || freePorts) throw error;
    console.error('A default port (7780, 7781 or 7790) is busy; using free ports instead.');
    demo = await startDemo({
      ...base,
      port: values.port === undefined ? 0 : port,
      sandbox: { issuerPort: 0, apiPort: 0 },
    });
  }
  if (demo.keychainError) console.error(`No keychain: ${demo.keychainError}`);
  console.error(`Sandbox: issuer ${demo.sandbox?.issuer}, API ${demo.sandbox?.apiBaseUrl}`);
  if (demo.sandbox) {
    const { username, password } = demo.sandbox.clinician;
    const integrator = demo.sandbox.clients.integrator;
    console.error(`Clinician sign-in: ${username} / ${password}`);
    console.error(
      `Client credentials: ${integrator.client_id} / ${integrator.client_secret} (API key ${integrator.api_key})`,
    );
  }
  console.error(`Client configs are written under ${demo.home}`);
  console.log(`Eka MCP demo: ${demo.origin}/`);
  let launcher: Awaited<ReturnType<typeof writeLauncher>> | undefined;
  if (values['no-open']) {
    console.log(`Open this one-time link: ${demo.url}`);
  } else {
    launcher = await writeLauncher(demo.url);
    // If the browser cannot be opened, the printed link (one use) works by hand.
    void openInBrowser(launcher.path).catch(() =>
      console.log(`Open this one-time link: ${demo.bootstrapUrl()}`),
    );
  }

  let closing = false;
  const close = () => {
    if (closing) return;
    closing = true;
    console.error('Stopping the demo…');
    void Promise.all([demo.stop(), launcher?.remove()]).then(() => process.exit(0));
  };
  process.on('SIGINT', close);
  process.on('SIGTERM', close);
}

main().catch((error: unknown) => {
  console.error(`The demo could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
