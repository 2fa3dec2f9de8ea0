/**
 * The OAuth proxy's own consent page: shown before signing in to Eka for an
 * MCP client that will receive the tokens at a web address, so a clinician
 * sees which client and which site they are granting, and an attacker who
 * registered a client cannot ride on an earlier Eka consent.
 */

import { escapeHtml } from '../html';

/** Where the consent form posts. */
export const CONSENT_PATH = '/oauth/consent';

/** The cookie that ties the consent form to the browser that was shown it. */
export const CONSENT_COOKIE = 'eka_mcp_consent';

/**
 * Response headers of the consent page: no framing (clickjacking), no scripts,
 * no caching, no referrer to other sites. `same-origin`, not `no-referrer`:
 * under `no-referrer` browsers send the form with `Origin: null`, which the
 * form's origin check rightly refuses.
 */
export const CONSENT_PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};

/** The consent page for one pending login. */
export function renderConsentPage(options: {
  clientName: string | undefined;
  redirectOrigin: string;
  pendingId: string;
  csrf: string;
}): string {
  const name = options.clientName?.trim()
    ? options.clientName.trim().slice(0, 100)
    : 'An unnamed application';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Allow access to Eka MCP?</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.4rem}code{font-size:1rem}button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.6rem}</style>
</head>
<body>
<main>
<h1>Allow access to Eka MCP?</h1>
<p><strong>${escapeHtml(name)}</strong> asks to use Eka MCP tools (patients, appointments) as you.</p>
<p>After you sign in to Eka, your access will be sent to <code>${escapeHtml(options.redirectOrigin)}</code>. Allow only if you started this from that application.</p>
<form method="post" action="${CONSENT_PATH}">
<input type="hidden" name="pending" value="${escapeHtml(options.pendingId)}">
<input type="hidden" name="csrf" value="${escapeHtml(options.csrf)}">
<button type="submit" name="decision" value="allow">Allow and sign in</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</main>
</body>
</html>
`;
}

/** Our own page for an error that must not be sent to the MCP client's redirect URI. */
export function renderErrorPage(options: { title: string; message: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.4rem}</style>
</head>
<body>
<main>
<h1>${escapeHtml(options.title)}</h1>
<p>${escapeHtml(options.message)}</p>
</main>
</body>
</html>
`;
}
