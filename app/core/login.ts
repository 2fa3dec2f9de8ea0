import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { exchangeIdToken } from '../../server/desktop/eka-oidc-tokens';
import { DesktopError } from '../../server/desktop/errors';
import { checkIssuerUrl, discoverProvider } from '../../server/desktop/oidc-config';
import { withRefreshLock } from '../../server/desktop/refresh-lock';
import { assertKeychainAvailable, type SecretStore } from '../../server/desktop/secret-store';
import { type SessionInput, type TokenUse, writeSessionRecord } from '../../server/desktop/session';
import { TokenCallError } from '../../server/eka/token-sources/token-call';
import { echoProviderText, isSafeAuthorizationUrl } from './login-checks';
import { LoginError } from './login-error';
import { renderLoginPage } from './login-page';

/**
 * The scopes to ask for: `openid`, plus `profile` and `email` when discovery
 * lists them in `scopes_supported`, plus `offline_access` when listed and the
 * provider's own refresh token is needed (`direct`; with `exchange` Eka's
 * OIDC refresh API renews the session). Nothing that discovery does not list.
 */
export function loginScopes(scopesSupported: readonly string[] | undefined, tokenUse: TokenUse): string {
  const listed = new Set(scopesSupported ?? []);
  const wanted = ['profile', 'email', ...(tokenUse === 'direct' ? ['offline_access'] : [])];
  return ['openid', ...wanted.filter((scope) => listed.has(scope))].join(' ');
}
export const CALLBACK_PATH = '/callback';
export const DEFAULT_LOGIN_TIMEOUT_MS = 5 * 60_000;
/** After a cancel or timeout the port keeps answering this long, so a late browser tab gets a page, not a connection error. */
export const CANCELLED_PAGE_MS = 60_000;

export interface LoginOptions {
  issuer: string;
  /** The desktop app's public client id at the issuer. */
  clientId: string;
  /** The Eka API whose OIDC token APIs turn the ID token into Eka API tokens (`exchange`). */
  apiBaseUrl: string;
  /** `exchange` (default): Eka API tokens from the OIDC token APIs; `direct`: the provider's tokens as they are. */
  tokenUse?: TokenUse;
  secretStore: SecretStore;
  /** Folder of the refresh lock (the settings folder): the new session is written under it. */
  lockDir: string;
  /** Opens the authorization URL in the system browser (or prints it). */
  openExternal: (url: string) => void | Promise<void>;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  /** Give up (and close the port) after this long without a redirect. Default 5 minutes. */
  timeoutMs?: number;
  /** Loopback port to listen on; 0 (default) lets the OS pick a free one. */
  port?: number;
  /** Called with the listener's redirect URI once it is listening. */
  onListening?: (redirectUri: string) => void;
  /** How long the port answers "cancelled" after a cancel or timeout. Default one minute. */
  cancelledPageMs?: number;
  now?: () => number;
  /** `login`: ask Eka for its login page even when the browser is still signed in (another account). */
  prompt?: 'login';
}

export interface LoginResult {
  issuer: string;
  clientId: string;
  tokenUse: TokenUse;
  name?: string;
  email?: string;
  expiresAt: number;
  hasRefreshToken: boolean;
}

let loginActive = false;
/** Listeners of cancelled or timed-out sign-ins that still answer with the "cancelled" page. */
const lingering = new Set<Server>();

/** Whether a sign-in is waiting for the browser in this process. */
export function isLoginActive(): boolean {
  return loginActive;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new LoginError(
            'port-in-use',
            `Port ${port} on 127.0.0.1 is already in use: close what uses it or try again`,
            {
              cause: error,
            },
          ),
        );
      } else {
        reject(
          new LoginError('listener-failed', `Could not listen on 127.0.0.1: ${error.message}`, {
            cause: error,
          }),
        );
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(html);
}

