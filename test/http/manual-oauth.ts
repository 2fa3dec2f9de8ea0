import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { Browser } from 'playwright-core';
import type { Sandbox } from '../sandbox/types';
import { listenOnLoopback } from '../support/ports';
import { signInOnSandbox } from '../support/sandbox-login';

/**
 * One authorization-code sign-in by hand against `authorizationEndpoint`, in
 * a fresh browser context of `browser`, with a loopback redirect and PKCE;
 * signs in on the sandbox and returns the code with what redeems it.
 */
export async function authorizeByHand(options: {
  browser: Browser;
  sandbox: Sandbox;
  authorizationEndpoint: string;
  clientId: string;
  /** Extra parameters (scope, resource, ...). */
  params?: Record<string, string>;
  /** A redirect URI on a loopback listener started here when absent. */
  redirectUri?: (port: number) => string;
}): Promise<{ code: string; verifier: string; redirectUri: string }> {
  let deliver: (code: string) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const code = new Promise<string>((resolve, reject) => {
    deliver = resolve;
    fail = reject;
  });
  const listener = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    res.end('ok');
    const value = url.searchParams.get('code');
    if (value) deliver(value);
    else fail(new Error(`authorization failed: ${url.searchParams.get('error')}`));
  });
  const port = await listenOnLoopback(listener);
  const redirectUri = options.redirectUri?.(port) ?? `http://127.0.0.1:${port}/cb`;
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(options.authorizationEndpoint);
  url.search = new URLSearchParams({
    client_id: options.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    state: 'by-hand',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...options.params,
  }).toString();
  const context = await options.browser.newContext();
  try {
    const page = await context.newPage();
    await signInOnSandbox(page, url.href, options.sandbox.clinician);
    return { code: await code, verifier, redirectUri };
  } finally {
    await context.close();
    listener.close();
  }
}
