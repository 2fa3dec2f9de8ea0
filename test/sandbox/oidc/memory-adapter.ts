/** One stored artifact of the OpenID provider. */
interface Entry {
  payload: Record<string, unknown>;
  expiresAt: number | undefined;
}

/**
 * A per-sandbox in-memory storage adapter for oidc-provider, so two
 * sandboxes in one process never share sessions or tokens.
 */
export function createMemoryAdapterClass() {
  const stores = new Map<string, Map<string, Entry>>();
  const grants = new Map<string, Set<string>>();

  const storeOf = (name: string): Map<string, Entry> => {
    let store = stores.get(name);
    if (!store) {
      store = new Map();
      stores.set(name, store);
    }
    return store;
  };
  const live = (entry: Entry | undefined): Entry | undefined => {
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
    return entry;
  };
  const keyOf = (name: string, id: string) => `${name}:${id}`;

  return class MemoryAdapter {
    readonly name: string;

    constructor(name: string) {
      this.name = name;
    }

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number): Promise<void> {
      storeOf(this.name).set(id, {
        payload,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined,
      });
      const grantId = payload.grantId;
      if (typeof grantId === 'string') {
        let keys = grants.get(grantId);
        if (!keys) {
          keys = new Set();
          grants.set(grantId, keys);
        }
        keys.add(keyOf(this.name, id));
      }
    }

    async find(id: string): Promise<Record<string, unknown> | undefined> {
      return live(storeOf(this.name).get(id))?.payload;
    }

    async findByUid(uid: string): Promise<Record<string, unknown> | undefined> {
      for (const entry of storeOf(this.name).values()) {
        if (entry.payload.uid === uid && live(entry)) return entry.payload;
      }
      return undefined;
    }

    async findByUserCode(userCode: string): Promise<Record<string, unknown> | undefined> {
      for (const entry of storeOf(this.name).values()) {
        if (entry.payload.userCode === userCode && live(entry)) return entry.payload;
      }
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const entry = storeOf(this.name).get(id);
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      storeOf(this.name).delete(id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const key of grants.get(grantId) ?? []) {
        const split = key.indexOf(':');
        stores.get(key.slice(0, split))?.delete(key.slice(split + 1));
      }
      grants.delete(grantId);
    }
  };
}
