/** Reads all of standard input as text (for secrets piped in, never passed as arguments). */
export async function readStdin(
  stream: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
  options: { ttyHint?: string; writeHint?: (text: string) => void } = {},
): Promise<string> {
  // At a terminal nothing is piped in: say what to type and how to finish,
  // rather than wait silently for an end of input.
  if (stream.isTTY && options.ttyHint) {
    (options.writeHint ?? ((text) => process.stderr.write(text)))(`${options.ttyHint}\n`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
