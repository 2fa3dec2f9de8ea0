/**
 * What a tool handler gets besides its arguments (ToolExtra) works for both
 * protocol eras on the SDK v2 server: the client's name, progress
 * notifications, and form and URL elicitation. On a 2025-era connection the
 * server asks the client directly; on 2026-07-28 the call answers
 * input_required and the SDK v2 client retries it with the answers, so a
 * handler that asks twice runs three times and ends with both answers.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { Server } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod/v4';
import { createLogger } from '../../server/logging';
import { ToolRegistry } from '../../server/tools/tool-registry';

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A registry with one tool that asks for a city (form), shows a link (URL), and reports progress. */
function registry(runs: { count: number }) {
  const tools = new ToolRegistry();
  tools.define(
    'plan_visit',
    () => ({
      title: 'Plan a visit',
      description: 'Asks where and shows a link.',
      inputSchema: { note: z.string().describe('Anything.') },
      outputSchema: {
        city: z.string().optional(),
        link: z.string(),
        client: z.string().optional(),
        asked: z.boolean(),
      },
      annotations: { readOnlyHint: true },
    }),
    async (_args, extra) => {
      runs.count += 1;
      await extra.progress(1, 2, 'asking');
      if (!extra.elicitForm || !extra.elicitUrl) {
        return {
          content: [{ type: 'text', text: 'cannot ask' }],
          structuredContent: { link: 'none', asked: false, client: extra.client?.name },
        };
      }
      const form = await extra.elicitForm('Which city?', {
        type: 'object',
        properties: { city: { type: 'string' } },
        required: ['city'],
      });
      const link = await extra.elicitUrl('Open this', 'https://example.test/sign-in', 'visit-1');
      return {
        content: [{ type: 'text', text: 'planned' }],
        structuredContent: {
          city: String(form.content?.city ?? ''),
          link: link.action,
          client: extra.client?.name,
          asked: true,
        },
      };
    },
  );
  return tools;
}

/** Serves the registry with the SDK's serveStdio over an in-memory pair; returns the client end. */
function serve(tools: ToolRegistry): InMemoryTransport {
  const logger = createLogger({ level: 'error' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const handle = serveStdio(
    () => {
      const server = new Server({ name: 'extra-test', version: '1' }, { capabilities: { tools: {} } });
      tools.install(server, logger);
      return server;
    },
    { transport: serverSide as never },
  );
  closers.push(() => handle.close());
  return clientSide;
}

function client(era: 'legacy' | 'modern', elicits: boolean) {
  const c = new Client(
    { name: `eka-${era}-client`, version: '1' },
    {
      capabilities: elicits ? { elicitation: { form: {}, url: {} } } : {},
      versionNegotiation: era === 'modern' ? { mode: { pin: '2026-07-28' } } : undefined,
    },
  );
  const asked: string[] = [];
  if (elicits) {
    c.setRequestHandler('elicitation/create', async (request) => {
      asked.push(
        request.params.mode === 'url' ? `url ${request.params.url}` : `form ${request.params.message}`,
      );
      return request.params.mode === 'url'
        ? { action: 'accept' }
        : { action: 'accept', content: { city: 'Pune' } };
    });
  }
  closers.push(() => c.close());
  return { c, asked };
}

describe.each(['legacy', 'modern'] as const)('ToolExtra on the %s era', (era) => {
  it('asks the client (form, then URL) and finishes with both answers', async () => {
    const runs = { count: 0 };
    const { c, asked } = client(era, true);
    await c.connect(serve(registry(runs)));
    expect(c.getProtocolEra()).toBe(era);
    const progress: number[] = [];
    const result = await c.callTool(
      { name: 'plan_visit', arguments: { note: 'x' } },
      { onprogress: (p: { progress: number }) => progress.push(p.progress) },
    );
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({
      city: 'Pune',
      link: 'accept',
      client: `eka-${era}-client`,
      asked: true,
    });
    expect(asked).toEqual(['form Which city?', 'url https://example.test/sign-in']);
    // 2025: one run that waits for each answer; 2026-07-28: one run per round (ask, ask, finish).
    expect(runs.count).toBe(era === 'legacy' ? 1 : 3);
    if (era === 'legacy') expect(progress).toContain(1);
  });

  it('offers no elicitation to a client that cannot answer', async () => {
    const runs = { count: 0 };
    const { c, asked } = client(era, false);
    await c.connect(serve(registry(runs)));
    const result = await c.callTool({ name: 'plan_visit', arguments: { note: 'x' } });
    expect(result.structuredContent).toEqual({ link: 'none', asked: false, client: `eka-${era}-client` });
    expect(asked).toEqual([]);
  });
});