function describeTokenError(error: unknown): LoginError {
  if (error instanceof client.ResponseBodyError) {
    return new LoginError(
      'token-exchange-failed',
      `Eka refused the sign-in code (${echoProviderText(error.error)}${error.error_description ? `: ${echoProviderText(error.error_description)}` : ''}): try signing in again`,
      { cause: error },
    );
  }
  if (error instanceof client.AuthorizationResponseError) {
    return new LoginError('provider-error', `Eka reported an error: ${echoProviderText(error.error)}`, {
      cause: error,
    });
  }
  const code = (error as { code?: string }).code ?? '';
  if (code.startsWith('OAUTH_JWT') || code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    return new LoginError(
      'id-token-invalid',
      'Eka returned an ID token that failed validation: sign-in refused',
      {
        cause: error,
      },
    );
  }
  if (error instanceof TypeError || code === 'ECONNREFUSED') {
    return new LoginError(
      'provider-unreachable',
      'Could not reach Eka to finish signing in: check your connection',
      {
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new LoginError(
    'token-exchange-failed',
    `Could not finish signing in: ${echoProviderText(message)}`,
    {
      cause: error,
    },
  );
}

/**
 * "Sign in with Eka": OAuth 2.0 for native apps (RFC 8252) with the system browser.
 *
 * Discovers the provider, listens once on 127.0.0.1 (random port), opens the
 * authorization URL (PKCE S256, state, nonce, `prompt=consent`, the scopes of
 * `loginScopes`), checks the redirect's `state` and `iss` (RFC 9207),
 * exchanges the code, validates the ID token, takes name and email from its
 * claims or UserInfo, then (`exchange`) trades the ID token for Eka API
 * tokens at Eka's OIDC token API, and stores the session in the keychain.
 * Any failure stores nothing; the port always closes.
 */
export async function login(options: LoginOptions): Promise<LoginResult> {
  if (loginActive) {
    throw new LoginError(
      'login-in-progress',
      'A sign-in is already waiting for the browser: finish or cancel it first',
    );
  }
  loginActive = true;
  // A new sign-in replaces the "cancelled" pages of earlier ones (they may hold a fixed port).
  await Promise.all([...lingering].map((server) => close(server)));
  lingering.clear();
  try {
    return await runLogin(options);
  } finally {
    loginActive = false;
  }
}

/** The issuer as shown in messages: origin and path, never credentials or query. */
function issuerForMessage(issuer: string): string {
  const url = new URL(issuer);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** A failed `/verify` as the clinician sees it. */
function describeExchangeError(error: unknown, apiBaseUrl: string): LoginError {
  if (error instanceof TokenCallError) {
    const where = new URL(apiBaseUrl).origin;
    if (error.failure === 'network' || error.failure === 'timeout') {
      return new LoginError(
        'eka-unreachable',
        `Signed in at the provider, but could not reach the Eka API at ${where} to get Eka tokens: check your connection and sign in again`,
        { cause: error },
      );
    }
    if (error.refused) {
      return new LoginError(
        'eka-token-refused',
        `Eka did not accept this sign-in (${error.status}${error.ekaError ? `: ${echoProviderText(error.ekaError)}` : ''}): check that the issuer and client id are Eka's, then sign in again`,
        { cause: error },
      );
    }
    return new LoginError(
      'eka-unreachable',
      `The Eka API at ${where} could not issue tokens right now (${error.status || error.failure}): try again in a moment`,
      { cause: error },
    );
  }
  return describeTokenError(error);
}

async function runLogin(options: LoginOptions): Promise<LoginResult> {
  const now = options.now ?? Date.now;
  const tokenUse = options.tokenUse ?? 'exchange';
  if (options.signal?.aborted) throw new LoginError('cancelled', 'Sign-in cancelled');
  try {
    checkIssuerUrl(options.issuer);
  } catch (error) {
    throw new LoginError('invalid-issuer', (error as Error).message, { cause: error });
  }
  // Refuse before the clinician types a password if the session could not be kept.
  await assertKeychainAvailable(options.secretStore);

  let config: client.Configuration;
  try {
    config = await discoverProvider({
      issuer: options.issuer,
      clientId: options.clientId,
      fetch: options.fetch,
    });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const where = issuerForMessage(options.issuer);
    // openid-client's protocol errors carry an OAUTH_* code: something answered,
    // but not an OpenID provider for this issuer (a wrong URL, not the network).
    if (String((error as { code?: unknown }).code ?? '').startsWith('OAUTH_')) {
      throw new LoginError(
        'provider-invalid',
        `${where} is not an Eka sign-in service (${detail} at ${where}/.well-known/openid-configuration): check the issuer URL`,
        { cause: error },
      );
    }
    throw new LoginError(
      'provider-unreachable',
      `Could not reach the Eka sign-in service at ${where} (${detail}): check your connection and try again`,
      { cause: error },
    );
  }
  const metadata = config.serverMetadata();

  const codeVerifier = client.randomPKCECodeVerifier();
  const codeChallenge = await client.calculatePKCECodeChallenge(codeVerifier);
  const state = client.randomState();
  const nonce = client.randomNonce();

  let settle!: { resolve: (value: LoginResult) => void; reject: (error: unknown) => void };
  let settled = false;
  const outcome = new Promise<LoginResult>((resolve, reject) => {
    settle = {
      resolve: (value) => {
        settled = true;
        resolve(value);
      },
      reject: (error) => {
        settled = true;
        reject(error);
      },
    };
  });
  outcome.catch(() => undefined);
  let handled = false;
  let redirectUri = '';

  /** Why a reply does not belong to this sign-in (wrong `state` or `iss`), or `undefined` when it does. */
  const mismatch = (params: URLSearchParams): LoginError | undefined => {
    if (params.get('state') !== state) {
      return new LoginError(
        'state-mismatch',
        'This sign-in reply did not match the sign-in in progress (state check failed) and was ignored: finish signing in from the page Eka MCP opened',
      );
    }
    const iss = params.get('iss');
    if (iss !== null && iss !== metadata.issuer) {
      return new LoginError(
        'issuer-mismatch',
        `This sign-in reply came from a different issuer (${echoProviderText(iss)}) than ${metadata.issuer} and was ignored`,
      );
    }
    if (iss === null && metadata.authorization_response_iss_parameter_supported) {
      return new LoginError('issuer-mismatch', 'This sign-in reply did not name its issuer and was ignored');
    }
    return undefined;
  };

  const finish = async (res: ServerResponse, url: URL): Promise<void> => {
    try {
      const params = url.searchParams;
      const error = params.get('error');
      if (error === 'access_denied') {
        throw new LoginError('access-denied', 'Access was not allowed in the browser: nothing was saved');
      }
      if (error) {
        const description = params.get('error_description');
        throw new LoginError(
          'provider-error',
          `Eka reported an error during sign-in (${echoProviderText(error)}${description ? `: ${echoProviderText(description)}` : ''})`,
        );
      }
      if (!params.get('code')) {
        throw new LoginError('provider-error', 'The sign-in reply carried no authorization code');
      }

      const current = new URL(`${redirectUri}${url.search}`);
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: codeVerifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
      } catch (cause) {
        throw describeTokenError(cause);
      }
      const claims = tokens.claims();
      if (!claims) throw new LoginError('id-token-invalid', 'Eka returned no ID token: sign-in refused');
      let name = typeof claims.name === 'string' ? claims.name : undefined;
      let email = typeof claims.email === 'string' ? claims.email : undefined;
      if ((!name || !email) && metadata.userinfo_endpoint) {
        try {
          const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
          name ??= typeof info.name === 'string' ? info.name : undefined;
          email ??= typeof info.email === 'string' ? info.email : undefined;
        } catch {
          // Name and email are for display only; the session stands without them.
        }
      }
      const at = now();
      const identity = {
        state: 'signed-in' as const,
        idToken: tokens.id_token,
        subject: claims.sub,
        issuer: metadata.issuer,
        clientId: options.clientId,
        name,
        email,
        signedInAt: at,
      };
      let session: SessionInput;
      if (tokenUse === 'exchange') {
        // Eka API tokens come from Eka's OIDC token API, for the ID token just validated.
        let eka: Awaited<ReturnType<typeof exchangeIdToken>>;
        try {
          eka = await exchangeIdToken(
            { apiBaseUrl: options.apiBaseUrl, clientId: options.clientId, fetch: options.fetch, now },
            tokens.id_token as string,
          );
        } catch (cause) {
          throw describeExchangeError(cause, options.apiBaseUrl);
        }
        session = {
          ...identity,
          tokenUse,
          accessToken: eka.accessToken,
          refreshToken: eka.refreshToken,
          expiresAt: eka.expiresAt,
          refreshExpiresAt: eka.refreshExpiresAt,
          apiBaseUrl: options.apiBaseUrl,
        };
      } else {
        session = {
          ...identity,
          tokenUse,
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          expiresAt: at + (tokens.expiresIn() ?? 300) * 1000,
        };
      }
      await withRefreshLock(options.lockDir, async () => {
        // A cancel or timeout that came during the exchange wins: store nothing.
        if (settled) throw new LoginError('cancelled', 'Sign-in cancelled');
        await writeSessionRecord(options.secretStore, session);
      });
      send(res, 200, renderLoginPage('success', `Signed in${name ? ` as ${name}` : ''}.`));
      settle.resolve({
        issuer: session.issuer,
        clientId: session.clientId,
        tokenUse,
        name,
        email,
        expiresAt: session.expiresAt,
        hasRefreshToken: Boolean(session.refreshToken),
      });
    } catch (error) {
      const message =
        error instanceof LoginError || error instanceof DesktopError ? error.message : 'Sign-in failed';
      send(res, 400, renderLoginPage('failure', message));
      settle.reject(error);
    }
  };

  let expectedHost = '';
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A page reaching the port through another host name (DNS rebinding) cannot use up the one reply.
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || req.headers.host !== expectedHost) {
      send(res, 404, renderLoginPage('failure', 'Not found.'));
      return;
    }
    if (handled) {
      send(
        res,
        409,
        renderLoginPage('ignored', 'This sign-in already received its reply; this one was ignored.'),
      );
      return;
    }
    // A reply that is not this sign-in's (another process, a stale tab) is refused without using up the wait.
    const wrong = mismatch(url.searchParams);
    if (wrong) {
      send(res, 400, renderLoginPage('failure', wrong.message));
      return;
    }
    handled = true;
    void finish(res, url);
  });
  server.keepAliveTimeout = 1000;

  const port = await listen(server, options.port ?? 0);
  expectedHost = `127.0.0.1:${port}`;
  redirectUri = `http://${expectedHost}${CALLBACK_PATH}`;

  let timer: NodeJS.Timeout | undefined;
  /** Set by a cancel or timeout: the port then answers with the "cancelled" page for a while. */
  let endedUnanswered = false;
  const onAbort = () => {
    if (!handled) endedUnanswered = true;
    handled = true;
    settle.reject(new LoginError('cancelled', 'Sign-in cancelled'));
  };
  try {
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    timer = setTimeout(() => {
      if (!handled) {
        handled = true;
        endedUnanswered = true;
        settle.reject(
          new LoginError(
            'timeout',
            `No sign-in reply from the browser within ${Math.round(timeoutMs / 1000)} s: sign-in stopped; start again`,
          ),
        );
      }
    }, timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    options.onListening?.(redirectUri);

    let authorizationUrl: URL;
    try {
      authorizationUrl = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: loginScopes(metadata.scopes_supported, tokenUse),
        response_type: 'code',
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        state,
        nonce,
        prompt: options.prompt === 'login' ? 'login consent' : 'consent',
      });
    } catch (cause) {
      throw new LoginError(
        'provider-error',
        'The Eka sign-in service gave an authorization address that is not https: sign-in refused',
        { cause },
      );
    }
    if (!isSafeAuthorizationUrl(authorizationUrl)) {
      throw new LoginError(
        'provider-error',
        `The Eka sign-in service gave an authorization address that is not https (${authorizationUrl.origin}): sign-in refused`,
      );
    }
    try {
      await options.openExternal(authorizationUrl.href);
    } catch (cause) {
      const detail = cause instanceof Error ? `: ${cause.message}` : '';
      throw new LoginError('browser-failed', `Could not open the browser for sign-in${detail}`, { cause });
    }
    return await outcome;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    if (endedUnanswered) lingerCancelled(server, options.cancelledPageMs ?? CANCELLED_PAGE_MS);
    else await close(server);
  }
}

/** Keeps a cancelled or timed-out sign-in's port answering "cancelled" for `ms`, then closes it. */
function lingerCancelled(server: Server, ms: number): void {
  server.removeAllListeners('request');
  server.on('request', (_req, res: ServerResponse) => {
    send(
      res,
      410,
      renderLoginPage(
        'cancelled',
        'This sign-in was cancelled in Eka MCP, or waited too long. Start a new sign-in from Eka MCP or ask your assistant again.',
      ),
    );
  });
  lingering.add(server);
  const timer = setTimeout(() => {
    lingering.delete(server);
    void close(server);
  }, ms);
  timer.unref();
  server.unref();
}
