/**
 * One clear line for a `node:util` parseArgs error. Node's own text for a
 * flag followed by a value that starts with "-" (`--timeout -5`) spans three
 * lines and calls the argument "ambiguous"; say what to do instead.
 */
export function describeArgsError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(message);
  if (ambiguous) {
    const flag = ambiguous[1] as string;
    return `Option '${flag}' needs a value (for a value that starts with "-", write ${flag}=VALUE)`;
  }
  return (message.split('\n')[0] ?? 'bad arguments').replace(/\.$/, '');
}
