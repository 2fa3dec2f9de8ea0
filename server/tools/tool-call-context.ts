/**
 * The tool call a piece of server code runs for, without threading it
 * through every API call: the registry runs each handler inside it, so the
 * token source can reach the call's progress and elicitation (sign-in
 * started from a tool call).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ToolExtra } from './tool-registry';

const storage = new AsyncLocalStorage<ToolExtra>();

/** Runs `body` as part of the tool call described by `extra`. */
export function runInToolCall<T>(extra: ToolExtra, body: () => T): T {
  return storage.run(extra, body);
}

/** The context of the tool call this code runs for, or `undefined` outside one. */
export function currentToolCall(): ToolExtra | undefined {
  return storage.getStore();
}
