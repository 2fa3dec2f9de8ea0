import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { type SandboxLogin, signInOnSandbox } from './sandbox-login';

/** The program a server runs as its browser in tests (EKA_MCP_BROWSER). */
export const browserRelayProgram = join(import.meta.dirname, 'browser-relay-program.mjs');

/** What the clinician does with each sign-in page the browser opens. */
export type ClinicianAction = 'Allow' | 'Cancel' | 'ignore';

export interface ClinicianBrowser {
  /** Environment for a server process: its browser is this Chromium. */
  readonly env: Record<string, string>;
  /** Every URL a process asked the browser to open, in order. */
  readonly opened: string[];
  /** Opens `url` as the clinician's browser would (the app core's `openExternal`). */
  open(url: string): Promise<void>;
  /** Resolves once the clinician finished the page for the n-th opened URL (1-based). */
  finished(count: number): Promise<void>;
  setAction(action: ClinicianAction): void;
  close(): Promise<void>;
}

/**
 * A real Chromium as the clinician's browser: each URL opened (by a server
 * through the relay program, or by the app core directly) is loaded in a new
 * page where the clinician signs in on the sandbox and allows (or cancels).
 */
export async function startClinicianBrowser(
  browser: Browser,
  login: SandboxLogin,
  initial: ClinicianAction = 'Allow',
): Promise<ClinicianBrowser> {
  const opened: string[] = [];
  const done: Promise<void>[] = [];
  let action = initial;
  const open = (url: string): Promise<void> => {
    opened.push(url);
    const chosen = action;
    const work = (async () => {
      if (chosen === 'ignore') return;
      const page = await browser.newPage();
      try {
        await signInOnSandbox(page, url, login, chosen);
        // The sandbox redirects to the loopback listener, which answers with its page.
        await page.waitForURL((address) => address.pathname === '/callback', { timeout: 20_000 });
        await page.waitForLoadState('load');
      } finally {
        await page.close().catch(() => undefined);
      }
    })();
    work.catch(() => undefined);
    done.push(work);
    return Promise.resolve();
  };
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      void open(body).then(() => res.end('ok'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    env: { EKA_MCP_BROWSER: browserRelayProgram, EKA_TEST_BROWSER_RELAY: `http://127.0.0.1:${port}/` },
    opened,
    open,
    async finished(count) {
      const deadline = Date.now() + 30_000;
      while (done.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await done[count - 1];
    },
    setAction(next) {
      action = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
