/**
 * Builds the `window.eka` object the preload exposes: one function per
 * contract method over `ipcRenderer.invoke`, plus `on(event, listener)`.
 */
import {
  type EkaApi,
  type Envelope,
  type EventName,
  eventChannel,
  isEventName,
  METHOD_NAMES,
  methodChannel,
  unwrapEnvelope,
} from '../ipc/contract';

/** The part of `ipcRenderer` we use. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

/** The `window.eka` API over `ipcRenderer`. */
export function createPreloadApi(ipcRenderer: IpcRendererLike): EkaApi {
  const api: Record<string, unknown> = {};
  for (const name of METHOD_NAMES) {
    api[name] = async (input?: unknown) => {
      const envelope = (await ipcRenderer.invoke(methodChannel(name), input)) as Envelope<unknown>;
      return unwrapEnvelope(envelope);
    };
  }
  api.on = (event: EventName, listener: (payload: unknown) => void) => {
    if (!isEventName(event)) throw new Error(`Unknown event: ${String(event)}`);
    const wrapped = (_event: unknown, payload: unknown) => listener(payload);
    ipcRenderer.on(eventChannel(event), wrapped);
    return () => {
      ipcRenderer.removeListener(eventChannel(event), wrapped);
    };
  };
  return Object.freeze(api) as EkaApi;
}
