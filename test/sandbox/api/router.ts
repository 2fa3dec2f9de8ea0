import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { ApiError } from './http-util';
import type { VerifiedToken } from './token-authority';

/** A handler's answer: JSON (the usual case) or raw bytes. */
export interface Reply {
  status?: number;
  json?: unknown;
  raw?: { contentType: string; body: Buffer };
  headers?: Record<string, string>;
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** The verified caller; absent only on public routes. */
  caller: VerifiedToken | undefined;
  api: ApiContext;
}

export interface Route {
  method: string;
  /** Path with `:name` segments; a trailing slash is optional when matching. */
  path: string;
  /** Public routes (token endpoints, the token check) do their own authentication. */
  public?: boolean;
  handle(request: RouteRequest): Promise<Reply> | Reply;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

/** Matches request paths against a list of routes. */
export class Router {
  readonly #routes: CompiledRoute[];

  constructor(routes: Route[]) {
    this.#routes = routes.map((route) => {
      const names: string[] = [];
      const trimmed = route.path.replace(/\/$/, '');
      const source = trimmed
        .split('/')
        .map((segment) => {
          if (segment.startsWith(':')) {
            names.push(segment.slice(1));
            return '([^/]+)';
          }
          return segment.replace(/[.*+?^${}()|[\]-]/g, '\\$&');
        })
        .join('/');
      return { ...route, regex: new RegExp(`^${source}/?$`), names };
    });
  }

  /** The matching route and its path parameters, or why none matched. */
  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { error: 'not_found' | 'method_not_allowed' } {
    let pathMatched = false;
    for (const route of this.#routes) {
      const m = route.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1] ?? '');
        } catch {
          throw new ApiError(
            400,
            'invalid_request',
            `The path segment for "${name}" is not valid percent-encoding.`,
          );
        }
      });
      return { route, params };
    }
    return { error: pathMatched ? 'method_not_allowed' : 'not_found' };
  }
}
