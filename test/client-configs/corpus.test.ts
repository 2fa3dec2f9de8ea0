import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CLIENTS,
  ClientConfigError,
  clientStatus,
  connectClient,
  disconnectClient,
  expectedEntry,
  listBackups,
} from '../../app/core/client-configs';
import { CLIENT_IDS, type ClientId, ENTRY_NAME } from '../../app/core/client-configs/types';
import { changedRegion, FILE_NAMES, FIXTURES, parseLoose, tempDir, testContext } from './helpers';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setUp(client: ClientId, fixture?: string) {
  const { dir, cleanup } = await tempDir();
  cleanups.push(cleanup);
  const path = join(dir, 'config folder', FILE_NAMES[client]);
  if (fixture) {
    await mkdir(join(dir, 'config folder'));
    await copyFile(join(FIXTURES, client, fixture), path);
  }
  return { dir, path, ctx: testContext(dir) };
}

const COMMENT = /\/\/[^\n]*|\/\*[\s\S]*?\*\//g;

/** Asserts that `after` differs from `before` only where our entry goes. */
function expectConfinedChange(client: ClientId, before: string, after: string, foreign: boolean): void {
  const { start, removed, added } = changedRegion(before, after);
  expect(added).toContain('eka-mcp-server.mjs');
  if (foreign) {
    // Only the old entry's value is rewritten.
    const bom = before.startsWith('\uFEFF') ? 1 : 0;
    const root = parseTree(before.slice(bom), [], { allowTrailingComma: true });
    const node = root && findNodeAtLocation(root, [CLIENTS[client].sectionKey, ENTRY_NAME]);
    expect(node).toBeDefined();
    expect(start).toBeGreaterThanOrEqual((node?.offset ?? 0) + bom);
    expect(start + removed.length).toBeLessThanOrEqual((node?.offset ?? 0) + (node?.length ?? 0) + bom);
    return;
  }
  // An insertion: nothing of the original goes but whitespace and commas, and comments only move intact.
  expect(removed.replace(COMMENT, '').replace(/[\s,]/g, '')).toBe('');
  for (const comment of removed.match(COMMENT) ?? []) expect(added).toContain(comment);
}

