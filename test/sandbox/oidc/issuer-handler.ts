import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { handleInteraction } from './interactions';

/** The OpenID provider's request handler: interaction pages first, then oidc-provider itself. */
export function createIssuerHandler(provider: Provider): (req: IncomingMessage, res: ServerResponse) => void {
  const callback = provider.callback();
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/interaction/')) {
      handleInteraction(provider, req, res, path).then(
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
