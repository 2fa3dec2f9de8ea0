import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describeArgsError } from '../../server/config/args-error';
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
    throw new CliUsageError(`${command}: ${describeArgsError(error)} (see eka-mcp ${command} --help)`);
  }
}