for (const client of CLIENT_IDS) {
  const definition = CLIENTS[client];
  const fixtures = await readdir(join(FIXTURES, client));

  describe(`${definition.label} config corpus`, () => {
    for (const fixture of fixtures.filter((name) => !name.startsWith('invalid-'))) {
      const foreign = fixture.startsWith('foreign-');

      it(`${fixture}: connect keeps everything else, backs up, is idempotent; disconnect restores it`, async () => {
        const { path, ctx } = await setUp(client, fixture);
        const original = await readFile(path);
        const originalText = original.toString('utf8');
        const entry = expectedEntry(client, ctx);

        const first = await connectClient(client, ctx, { configPath: path });
        expect(first.changed).toBe(true);
        expect(first.restartHint).toBe(definition.restartHint);
        expect(first.files[0]?.replacedForeign).toBe(foreign);
        const connected = await readFile(path, 'utf8');

        const expected = structuredClone(parseLoose(originalText));
        const section = (expected[definition.sectionKey] ?? {}) as Record<string, unknown>;
        expected[definition.sectionKey] = { ...section, [ENTRY_NAME]: entry };
        expect(parseLoose(connected)).toEqual(expected);
        if (!definition.jsonc) expect(() => JSON.parse(connected.replace(/^\uFEFF/, ''))).not.toThrow();
        if (originalText.trim() !== '') expectConfinedChange(client, originalText, connected, foreign);
        expect(connected.startsWith('\uFEFF')).toBe(originalText.startsWith('\uFEFF'));
        if (originalText.includes('\r\n')) expect(connected.replaceAll('\r\n', '')).not.toContain('\n');

        const backups = await listBackups(path);
        expect(backups).toHaveLength(1);
        expect(first.files[0]?.backupPath).toBe(backups[0]);
        expect(await readFile(backups[0] as string)).toEqual(original);
        expect((await clientStatus(client, ctx, { configPath: path })).state).toBe('connected');

        const second = await connectClient(client, ctx, { configPath: path });
        expect(second.changed).toBe(false);
        expect(second.restartHint).toBeUndefined();
        expect(await readFile(path, 'utf8')).toBe(connected);
        expect(await listBackups(path)).toHaveLength(1);

        const third = await disconnectClient(client, ctx, { configPath: path });
        expect(third.changed).toBe(true);
        expect(await listBackups(path)).toHaveLength(2);
        const disconnected = await readFile(path);
        if (foreign) {
          const withoutEntry = structuredClone(parseLoose(originalText));
          delete (withoutEntry[definition.sectionKey] as Record<string, unknown>)[ENTRY_NAME];
          expect(parseLoose(disconnected.toString('utf8'))).toEqual(withoutEntry);
        } else {
          expect(disconnected).toEqual(original);
        }
        expect((await clientStatus(client, ctx, { configPath: path })).state).toBe('not-connected');
        const again = await disconnectClient(client, ctx, { configPath: path });
        expect(again.changed).toBe(false);
      });

      it(`${fixture}: disconnect after the user edited the file removes only our entry`, async () => {
        const { path, ctx } = await setUp(client, fixture);
        const originalText = await readFile(path, 'utf8');
        await connectClient(client, ctx, { configPath: path });
        const connected = await readFile(path, 'utf8');
        // The user (or the client) adds a key of its own after we connected.
        const edited = connected.replace(/([\s,]*)\}(\s*)$/, (_m, gap: string, tail: string) =>
          connected.trimEnd().endsWith('{}')
            ? `"userKey": 1}${tail}`
            : `${gap.replace(',', '')},"userKey": 1}${tail}`,
        );
        expect(parseLoose(edited).userKey).toBe(1);
        await writeFile(path, edited);

        await disconnectClient(client, ctx, { configPath: path });
        const expected = structuredClone(parseLoose(originalText));
        const section = (expected[definition.sectionKey] ?? {}) as Record<string, unknown>;
        delete section[ENTRY_NAME];
        expected[definition.sectionKey] = section;
        expected.userKey = 1;
        expect(parseLoose(await readFile(path, 'utf8'))).toEqual(expected);
        const final = await readFile(path, 'utf8');
        if (!definition.jsonc) expect(() => JSON.parse(final.replace(/^\uFEFF/, ''))).not.toThrow();
      });
    }

    for (const fixture of fixtures.filter((name) => name.startsWith('invalid-'))) {
      it(`${fixture}: refused with where it breaks, file untouched, no backup`, async () => {
        const { path, ctx } = await setUp(client, fixture);
        const original = await readFile(path);
        const code = fixture.startsWith('invalid-shape') ? 'unexpected-shape' : 'unparseable';

        const error = await connectClient(client, ctx, { configPath: path }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ClientConfigError);
        expect((error as ClientConfigError).code).toBe(code);
        expect((error as Error).message).toContain(path);
        expect((error as Error).message).toContain('Nothing was changed');
        if (code === 'unparseable') expect((error as Error).message).toMatch(/line \d+:\d+/);

        const disconnectError = await disconnectClient(client, ctx, { configPath: path }).catch(
          (e: unknown) => e,
        );
        expect((disconnectError as ClientConfigError).code).toBe(code);

        expect(await readFile(path)).toEqual(original);
        expect(await listBackups(path)).toEqual([]);
        const status = await clientStatus(client, ctx, { configPath: path });
        expect(status.state).toBe('unreadable');
        expect(status.detail).toContain(path);
      });
    }

    it('missing file and folder: connect creates them; disconnect removes the file again', async () => {
      const { path, ctx } = await setUp(client);
      const first = await connectClient(client, ctx, { configPath: path });
      expect(first.files[0]).toMatchObject({ changed: true, created: true, backupPath: undefined });
      const text = await readFile(path, 'utf8');
      expect(JSON.parse(text)).toEqual({
        [definition.sectionKey]: { [ENTRY_NAME]: expectedEntry(client, ctx) },
      });
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await connectClient(client, ctx, { configPath: path })).changed).toBe(false);

      const off = await disconnectClient(client, ctx, { configPath: path });
      expect(off.changed).toBe(true);
      await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
      // What was removed is still in the backup.
      const backups = await listBackups(path);
      expect(backups).toHaveLength(1);
      expect(await readFile(backups[0] as string, 'utf8')).toBe(text);
    });
  });
}
