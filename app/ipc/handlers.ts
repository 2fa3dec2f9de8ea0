/**
 * Dispatching contract calls to the core: one typed handler per method,
 * input validated against the contract, every answer an envelope with a
 * plain-words error. Used by Electron's main process and the demo host.
 */
import { redactText } from '../../server/redact';
import {
  ContractError,
  type Envelope,
  isMethodName,
  METHOD_NAMES,
  type MethodInput,
  type MethodName,
  type MethodResult,
  parseInput,
} from './contract';

/** One function per contract method. */
export type Handlers = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<MethodResult<M>>;
};

/** The contract methods that `handlers` lacks (empty when complete). */
export function missingHandlers(handlers: Partial<Record<string, unknown>>): MethodName[] {
  return METHOD_NAMES.filter((name) => typeof handlers[name] !== 'function');
}

/** Turns anything thrown into the `{ code, message }` the UI shows, with secrets and identifiers redacted. */
export function toErrorInfo(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      code: typeof code === 'string' ? code : 'error',
      message: redactText(error.message) || 'Something went wrong.',
    };
  }
  return { code: 'error', message: 'Something went wrong.' };
}

/** Validates `raw` for method `name`, runs its handler and wraps the answer. */
export async function dispatch(handlers: Handlers, name: unknown, raw: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isMethodName(name)) throw new ContractError('unknown-method', 'Unknown method.');
    const input = parseInput(name, raw);
    const handler = handlers[name] as (input: unknown) => Promise<unknown>;
    const value = await handler(input);
    return { ok: true, value: value ?? null };
  } catch (error) {
    return { ok: false, error: toErrorInfo(error) };
  }
}
