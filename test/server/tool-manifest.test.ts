/**
 * The bundled server answers tools/list from a manifest the build computes
 * from the tools' zod configs (scripts/build.mjs bakes it in place of
 * server/tools/built-manifest.ts). What the bundle lists must equal what the
 * source's configs produce, and a server running from source (no manifest)
 * must list the same thing.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server/create-server';
import { createOpenTokenSource } from '../../server/eka/token-sources/open';
import { ICON_PNG_BASE64, ICONS } from '../../server/icon';
import { createLogger } from '../../server/logging';
import { BUILT_TOOL_MANIFEST } from '../../server/tools/built-manifest';
import { toolManifest } from '../../server/tools/tool-manifest';
import { ROOT, type ServerHandle, startServer } from './harness';

let bundled: ServerHandle;

beforeAll(async () => {
  bundled = await startServer({ EKA_MCP_MODE: 'open', EKA_API_BASE_URL: 'http://127.0.0.1:9' });
});

afterAll(async () => {
  await bundled?.close();
});

const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('tool manifest', () => {
  it('the bundle lists exactly what the zod configs of every tool produce', async () => {
    const { tools } = await bundled.client.listTools();
    expect(plain(tools)).toEqual(plain(toolManifest().tools));
  });

  it('from source there is no baked manifest and the server computes the same list', async () => {
    expect(BUILT_TOOL_MANIFEST).toBeUndefined();
    const config = {
      apiBaseUrl: 'http://127.0.0.1:9',
      requestTimeoutMs: 1000,
      maxRetries: 0,
      retryBaseMs: 1,
      maxRetryWaitMs: 1,
    } as Parameters<typeof createServer>[0]['config'];
    const server = createServer({
      config,
      tokenSource: createOpenTokenSource(),
      logger: createLogger({ level: 'error' }),
    });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'manifest-test', version: '1.0.0' });
    await client.connect(clientSide);
    try {
      const first = await client.listTools();
      const second = await client.listTools();
      expect(plain(first.tools)).toEqual(plain(toolManifest().tools));
      expect(plain(second.tools)).toEqual(plain(first.tools));
    } finally {
      await client.close();
      await server.close();
    }
  });
});

describe('tool icons', () => {
  it('every tool and the server carry the app icon, the same bytes as build/icons/32x32.png', async () => {
    expect(Buffer.from(ICON_PNG_BASE64, 'base64')).toEqual(readFileSync(join(ROOT, 'build/icons/32x32.png')));
    const { tools } = await bundled.client.listTools();
    for (const tool of tools) expect(tool.icons).toEqual(ICONS);
    expect(bundled.client.getServerVersion()?.icons).toEqual(ICONS);
  });

  it('tools/list comes sorted by name', async () => {
    const names = (await bundled.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual([...names].sort());
  });
});
