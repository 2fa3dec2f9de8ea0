import { createServer, type Server } from 'node:http';
import type { OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Browser } from 'playwright-core';
import type { Sandbox } from '../sandbox/types';
import { launchChromium } from '../support/chromium';
import { listenOnLoopback } from '../support/ports';
import { signInOnSandbox } from '../support/sandbox-login';

/**
 * An MCP client's OAuth side, as a desktop MCP client would have it: a
 * loopback redirect listener, in-memory storage, and a real browser that
 * signs in to the sandbox as the clinician and allows access.
 */
export class BrowserOAuthClient implements OAuthClientProvider {
  #client: OAuthClientInformationMixed | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  #listener: Server | undefined;
  #redirectUrl = '';
  #code: Promise<string> | undefined;
  readonly #browser: Browser;
  readonly #sandbox: Sandbox;

  constructor(browser: Browser, sandbox: Sandbox) {
    this.#browser = browser;
    this.#sandbox = sandbox;
  }

  /** Launches Chromium and opens the loopback listener; `close()` ends both. */
  static async start<T extends BrowserOAuthClient>(
    this: new (
      browser: Browser,
      sandbox: Sandbox,
    ) => T,
    sandbox: Sandbox,
  ): Promise<T> {
    // biome-ignore lint/complexity/noThisInStatic: a subclass starts as itself
    const client = new this(await launchChromium(), sandbox);
    try {
      await client.listen();
    } catch (error) {
      await client.close();
      throw error;
    }
    return client;
  }

  /** Opens the loopback listener that receives the authorization code. */
  async listen(): Promise<void> {
    let deliver: (code: string) => void = () => {};
    let fail: (error: Error) => void = () => {};
    this.#code = new Promise<string>((resolve, reject) => {
      deliver = resolve;
      fail = reject;
    });
    this.#code.catch(() => {});
    this.#listener = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const code = url.searchParams.get('code');
      res
        .writeHead(200, { 'content-type': 'text/plain' })
        .end(code ? 'Signed in; you can close this window.' : 'Sign-in failed.');
      if (code) deliver(code);
      else
        fail(
          new Error(
            `authorization failed: ${url.searchParams.get('error')} ${url.searchParams.get('error_description')}`,
          ),
        );
    });
    const port = await listenOnLoopback(this.#listener);
    this.#redirectUrl = `http://127.0.0.1:${port}/callback`;
  }

  /** Closes the loopback listener and the browser. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.#listener ? this.#listener.close(() => resolve()) : resolve(),
    );
    await this.#browser.close();
  }

  /** The code delivered to the loopback listener. */
  code(): Promise<string> {
    if (!this.#code) throw new Error('listen() first');
    return this.#code;
  }

  get redirectUrl(): string {
    return this.#redirectUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'Eka HTTP test client',
      redirect_uris: [this.#redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    };
  }

  clientInformation(): OAuthClientInformationMixed | undefined {
    return this.#client;
  }

  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.#client = info;
  }

  tokens(): OAuthTokens | undefined {
    return this.#tokens;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.#tokens = tokens;
  }

  saveCodeVerifier(verifier: string): void {
    this.#verifier = verifier;
  }

  codeVerifier(): string {
    return this.#verifier;
  }

  /** Signs in on the sandbox's login page and allows access, in Chromium. */
  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    const page = await this.#browser.newPage();
    try {
      await signInOnSandbox(page, authorizationUrl.href, this.#sandbox.clinician);
      await page.waitForURL((url) => url.href.startsWith(this.#redirectUrl));
    } finally {
      await page.close();
    }
  }
}
