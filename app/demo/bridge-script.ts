/**
 * The browser side of the demo host's local channel, generated from the
 * contract: `window.eka` with one function per method (HTTP POST; the
 * HttpOnly session cookie goes with it, the script never sees a secret) and
 * `on(event)` over Server-Sent Events. The host's `openExternal` event opens
 * a new tab.
 */
import { EVENT_NAMES, METHOD_NAMES } from '../ipc/contract';

/** Path of the bridge script, the calls and the event stream (relative to the page). */
export const BRIDGE_PATH = '/eka-bridge.js';
export const RPC_PREFIX = '/rpc/';
export const EVENTS_PATH = '/events';
/** Header every call carries: a page of another site cannot send it without a CORS preflight, which is refused. */
export const REQUEST_HEADER = 'x-eka-demo-request';

/** The bridge script's source. */
export function bridgeScript(): string {
  return `(() => {
  'use strict';
  const methods = ${JSON.stringify(METHOD_NAMES)};
  const events = ${JSON.stringify(EVENT_NAMES)};
  const listeners = new Map(events.map((name) => [name, new Set()]));
  const stream = new EventSource('.${EVENTS_PATH}');
  for (const name of events) {
    stream.addEventListener(name, (message) => {
      let payload;
      try { payload = JSON.parse(message.data); } catch { return; }
      if (name === 'openExternal' && payload && typeof payload.url === 'string') {
        window.open(payload.url, '_blank', 'noopener');
      }
      for (const listener of listeners.get(name)) listener(payload);
    });
  }
  const api = {};
  for (const name of methods) {
    api[name] = async (input) => {
      let response;
      try {
        response = await fetch('.${RPC_PREFIX}' + name, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', '${REQUEST_HEADER}': '1' },
          body: JSON.stringify({ input }),
        });
      } catch {
        throw new Error('The Eka MCP demo is not running: start it again with npm run demo.');
      }
      const envelope = await response.json().catch(() => null);
      if (!envelope) throw new Error('The Eka MCP demo answered with an error (' + response.status + ').');
      if (envelope.ok) return envelope.value === null ? undefined : envelope.value;
      const error = new Error(envelope.error.message);
      error.code = envelope.error.code;
      throw error;
    };
  }
  api.on = (event, listener) => {
    const set = listeners.get(event);
    if (!set) throw new Error('Unknown event: ' + event);
    set.add(listener);
    return () => set.delete(listener);
  };
  window.eka = Object.freeze(api);
})();
`;
}
