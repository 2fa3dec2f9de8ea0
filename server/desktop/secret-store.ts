import { randomUUID } from 'node:crypto';
import { DesktopError } from './errors';

/** A small key-value store for secrets: the OS keychain in the product. */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  delete(account: string): Promise<boolean>;
}

interface KeytarModule {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** A probe account of its own per check, so concurrent processes never read each other's probe. */
const probeAccount = (): string => `keychain-probe-${randomUUID()}`;

const UNAVAILABLE_MESSAGE =
  process.platform === 'linux'
    ? 'No usable keychain: Eka MCP keeps your sign-in only in the Secret Service (GNOME Keyring or KWallet) and none is running and unlocked in this session'
    : 'No usable keychain: Eka MCP keeps your sign-in only in the OS keychain and it could not be reached';

async function loadKeytar(): Promise<KeytarModule> {
  try {
    const mod = (await import('keytar')) as unknown as KeytarModule & { default?: KeytarModule };
    // keytar is CommonJS: its functions live on the default export (the namespace lists only some).
    return mod.default && typeof mod.default.setPassword === 'function' ? mod.default : mod;
  } catch (cause) {
    throw new DesktopError(
      'keychain-unavailable',
      `${UNAVAILABLE_MESSAGE} (the keychain module did not load)`,
      {
        cause,
      },
    );
  }
}

function keychainFailure(action: string, cause: unknown): DesktopError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new DesktopError('keychain-unavailable', `${UNAVAILABLE_MESSAGE} (${action}: ${detail})`, { cause });
}

/**
 * The OS keychain through keytar, under one service name.
 *
 * keytar is loaded on first use. The first operation writes and reads back a
 * probe entry: a missing Secret Service or a locked keyring (which can answer
 * `null` silently) is refused with a `keychain-unavailable` error; there is no
 * file fallback.
 */
export function createKeytarSecretStore(service: string): SecretStore {
  let ready: Promise<KeytarModule> | undefined;

  const open = (): Promise<KeytarModule> => {
    ready ??= (async () => {
      const keytar = await loadKeytar();
      const probe = randomUUID();
      const account = probeAccount();
      try {
        await keytar.setPassword(service, account, probe);
        const back = await keytar.getPassword(service, account);
        if (back !== probe) {
          throw new Error('the keychain did not return what was written (is it locked?)');
        }
        await keytar.deletePassword(service, account);
      } catch (cause) {
        throw keychainFailure('probe', cause);
      }
      return keytar;
    })();
    ready.catch(() => {
      ready = undefined;
    });
    return ready;
  };

  return {
    async get(account) {
      const keytar = await open();
      try {
        return await keytar.getPassword(service, account);
      } catch (cause) {
        throw keychainFailure('read', cause);
      }
    },
    async set(account, value) {
      const keytar = await open();
      try {
        await keytar.setPassword(service, account, value);
      } catch (cause) {
        throw keychainFailure('write', cause);
      }
      const back = await keytar.getPassword(service, account).catch(() => null);
      if (back !== value) {
        throw new DesktopError(
          'keychain-failed',
          'The keychain did not keep what Eka MCP stored (is it locked?)',
        );
      }
    },
    async delete(account) {
      const keytar = await open();
      try {
        return await keytar.deletePassword(service, account);
      } catch (cause) {
        throw keychainFailure('delete', cause);
      }
    },
  };
}

/** Checks that `store` works (write, read back, delete a probe); throws `keychain-unavailable` if not. */
export async function assertKeychainAvailable(store: SecretStore): Promise<void> {
  const probe = randomUUID();
  const account = probeAccount();
  await store.set(account, probe);
  const back = await store.get(account);
  await store.delete(account);
  if (back !== probe) {
    throw new DesktopError('keychain-unavailable', UNAVAILABLE_MESSAGE);
  }
}
