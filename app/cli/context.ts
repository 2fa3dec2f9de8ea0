import { createKeytarSecretStore, type SecretStore } from '../../server/desktop/secret-store';
import { keychainServiceName } from '../../server/desktop/session';
import { createFileSettingsStore, type SettingsStore, settingsDir } from '../../server/desktop/settings';

/** The OS pieces every command uses, created on demand (the keychain is opened only when a command needs it). */
export interface CliContext {
  settings: SettingsStore;
  /** The settings folder, also home of the refresh lock. */
  home: string;
  keychainService: string;
  secretStore: SecretStore;
  stdout: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** Builds the context from the environment (`EKA_MCP_HOME`, `EKA_MCP_KEYCHAIN_SERVICE`). */
export function createCliContext(env: NodeJS.ProcessEnv = process.env): CliContext {
  const home = settingsDir(env);
  const keychainService = keychainServiceName(env);
  return {
    settings: createFileSettingsStore(home),
    home,
    keychainService,
    secretStore: createKeytarSecretStore(keychainService),
    stdout: (line) => process.stdout.write(`${line}\n`),
    env,
  };
}
