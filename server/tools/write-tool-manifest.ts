/**
 * Regenerates server/tools/tool-manifest.json, the `tools/list` answer, from
 * the tools' zod configs, formatted the way `npm run lint` expects. Run after
 * changing a tool's title, description, schema or annotations:
 * `npx tsx server/tools/write-tool-manifest.ts`
 * (test/server/tool-manifest.test.ts fails while the manifest is stale).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toolManifest } from './tool-manifest';

const path = join(import.meta.dirname, 'tool-manifest.json');
writeFileSync(path, `${JSON.stringify(toolManifest(), null, 2)}\n`);
const biome = join(import.meta.dirname, '../../node_modules/.bin/biome');
execFileSync(biome, ['format', '--write', path], { stdio: 'ignore' });
process.stderr.write(`wrote ${path}\n`);
