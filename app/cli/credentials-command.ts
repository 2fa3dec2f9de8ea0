import { setClientCredentials, testClientCredentials } from '../core/client-credentials';
import { CliFailure, CliUsageError } from './cli-error';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';
import { readStdin } from './read-stdin';

export const CREDENTIALS_HELP = `Usage: eka-mcp credentials set --client-id ID [--client-secret-stdin] [--api-key-stdin]
       eka-mcp credentials test

Client-credentials mode (for integrators). The client id is saved in the
settings; the client secret and API key go to the OS keychain and are read
from standard input, never from the command line. With both stdin flags, the
first line is the secret and the second the API key.

  set    save the credentials
  test   exchange them at Eka's token endpoint now and report the result

Options:
  --client-id ID           client id issued by Eka
  --client-secret-stdin    read the client secret from stdin
  --api-key-stdin          read the API key from stdin
  -h, --help               show this help`;

/** `eka-mcp credentials set|test`; secrets only through stdin, never printed. */
export async function runCredentialsCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'credentials',
    args,
    {
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
      'api-key-stdin': { type: 'boolean' },
    },
    true,
  );
  if (values.help) {
    ctx.stdout(CREDENTIALS_HELP);
    return 0;
  }
  const [action, ...extra] = positionals;
  if (extra.length > 0) throw new CliUsageError(`credentials: unexpected "${extra.join(' ')}"`);
  if (action === 'set') {
    const clientId = values['client-id'];
    if (!clientId) throw new CliUsageError('credentials set: --client-id ID is required');
    let clientSecret: string | undefined;
    let apiKey: string | undefined;
    if (values['client-secret-stdin'] || values['api-key-stdin']) {
      const wanted = [
        values['client-secret-stdin'] && 'the client secret',
        values['api-key-stdin'] && 'the API key',
      ]
        .filter(Boolean)
        .join(', then ');
      const ttyHint = `Type ${wanted}, each on its own line, then press Ctrl-D (Ctrl-Z then Enter on Windows). To keep it off the screen, pipe it in instead: see eka-mcp credentials --help.`;
      const lines = (await readStdin(process.stdin, { ttyHint })).split(/\r?\n/);
      if (values['client-secret-stdin']) clientSecret = lines.shift() ?? '';
      if (values['api-key-stdin']) apiKey = lines.shift() ?? '';
      if (clientSecret !== undefined && clientSecret.trim() === '') {
        throw new CliUsageError('credentials set: the client secret read from stdin is empty');
      }
      if (apiKey !== undefined && apiKey.trim() === '') {
        throw new CliUsageError('credentials set: the API key read from stdin is empty');
      }
    }
    await setClientCredentials(
      { settings: ctx.settings, secretStore: ctx.secretStore },
      { clientId, clientSecret, apiKey },
    );
    const saved = ['client id', clientSecret && 'client secret', apiKey && 'API key']
      .filter(Boolean)
      .join(', ');
    ctx.stdout(`Saved ${saved} (secrets in the keychain service "${ctx.keychainService}").`);
    return 0;
  }
  if (action === 'test') {
    if (values['client-id'] || values['client-secret-stdin'] || values['api-key-stdin']) {
      throw new CliUsageError('credentials test: takes no options (it uses the saved credentials)');
    }
    const result = await testClientCredentials({ settings: ctx.settings, secretStore: ctx.secretStore });
    if (!result.ok) throw new CliFailure(`Credentials test failed: ${result.message}`);
    ctx.stdout(`Credentials work: Eka at ${result.apiBaseUrl} issued a token for ${result.clientId}.`);
    return 0;
  }
  throw new CliUsageError('credentials: expected "set" or "test" (see eka-mcp credentials --help)');
}
