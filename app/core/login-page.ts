import { escapeHtml } from '../../server/html';

/** The small page the browser tab shows after the loopback redirect. */
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
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}h1{font-size:1.4rem}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(detail)}</p>
<p>You can close this tab and return to Eka MCP.</p>
</main>
</body>
</html>
`;
}
