/** The log file stays private even when it, or its folder, existed before with wider permissions. */
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logging';

describe.skipIf(process.platform === 'win32')('log file permissions', () => {
  it('narrows an existing world-readable log file to 0600 and keeps its lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eka-log-perm-'));
    const file = join(dir, 'server.log');
    writeFileSync(file, 'earlier line\n', { mode: 0o644 });
    chmodSync(file, 0o644);
    const logger = createLogger({ level: 'info', file, stream: new PassThrough() });
    logger.info('started');
    await logger.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('earlier line');
    expect(text).toContain('started');
  });

  it('creates a missing log folder private to the user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eka-log-perm-'));
    const file = join(dir, 'logs', 'nested', 'server.log');
    const logger = createLogger({ level: 'info', file, stream: new PassThrough() });
    logger.info('started');
    await logger.close();
    expect(statSync(join(dir, 'logs', 'nested')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('warns on stderr and keeps logging when the log file cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eka-log-perm-'));
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, '');
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const logger = createLogger({ level: 'info', file: join(blocker, 'server.log'), stream });
    logger.info('still running');
    await logger.close();
    expect(written).toContain('cannot write the log file');
    expect(written).toContain('still running');
  });
});
