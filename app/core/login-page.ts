import { escapeHtml } from '../../server/html';

/**
 * The small page the browser tab shows after the loopback redirect: Eka MCP's
 * mark and colours, light or dark with the system, a clear title and what to
 * do next. Self-contained (inline style only, no scripts, no requests), as
 * the loopback answer's CSP requires.
 */
export function renderLoginPage(
  outcome: 'success' | 'failure' | 'ignored' | 'cancelled',
  detail: string,
): string {
  const title =
    outcome === 'success'
      ? 'Signed in to Eka MCP'
      : outcome === 'ignored'
        ? 'This sign-in is already finished'
        : outcome === 'cancelled'
          ? 'This sign-in was cancelled in Eka MCP'
          : 'Sign-in did not complete';
  const next =
    outcome === 'failure'
      ? 'Close this tab, go back to Eka MCP and press “Sign in with Eka” to try again.'
      : 'You can close this tab and return to Eka MCP.';
  const mark = outcome === 'success' ? '✓' : outcome === 'failure' ? '!' : 'i';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
<style>
:root{color-scheme:light dark;--bg:#f5f7fa;--surface:#fff;--text:#16202c;--muted:#4d5b6b;--border:#d5dce4;--brand:#0b5cad;--brand-text:#fff;--ok:#14532d;--ok-bg:#e3f4e8;--bad:#8a1c1c;--bad-bg:#fde8e8}
@media (prefers-color-scheme:dark){:root{--bg:#11161c;--surface:#1a2129;--text:#e8edf2;--muted:#a9b6c4;--border:#33404d;--brand:#5aa9f0;--brand-text:#0a1724;--ok:#a7f3c4;--ok-bg:#123524;--bad:#fecaca;--bad-bg:#3d1414}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;padding:1rem}
main{max-width:30rem;width:100%;background:var(--surface);border:1px solid var(--border);border-radius:12px;padding:1.5rem 1.75rem}
.brand{display:flex;align-items:center;gap:.5rem;font-weight:700;margin-bottom:1.25rem}
.logo{display:inline-grid;place-items:center;width:1.8rem;height:1.8rem;border-radius:8px;background:var(--brand);color:var(--brand-text);font-weight:800}
.state{display:inline-grid;place-items:center;width:2.4rem;height:2.4rem;border-radius:50%;font-size:1.3rem;font-weight:800;margin-bottom:.5rem}
.success .state{background:var(--ok-bg);color:var(--ok)}
.failure .state,.ignored .state{background:var(--bad-bg);color:var(--bad)}
.ignored .state{background:var(--border);color:var(--text)}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{margin:.5rem 0}
.muted{color:var(--muted)}
</style>
</head>
<body>
<main class="${outcome}">
<div class="brand"><span class="logo" aria-hidden="true">e</span><span>Eka MCP</span></div>
<div class="state" aria-hidden="true">${mark}</div>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(detail)}</p>
<p class="muted">${escapeHtml(next)}</p>
</main>
</body>
</html>
`;
}
