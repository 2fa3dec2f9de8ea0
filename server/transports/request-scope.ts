/**
 * HTTP mode serves every request from one set of tools and one API client,
 * built at start-up. What differs per request is whose Eka token the tools
 * call with: the transport runs each request inside `runWithTokenSource`,
 * and the shared client's token source reads the current request's source
 * from there (Node's AsyncLocalStorage follows the request through every
 * await of its handler).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TokenSource } from '../eka/token-source';

const current = new AsyncLocalStorage<TokenSource>();

/** Runs `work` with `source` as the token source of every Eka call it makes. */
export function runWithTokenSource<T>(source: TokenSource, work: () => T): T {
  return current.run(source, work);
}

function scoped(): TokenSource {
  const source = current.getStore();
  if (!source) throw new Error('An Eka call was made outside of an MCP request');
  return source;
}

/** A token source that is, for each call, the one of the request being served. */
export function requestScopedTokenSource(): TokenSource {
  return {
    get kind() {
      return scoped().kind;
    },
    clientId: () => scoped().clientId(),
    getAccessToken: () => scoped().getAccessToken(),
    invalidate: (rejected) => scoped().invalidate(rejected),
  };
}
