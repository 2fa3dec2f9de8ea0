/** Calls `probe` until it returns a value (not undefined), pausing `intervalMs` between tries; undefined after `attempts` tries. */
export async function poll<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  { attempts = 300, intervalMs = 100 }: { attempts?: number; intervalMs?: number } = {},
): Promise<T | undefined> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    if (attempt < attempts - 1) await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return undefined;
}
