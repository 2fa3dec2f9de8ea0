import { z } from 'zod';
import { DesktopError } from './errors';
import type { SecretStore } from './secret-store';

/** Keychain account holding the OIDC session (one JSON value). */
export const SESSION_ACCOUNT = 'oidc-session';

/**
 * How the session's tokens reach the Eka API:
 * - `exchange`: the provider's ID token was exchanged at Eka's OIDC token API
 *   (`/connect-auth/v1/oidc-client/{client_id}/verify`); the access and refresh
 *   tokens are Eka API tokens, renewed at `/oidc-client/{client_id}/refresh`
 *   on `apiBaseUrl`;
 * - `direct`: the provider's own access token is sent to the API as it is and
 *   renewed with the provider's refresh token.
 * Sessions stored before this field existed were `direct`.
 */
export const tokenUseSchema = z.enum(['exchange', 'direct']);
export type TokenUse = z.infer<typeof tokenUseSchema>;

const signedInSchema = z.object({
  state: z.literal('signed-in'),
  tokenUse: tokenUseSchema.default('direct'),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  idToken: z.string().min(1).optional(),
  /** Access-token expiry, epoch milliseconds. */
  expiresAt: z.number(),
  /** Refresh-token expiry, epoch milliseconds, when Eka said (`refresh_token_expires_in`). */
  refreshExpiresAt: z.number().optional(),
  /** The Eka API that issued `exchange` tokens (where they are renewed). */
  apiBaseUrl: z.string().url().optional(),
  /** The clinician's subject at the provider (from the ID token). */
  subject: z.string().optional(),
  issuer: z.string().url(),
  clientId: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  signedInAt: z.number(),
  lastRefreshAt: z.number().optional(),
  lastError: z.string().optional(),
});

const signedOutSchema = z.object({
  state: z.literal('signed-out'),
  /** Why the session ended, shown to the clinician. */
  reason: z.string(),
  at: z.number(),
  issuer: z.string().optional(),
  clientId: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
});

export const sessionRecordSchema = z.discriminatedUnion('state', [signedInSchema, signedOutSchema]);

/** A signed-in Eka session as kept in the keychain. */
export type Session = z.infer<typeof signedInSchema>;
/** A session as written (tokenUse may be left to its default). */
export type SessionInput = z.input<typeof signedInSchema>;
/** What remains after the provider ended the session: the reason, no token. */
export type SignedOutRecord = z.infer<typeof signedOutSchema>;
export type SessionRecord = z.infer<typeof sessionRecordSchema>;
export type SessionRecordInput = z.input<typeof sessionRecordSchema>;

/**
 * Whether this process is a packaged release of the app: the packaged
 * Electron app itself, a script run from its `app.asar` (the server Claude
 * starts), or NODE_ENV=production.
 */
export function isProductionBuild(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NODE_ENV === 'production') return true;
  if (/\.asar([\\/]|\.unpacked)/.test(process.argv[1] ?? '')) return true;
  const electron = process as NodeJS.Process & { defaultApp?: boolean };
  return Boolean(process.versions.electron) && !electron.defaultApp && env.ELECTRON_RUN_AS_NODE !== '1';
}

/** The keychain service name: `EKA_MCP_KEYCHAIN_SERVICE`, else `Eka MCP` in release builds and `Eka MCP Dev` otherwise. */
export function keychainServiceName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EKA_MCP_KEYCHAIN_SERVICE) return env.EKA_MCP_KEYCHAIN_SERVICE;
  return isProductionBuild(env) ? 'Eka MCP' : 'Eka MCP Dev';
}

/** Reads the session record from the keychain; `null` when there has never been one. */
export async function readSessionRecord(store: SecretStore): Promise<SessionRecord | null> {
  const text = await store.get(SESSION_ACCOUNT);
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DesktopError('session-corrupt', 'The Eka session in the keychain is damaged: sign in again', {
      cause,
    });
  }
  const parsed = sessionRecordSchema.safeParse(json);
  if (!parsed.success) {
    throw new DesktopError('session-corrupt', 'The Eka session in the keychain is damaged: sign in again');
  }
  const record = parsed.data;
  if (record.state === 'signed-in' && record.tokenUse === 'exchange' && !record.apiBaseUrl) {
    throw new DesktopError('session-corrupt', 'The Eka session in the keychain is damaged: sign in again');
  }
  return record;
}

/** Reads the signed-in session, or `null` when signed out or never signed in. */
export async function readSession(store: SecretStore): Promise<Session | null> {
  const record = await readSessionRecord(store);
  return record?.state === 'signed-in' ? record : null;
}

/** Stores a session record in the keychain (replacing the previous one). */
export async function writeSessionRecord(store: SecretStore, record: SessionRecordInput): Promise<void> {
  await store.set(SESSION_ACCOUNT, JSON.stringify(sessionRecordSchema.parse(record)));
}

/** Removes the session record from the keychain. */
export async function deleteSessionRecord(store: SecretStore): Promise<void> {
  await store.delete(SESSION_ACCOUNT);
}
