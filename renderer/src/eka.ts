import type { EkaApi } from '../../app/ipc/contract';

declare global {
  interface Window {
    eka?: EkaApi;
  }
}

/** The core's API as the host (Electron preload or demo bridge) provides it. */
export function getEka(): EkaApi | undefined {
  return window.eka;
}
