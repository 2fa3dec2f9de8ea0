import { useEffect, useState } from 'react';
import type { AppState, EkaApi } from '../../app/ipc/contract';

/** The core's state, kept current by the `state` event; `undefined` until the first answer. */
export function useAppState(eka: EkaApi): { state: AppState | undefined; loadError: string | undefined } {
  const [state, setState] = useState<AppState>();
  const [loadError, setLoadError] = useState<string>();
  useEffect(() => {
    let live = true;
    const off = eka.on('state', (next) => {
      if (live) setState(next);
    });
    eka
      .getState()
      .then((first) => {
        if (live) setState((prev) => prev ?? first);
      })
      .catch((error: unknown) => {
        if (live) setLoadError(error instanceof Error ? error.message : String(error));
      });
    return () => {
      live = false;
      off();
    };
  }, [eka]);
  return { state, loadError };
}

/** The current time, ticking every `ms`. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}
