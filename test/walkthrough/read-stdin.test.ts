import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readStdin } from '../../app/cli/read-stdin';

describe('readStdin', () => {
  it('at a terminal says what to type and how to finish before waiting', async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true });
    const hints: string[] = [];
    const reading = readStdin(stream, { ttyHint: 'Type the client secret', writeHint: (t) => hints.push(t) });
    expect(hints).toEqual(['Type the client secret\n']);
    stream.end('s3cret\n');
    expect(await reading).toBe('s3cret\n');
  });

  it('stays silent when input is piped in', async () => {
    const stream = new PassThrough();
    const hints: string[] = [];
    const reading = readStdin(stream, { ttyHint: 'Type the client secret', writeHint: (t) => hints.push(t) });
    stream.end('s3cret\n');
    expect(await reading).toBe('s3cret\n');
    expect(hints).toEqual([]);
  });
});
