/**
 * HTTP mode without auth stays on loopback: serving the tools, with the
 * server's own Eka access, on a network address needs an explicit opt-in.
 */
import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../server/config/server-config';
import { startHttpServer } from '../../server/transports/http';
import { recordingLogger } from '../http/test-logger';
import { freePort } from '../support/ports';

async function start(host: string, extra: Record<string, string> = {}) {
  const env: Record<string, string> = {
    EKA_ENV: 'sandbox',
    EKA_MCP_SERVER_HOST: host,
    EKA_MCP_SERVER_PORT: String(await freePort()),
    ...extra,
  };
  return startHttpServer(resolveServerConfig({}, env), recordingLogger(), { env });
}

describe('HTTP open mode exposure', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20'])('refuses to serve without auth on %s', async (host) => {
    await expect(start(host)).rejects.toThrow(
      /Refusing to serve without auth.*EKA_MCP_ALLOW_OPEN_NETWORK=1/s,
    );
  });

  it('still serves without auth on 127.0.0.1', async () => {
    const server = await start('127.0.0.1');
    try {
      const health = await fetch(server.url.replace(/\/mcp$/, '/health'));
      expect(await health.json()).toMatchObject({ status: 'ok', auth: 'open' });
    } finally {
      await server.close();
    }
  });
});
