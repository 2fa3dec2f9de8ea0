export { CLIENTS, type ClientDefinition, configLocations, currentOsFacts, parseClientId } from './clients';
export { BACKUP_MARKER, BACKUPS_KEPT, listBackups } from './config-file';
export {
  type ConnectionContext,
  clientStatus,
  connectClient,
  disconnectClient,
  expectedEntry,
  listClientStatuses,
  repairConnections,
  type TargetOptions,
} from './connections';
export { buildEntry, entryForClient } from './entry';
export { entrySettingsFrom } from './entry-settings';
export { ClientConfigError, type ClientConfigErrorCode } from './errors';
export { currentInstall, serverBundleNear, unpackedPath } from './install';
export * from './types';
