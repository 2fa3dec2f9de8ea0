import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { CLINICIAN } from '../credentials';
import { consentPage, errorPage, loginPage, PAGE_CSP } from './pages';

const CLIENT_NAMES: Record<string, string> = {
  'eka-mcp-desktop': 'Eka MCP Desktop',
  'eka-mcp-server': 'Eka MCP Server',
};

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': PAGE_CSP,
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  });
  res.end(html);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) break;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function scopesToShow(details: Record<string, unknown>, params: Record<string, unknown>): string[] {
  const missing = details.missingOIDCScope;
  if (Array.isArray(missing)) return missing.filter((s): s is string => typeof s === 'string');
  return typeof params.scope === 'string' ? params.scope.split(' ') : [];
}

/**
 * Handles the login and consent pages under `/interaction/:uid`; answers
 * `false` when the path is not one of them.
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  mountPath: string,
): Promise<boolean> {
  const match = /^\/interaction\/([\w-]+)(?:\/(login|confirm|abort))?$/.exec(path);
  if (!match) return false;
  const action = match[2];
  try {
    const details = await provider.interactionDetails(req, res);
    const clientId = typeof details.params.client_id === 'string' ? details.params.client_id : '';
    const clientName = CLIENT_NAMES[clientId] ?? clientId;

    if (req.method === 'GET' && !action) {
      if (details.prompt.name === 'login') {
        sendHtml(res, 200, loginPage(mountPath, details.uid, clientName));
      } else {
        sendHtml(
          res,
          200,
          consentPage(
            mountPath,
            details.uid,
            clientName,
            scopesToShow(details.prompt.details, details.params),
          ),
        );
      }
      return true;
    }
    if (req.method !== 'POST' || !action) {
      sendHtml(res, 405, errorPage('method_not_allowed', 'Use the form on this page.'));
      return true;
    }

    if (action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The clinician cancelled the sign-in.' },
        { mergeWithLastSubmission: false },
      );
      return true;
    }

    if (action === 'login') {
      const form = await readForm(req);
      if (form.get('username') !== CLINICIAN.username || form.get('password') !== CLINICIAN.password) {
        sendHtml(
          res,
          401,
          loginPage(mountPath, details.uid, clientName, 'The username or password is not correct.'),
        );
        return true;
      }
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: CLINICIAN.accountId } },
        { mergeWithLastSubmission: false },
      );
      return true;
    }

    // confirm
    await readForm(req);
    const accountId = details.session?.accountId;
    if (details.prompt.name !== 'consent' || !accountId) {
      sendHtml(
        res,
        400,
        errorPage('invalid_request', 'There is nothing to confirm; start the sign-in again.'),
      );
      return true;
    }
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ?? new provider.Grant({ accountId, clientId }))
      : new provider.Grant({ accountId, clientId });
    const prompt = details.prompt.details;
    if (Array.isArray(prompt.missingOIDCScope)) grant.addOIDCScope(prompt.missingOIDCScope.join(' '));
    if (Array.isArray(prompt.missingOIDCClaims)) grant.addOIDCClaims(prompt.missingOIDCClaims as string[]);
    const missingResource = prompt.missingResourceScopes;
    if (missingResource && typeof missingResource === 'object') {
      for (const [indicator, scopes] of Object.entries(missingResource as Record<string, string[]>)) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
    }
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
    return true;
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unknown error';
    sendHtml(res, 400, errorPage('interaction_failed', `${message}. Start the sign-in again from the app.`));
    return true;
  }
}
