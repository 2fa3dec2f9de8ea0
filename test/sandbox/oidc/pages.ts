import { escapeHtml } from '../../../server/html';

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1b1b1b;line-height:1.5}
h1{font-size:1.4rem}label{display:block;margin-top:1rem;font-weight:600}
input{display:block;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem;font-size:1rem;border:1px solid #555;border-radius:4px}
button{margin-top:1.25rem;margin-right:.5rem;padding:.55rem 1.2rem;font-size:1rem;border-radius:4px;border:1px solid #0b4f8a;cursor:pointer}
.primary{background:#0b4f8a;color:#fff}.secondary{background:#fff;color:#0b4f8a}
.error{color:#a4000f;font-weight:600}.note{color:#444;font-size:.9rem}
:focus-visible{outline:3px solid #e8a300;outline-offset:2px}`;

/** The CSP of the sandbox's own pages: no scripts, inline styles only. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'";

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Eka sandbox</title><style>${STYLE}</style></head>
<body><main>
${body}
<p class="note">This is the local Eka sandbox. It holds only synthetic data.</p>
</main></body></html>`;
}

/** The sign-in page of an interaction. */
export function loginPage(mountPath: string, uid: string, clientName: string, error?: string): string {
  const action = `${mountPath}/interaction/${encodeURIComponent(uid)}/login`;
  const alert = error ? `<p class="error" role="alert" id="login-error">${escapeHtml(error)}</p>` : '';
  const describedBy = error ? ' aria-describedby="login-error"' : '';
  return layout(
    'Sign in',
    `<h1>Sign in to Eka</h1>
<p>${escapeHtml(clientName)} wants to use your Eka account.</p>
${alert}
<form method="post" action="${action}" autocomplete="off">
<label for="username">Username</label>
<input id="username" name="username" type="text" required autofocus${describedBy}>
<label for="password">Password</label>
<input id="password" name="password" type="password" required${describedBy}>
<button type="submit" class="primary">Sign in</button>
</form>`,
  );
}

const SCOPE_TEXT: Record<string, string> = {
  openid: 'Confirm who you are',
  profile: 'See your name',
  email: 'See your email address',
  offline_access: 'Stay signed in (keep access when you are away)',
};

/** The consent page of an interaction. */
export function consentPage(mountPath: string, uid: string, clientName: string, scopes: string[]): string {
  const base = `${mountPath}/interaction/${encodeURIComponent(uid)}`;
  const items = scopes.map((s) => `<li>${escapeHtml(SCOPE_TEXT[s] ?? s)}</li>`).join('');
  return layout(
    'Allow access',
    `<h1>Allow access to your Eka account?</h1>
<p>${escapeHtml(clientName)} is asking to:</p>
<ul>${items || '<li>Use your Eka account</li>'}</ul>
<form method="post" action="${base}/confirm"><button type="submit" class="primary">Allow</button></form>
<form method="post" action="${base}/abort"><button type="submit" class="secondary">Cancel</button></form>`,
  );
}

/** An error page of the provider (bad request, unknown client, bad redirect URI). */
export function errorPage(error: string, description: string | undefined): string {
  return layout(
    'Sign-in error',
    `<h1>Sign-in could not continue</h1>
<p class="error" role="alert"><span id="error-code">${escapeHtml(error)}</span>${
      description ? `: ${escapeHtml(description)}` : ''
    }</p>`,
  );
}
