import { spawn } from 'node:child_process';

/**
 * Opens `url` in the clinician's browser: the program named by
 * `EKA_MCP_BROWSER` when set (it gets the URL as its one argument; tests use
 * it to drive a real Chromium), else `open` on macOS, the URL handler on
 * Windows and `xdg-open` elsewhere. No shell is involved.
 */
export function openInBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const override = env.EKA_MCP_BROWSER?.trim();
  const [command, args] = override
    ? [override, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true, env });
    child.once('error', (error) =>
      reject(new Error(`${command} failed (${error.message})`, { cause: error })),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
