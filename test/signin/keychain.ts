import keytar from 'keytar';
import { SESSION_ACCOUNT } from '../../server/desktop/session';

/** Reads the raw session JSON a service holds in the real keychain (tests only). */
export function readRawSession(service: string): Promise<string | null> {
  return keytar.getPassword(service, SESSION_ACCOUNT);
}

/** Removes every entry of a test's keychain service. */
export async function clearService(service: string): Promise<void> {
  const entries = await keytar.findCredentials(service);
  await Promise.all(entries.map((entry) => keytar.deletePassword(service, entry.account)));
}
