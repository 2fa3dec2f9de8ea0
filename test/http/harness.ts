import { createHash } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Clock } from '../../server/auth/clock';
import { resolveServerConfig } from '../../server/config/server-config';
import { type HttpServerHandle, startHttpServer } from '../../server/transports/http';
import { startSandbox } from '../sandbox';
import type { Sandbox, SandboxOptions } from '../sandbox/types';
import { freePort } from '../support/ports';
import { recordingLogger } from './test-logger';

/** Starts the sandbox on free ports. */
export function startTestSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({ issuerPort: 0, apiPort: 0, ...options });
}

export interface TestServer extends HttpServerHandle {
  port: number;
  baseUrl: string;
  logger: ReturnType<typeof recordingLogger>;
}

/** Starts the HTTP transport in this process against the sandbox. */
export async function startTestServer(
  sandbox: Sandbox,
  options: {
    oauth?: boolean;
    redisUrl?: string;
    clock?: Clock;
    env?: Record<string, string>;
    /** Public URL when the server sits behind a load balancer; its own address otherwise. */
    baseUrl?: string;
  } = {},
): Promise<TestServer> {
  const port = await freePort();
  const baseUrl = options.baseUrl ?? `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    EKA_ENV: 'sandbox',
    EKA_API_BASE_URL: sandbox.apiBaseUrl,
    EKA_MCP_SERVER_HOST: '127.0.0.1',
    EKA_MCP_SERVER_PORT: String(port),
    ...(options.oauth
      ? {
          FASTMCP_SERVER_AUTH_EKACARE_BASE_URL: baseUrl,
          FASTMCP_SERVER_AUTH_EKACARE_CLIENT_ID: sandbox.clients.server.client_id,
          FASTMCP_SERVER_AUTH_EKACARE_CLIENT_SECRET: sandbox.clients.server.client_secret,
          FASTMCP_SERVER_AUTH_EKACARE_ISSUER: sandbox.issuer,
        }
      : {
          EKA_CLIENT_ID: sandbox.clients.integrator.client_id,
          EKA_CLIENT_SECRET: sandbox.clients.integrator.client_secret,
          EKA_API_KEY: sandbox.clients.integrator.api_key,
        }),
    ...(options.redisUrl ? { FASTMCP_SERVER_AUTH_EKACARE_CLIENT_STORAGE_BE: options.redisUrl } : {}),
    ...options.env,
  };
  const config = resolveServerConfig({}, env);
  const logger = recordingLogger();
  const handle = await startHttpServer(config, logger, { env, clock: options.clock });
  return { ...handle, port, baseUrl, logger };
}

/** An MCP client over Streamable HTTP, optionally sending a fixed bearer token. */
export async function connectClient(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'eka-http-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: token ? { headers: { authorization: `Bearer ${token}` } } : {},
  });
  await client.connect(transport);
  return client;
}

/** The path of the default direct-token check: a cheap authenticated read Eka publishes. */
export const TOKEN_CHECK_PATH = '/dr/v1/business/entities';

/** How many times the sandbox API was asked to check a token (the default read). */
export function validateCalls(sandbox: Sandbox): number {
  return sandbox.requests.list().filter((entry) => entry.path === TOKEN_CHECK_PATH).length;
}

/** The fingerprint the sandbox's request log keeps of a bearer token (never the token). */
export function tokenFingerprint(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

/** A read-only tool call that reaches the sandbox API. */
export const PROBE_CALL = { name: 'search_patients', arguments: { prefix: 'a', limit: 3 } };
