import { METHOD_NAMES, type MethodName } from '../../app/ipc/contract';
import type { Handlers } from '../../app/ipc/handlers';

/** Handlers that record their calls and answer `{ method, input }` (for wiring tests only). */
export function recordingHandlers(): {
  handlers: Handlers;
  calls: Array<{ method: MethodName; input: unknown }>;
} {
  const calls: Array<{ method: MethodName; input: unknown }> = [];
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((method) => [
      method,
      async (input: unknown) => {
        calls.push({ method, input });
        return { method, input };
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}
