/**
 * Reads `.env`, `.env.development` and `.env.production` (and `.env.<env>` for
 * any environment name) from a folder, the way users of Eka's SDK already
 * keep their settings. Real environment variables always win.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EkaConfigError } from '../errors';

export type EnvMap = Record<string, string | undefined>;

async function readEnvFile(path: string): Promise<EnvMap> {
  let content: Buffer;
  try {
    content = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return {};
    throw new EkaConfigError(
      'invalid_config',
      `Cannot read ${path} (${code ?? (error as Error).message}): make it a readable file or move it aside.`,
      { cause: error },
    );
  }
  // dotenv (and the node:crypto it loads) only when there is a file to read:
  // most launches have none, and start-up stays shorter without it.
  // dotenv is CommonJS: its module.exports is the default export under plain
  // Node and in the bundle alike (the bundle has no named exports for it).
  const { parse } = (await import('dotenv')).default;
  return parse(content);
}

/**
 * Merges the `.env` files in `cwd` under `env`: `.env` first, then
 * `.env.<name>` where the name comes from `envName`, `EKA_ENV` or `.env`'s own
 * `EKA_ENV`; values from `env` override both.
 */
export async function loadEnvFiles(cwd: string, env: EnvMap, envName?: string): Promise<EnvMap> {
  const base = await readEnvFile(join(cwd, '.env'));
  const name = envName ?? env.EKA_ENV ?? base.EKA_ENV;
  const specific = name && /^[a-z0-9-]+$/i.test(name) ? await readEnvFile(join(cwd, `.env.${name}`)) : {};
  const merged: EnvMap = { ...base, ...specific };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}
