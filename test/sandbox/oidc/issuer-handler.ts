import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { handleInteraction } from './interactions';
import { errorPage, PAGE_CSP } from './pages';

/**
 * The OpenID provider's request handler, mounted under `mountPath` (the
 * issuer's path, e.g. `/oauth2`): interaction pages first, then oidc-provider
 * itself. Anything outside the mount path is a 404.
 */
export function createIssuerHandler(
  provider: Provider,
  mountPath: string,
): (req: IncomingMessage, res: ServerResponse) => void {
  const callback = provider.callback();
  return (req, res) => {
    const original = req.url ?? '/';
    const path = original.split('?')[0] ?? '/';
    if (path !== mountPath && !path.startsWith(`${mountPath}/`)) {
      res.writeHead(404, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': PAGE_CSP,
      });
      res.end(errorPage('not_found', `The OpenID provider lives under ${mountPath}.`));
      return;
    }
    // oidc-provider routes on the path below its mount point and builds its URLs from originalUrl.
    (req as IncomingMessage & { originalUrl?: string }).originalUrl = original;
    req.url = original.slice(mountPath.length) || '/';
    const inner = path.slice(mountPath.length) || '/';
    if (inner.startsWith('/interaction/')) {
      handleInteraction(provider, req, res, inner, mountPath).then(
        (handled) => {
          if (!handled) callback(req, res);
        },
        () => {
          if (!res.headersSent) res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    callback(req, res);
  };
}
