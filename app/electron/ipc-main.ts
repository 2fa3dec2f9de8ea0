/**
 * Registers one IPC handler per contract method on Electron's `ipcMain`.
 * Takes the Electron pieces as parameters so tests can drive it in Node.
 */
import { METHOD_NAMES, methodChannel } from '../ipc/contract';
import { dispatch, type Handlers, missingHandlers } from '../ipc/handlers';

/** The part of `ipcMain` we use. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The part of an `IpcMainInvokeEvent` we use. */
export interface IpcEventLike {
  senderFrame?: { url: string } | null;
}

/**
 * Registers handlers for every method; calls from a sender that
 * `isTrusted` refuses are answered with an error and never reach the core.
 * Returns a function that removes them.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrusted: (senderUrl: string | undefined) => boolean,
): () => void {
  const missing = missingHandlers(handlers);
  if (missing.length > 0) throw new Error(`No handler for ${missing.join(', ')}`);
  for (const name of METHOD_NAMES) {
    ipcMain.handle(methodChannel(name), async (event, ...args) => {
      if (!isTrusted(event.senderFrame?.url)) {
        return { ok: false, error: { code: 'forbidden', message: 'This page may not use Eka MCP.' } };
      }
      if (args.length > 1) {
        return {
          ok: false,
          error: { code: 'invalid-input', message: `Invalid input for ${name}: one argument at most` },
        };
      }
      return dispatch(handlers, name, args[0]);
    });
  }
  return () => {
    for (const name of METHOD_NAMES) ipcMain.removeHandler(methodChannel(name));
  };
}
