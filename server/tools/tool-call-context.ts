/**
 * Whether the scope of an Eka call is a tool call, so a token source can
 * reach the call's progress and elicitation (sign-in started from a tool
 * call). The registry marks each tool call's context; the scope travels with
 * every Eka call the handler makes.
 */
import type { CallScope } from '../eka/token-source';
import type { ToolExtra } from './tool-registry';

const toolCalls = new WeakSet<object>();

/** Marks `extra` as the context of a tool call (the registry does, once per call). */
export function markToolCall<T extends ToolExtra>(extra: T): T {
  toolCalls.add(extra);
  return extra;
}

/** The tool call an Eka call is made for, or `undefined` outside one. */
export function toolCallOf(scope: CallScope | undefined): ToolExtra | undefined {
  return scope && toolCalls.has(scope) ? (scope as ToolExtra) : undefined;
}
