/**
 * The server answers tools/list from server/tools/tool-manifest.json (so
 * start-up builds no schemas). It must equal what the tools' zod configs
 * produce; when it does not, regenerate it with
 * `npx tsx server/tools/write-tool-manifest.ts`.
 */
import { describe, expect, it } from 'vitest';
import { toolManifest } from '../../server/tools/tool-manifest';
import manifest from '../../server/tools/tool-manifest.json' with { type: 'json' };

describe('tool manifest', () => {
  it('matches the zod configs of every tool (regenerate: npx tsx server/tools/write-tool-manifest.ts)', () => {
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(JSON.parse(JSON.stringify(toolManifest())));
  });
});
