// Every contract method reaches the core from every host: a handler in the
// controller, a registered IPC channel in main, a function in the preload and
// in the demo's browser bridge. Adding a method to the contract without
// wiring it fails here.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createController } from '../../app/core/controller';
import { bridgeScript } from '../../app/demo/bridge-script';
import { type IpcEventLike, type IpcMainLike, registerIpcHandlers } from '../../app/electron/ipc-main';
import { createPreloadApi, type IpcRendererLike } from '../../app/electron/preload-api';
import { EVENT_NAMES, eventChannel, METHOD_NAMES, methodChannel } from '../../app/ipc/contract';
import { missingHandlers } from '../../app/ipc/handlers';
import { recordingHandlers } from './fake-handlers';

const OUR_PAGE = 'file:///opt/Eka%20MCP/resources/app.asar/dist/renderer/index.html';

/** An ipcMain and ipcRenderer pair joined in memory, like Electron's. */
function ipcPair(senderUrl = OUR_PAGE) {
  const handlers = new Map<string, (event: IpcEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  const ipcRenderer: IpcRendererLike = {
    invoke: async (channel, ...args) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler({ senderFrame: { url: senderUrl } }, ...args);
    },
    on: () => undefined,
    removeListener: () => undefined,
  };
  return { handlers, ipcMain, ipcRenderer };
}

describe('contract wiring', () => {
  it('the controller has a handler for every contract method', () => {
    const controller = createController({
      settings: { location: '', read: async () => ({}) as never, update: async () => ({}) as never },
      secretStore: { get: async () => null, set: async () => undefined, delete: async () => false },
      settingsDir: '/nonexistent',
      openExternal: () => undefined,
      os: { platform: 'linux', homedir: '/nonexistent', env: {} },
      install: { runtime: process.execPath, serverPath: '/nonexistent/eka-mcp-server.mjs', runAsNode: false },
      redact: (text) => text,
      superviseServer: false,
    });
    expect(missingHandlers(controller.handlers)).toEqual([]);
    expect(Object.keys(controller.handlers).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('main registers one channel per method and the preload exposes each of them', async () => {
    const { handlers, calls } = recordingHandlers();
    const pair = ipcPair();
    registerIpcHandlers(pair.ipcMain, handlers, (url) => url === OUR_PAGE);
    expect([...pair.handlers.keys()].sort()).toEqual(METHOD_NAMES.map(methodChannel).sort());

    const api = createPreloadApi(pair.ipcRenderer) as unknown as Record<
      string,
      (input?: unknown) => Promise<unknown>
    >;
    for (const method of METHOD_NAMES) expect(typeof api[method], method).toBe('function');
    expect(typeof api.on).toBe('function');

    // Each call travels preload -> channel -> validated handler and back.
    const answer = await api.connectClient!({ client: 'cursor' });
    expect(answer).toEqual({ method: 'connectClient', input: { client: 'cursor' } });
    await api.getState!();
    expect(calls.map((c) => c.method)).toEqual(['connectClient', 'getState']);
  });

  it('refuses to start when a method has no handler', () => {
    const { handlers } = recordingHandlers();
    const incomplete = { ...handlers, signOut: undefined } as unknown as typeof handlers;
    expect(missingHandlers(incomplete)).toEqual(['signOut']);
    expect(() => registerIpcHandlers(ipcPair().ipcMain, incomplete, () => true)).toThrow(
      /No handler for signOut/,
    );
  });

  it('the preload subscribes to events on their channels only', () => {
    const subscribed: string[] = [];
    const api = createPreloadApi({
      invoke: async () => ({ ok: true, value: null }),
      on: (channel) => subscribed.push(channel),
      removeListener: () => undefined,
    });
    for (const event of EVENT_NAMES) api.on(event, () => undefined);
    expect(subscribed).toEqual(EVENT_NAMES.map(eventChannel));
    expect(() => api.on('nope' as never, () => undefined)).toThrow(/Unknown event/);
  });

  it("the demo's browser bridge defines every method and posts to its path with the cookie, never a secret of its own", async () => {
    const posts: Array<{
      url: string;
      credentials: string | undefined;
      marker: string | undefined;
      body: unknown;
    }> = [];
    const listened: string[] = [];
    const window: Record<string, unknown> = {};
    const context = {
      window,
      location: { search: '?token=run-secret' },
      sessionStorage: { getItem: () => null, setItem: () => undefined },
      URLSearchParams,
      JSON,
      Map,
      Set,
      Error,
      encodeURIComponent,
      EventSource: class {
        constructor(readonly url: string) {}
        addEventListener(name: string) {
          listened.push(name);
        }
      },
      fetch: async (
        url: string,
        init: { headers: Record<string, string>; body: string; credentials?: string },
      ) => {
        posts.push({
          url,
          credentials: init.credentials,
          marker: init.headers['x-eka-demo-request'],
          body: JSON.parse(init.body),
        });
        return { status: 200, json: async () => ({ ok: true, value: null }) };
      },
    };
    runInNewContext(bridgeScript(), context);
    const eka = window.eka as Record<string, (input?: unknown) => Promise<unknown>>;
    for (const method of METHOD_NAMES) expect(typeof eka[method], method).toBe('function');
    expect(listened).toEqual(EVENT_NAMES);
    await eka.disconnectClient!({ client: 'vscode' });
    expect(posts).toEqual([
      {
        url: './rpc/disconnectClient',
        credentials: 'same-origin',
        marker: '1',
        body: { input: { client: 'vscode' } },
      },
    ]);
    // The script reads no secret from the address or storage: the HttpOnly cookie carries it.
    expect(bridgeScript()).not.toMatch(/location\.search|sessionStorage|token/);
  });
});
