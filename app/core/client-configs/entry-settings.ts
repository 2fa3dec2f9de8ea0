import { keychainServiceName } from '../../../server/desktop/session';
import { type Settings, settingsDir } from '../../../server/desktop/settings';
import type { EntrySettings } from './types';

/**
 * The entry settings for the saved settings: mode, environment and API URL,
 * plus `EKA_MCP_HOME` and `EKA_MCP_KEYCHAIN_SERVICE` only when they are set to
 * something other than what the server would use by default.
 */
export function entrySettingsFrom(
  settings: Pick<Settings, 'mode' | 'environment' | 'apiBaseUrl'>,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): EntrySettings {
  const out: EntrySettings = { mode: settings.mode, environment: settings.environment };
  if (settings.apiBaseUrl) out.apiBaseUrl = settings.apiBaseUrl;
  const home = env.EKA_MCP_HOME;
  if (home && home !== settingsDir({ ...env, EKA_MCP_HOME: undefined }, platform)) out.home = home;
  const service = env.EKA_MCP_KEYCHAIN_SERVICE;
  if (service && service !== keychainServiceName({ ...env, EKA_MCP_KEYCHAIN_SERVICE: undefined })) {
    out.keychainService = service;
  }
  return out;
}
