import { spawn } from 'node:child_process';

/** Opens `url` in the system browser (open on macOS, the URL handler on Windows, xdg-open elsewhere). */
export function openInSystemBrowser(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.once('error', (error) =>
      reject(
        new Error(`${command} failed (${error.message}); run again with --no-browser`, { cause: error }),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
