import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertKeychainAvailable } from '../../server/desktop/secret-store';
import { resolveEndpoints, type Settings } from '../../server/desktop/settings';
import { loginScopes } from '../core/login';
import { CliFailure } from './cli-error';
import type { CliContext } from './context';
import { parseCommandArgs } from './parse';

export const DOCTOR_HELP = `Usage: eka-mcp doctor

Check what Eka MCP needs: the settings file, the OS keychain, the bundled
server, the Eka API and, in oidc mode, the Eka sign-in service for the chosen
environment. One ok/FAIL line each; exit 1 when one fails.

Options:
  -h, --help   show this help`;

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** Where the server bundle sits beside this CLI (dist/cli -> dist/server) or in a source checkout. */
export function serverBundleCandidates(): string[] {
  return [
    fileURLToPath(new URL('../server/eka-mcp-server.mjs', import.meta.url)),
    fileURLToPath(new URL('../../dist/server/eka-mcp-server.mjs', import.meta.url)),
  ];
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The sign-in service: discovery at `{issuer}/.well-known/openid-configuration`
 * (the issuer may have a path, as Eka's `/oauth2`) naming that same issuer,
 * with the scopes sign-in will ask for and the token use.
 */
async function checkIssuer(settings: Settings): Promise<Check> {
  const { issuer, tokenUse } = resolveEndpoints(settings);
  const discovery = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(discovery, { signal: AbortSignal.timeout(5000) });
  } catch (error) {
    return { name: 'issuer', ok: false, detail: `${issuer} is not reachable (${message(error)})` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { name: 'issuer', ok: false, detail: `${discovery} answered ${response.status}` };
  }
  let doc: { issuer?: unknown; scopes_supported?: unknown };
  try {
    doc = (await response.json()) as typeof doc;
  } catch {
    return { name: 'issuer', ok: false, detail: `${discovery} is not an OpenID discovery document` };
  }
  if (typeof doc?.issuer !== 'string' || doc.issuer.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    return {
      name: 'issuer',
      ok: false,
      detail: `${discovery} names the issuer ${String(doc?.issuer).slice(0, 200)}, not ${issuer}: check the issuer URL (with its path)`,
    };
  }
  const supported = Array.isArray(doc.scopes_supported)
    ? doc.scopes_supported.filter((scope): scope is string => typeof scope === 'string')
    : undefined;
  return {
    name: 'issuer',
    ok: true,
    detail: `${issuer} answers (sign-in asks for "${loginScopes(supported, tokenUse)}"; token use ${tokenUse})`,
  };
}

/** `eka-mcp doctor`: one line per check on stdout; exit 1 when any fails. */
export async function runDoctorCommand(args: string[], ctx: CliContext): Promise<number> {
  const { values } = parseCommandArgs('doctor', args, {});
  if (values.help) {
    ctx.stdout(DOCTOR_HELP);
    return 0;
  }
  const checks: Check[] = [];
  let settings: Settings | undefined;
  try {
    settings = await ctx.settings.read();
    checks.push({
      name: 'settings',
      ok: true,
      detail: existsSync(ctx.settings.location)
        ? ctx.settings.location
        : `${ctx.settings.location} not created yet (defaults)`,
    });
  } catch (error) {
    checks.push({ name: 'settings', ok: false, detail: message(error) });
  }
  try {
    await assertKeychainAvailable(ctx.secretStore);
    checks.push({ name: 'keychain', ok: true, detail: `service "${ctx.keychainService}"` });
  } catch (error) {
    checks.push({ name: 'keychain', ok: false, detail: message(error) });
  }
  const bundle = serverBundleCandidates().find((path) => existsSync(path));
  checks.push(
    bundle
      ? { name: 'server', ok: true, detail: bundle }
      : { name: 'server', ok: false, detail: 'the server bundle is missing: run npm run build' },
  );
  if (settings) {
    const { apiBaseUrl } = resolveEndpoints(settings);
    // Any HTTP answer means the API is reachable; only the network can fail this.
    try {
      const response = await fetch(apiBaseUrl, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      checks.push({ name: 'api', ok: true, detail: `${apiBaseUrl} answers` });
    } catch (error) {
      checks.push({ name: 'api', ok: false, detail: `${apiBaseUrl} is not reachable (${message(error)})` });
    }
  }
  // The sign-in service matters only when signing in with an Eka account.
  if (settings && settings.mode === 'oidc') {
    checks.push(await checkIssuer(settings));
  }
  for (const check of checks) ctx.stdout(`${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
  const failed = checks.filter((check) => !check.ok);
  if (failed.length > 0) {
    throw new CliFailure(`doctor: ${failed.map((check) => check.name).join(', ')} failed`);
  }
  return 0;
}
