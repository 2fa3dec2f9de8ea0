import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliUsageError } from './cli-error';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly (unknown flags and stray arguments are usage errors); adds `--help`. */
export function parseCommandArgs<T extends Options>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as T & { help: { type: 'boolean' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'bad arguments';
    throw new CliUsageError(`${command}: ${message} (see eka-mcp ${command} --help)`);
  }
}
