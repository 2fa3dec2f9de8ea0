/**
 * The honest health check: after the server answers `tools/list`, one cheap
 * authenticated read through it (`get_business_entities`, the same token
 * source Claude's copy uses), turned into one of Ready, Signed out, Eka
 * refused the credentials, Eka unreachable or Open mode, with what to do.
 */
import type { CallToolResult, Client } from '@modelcontextprotocol/client';
import { ERROR_CODE_META } from '../../server/activity/meta';
import type { HealthVerdict, Mode, ServerHealth } from '../ipc/contract';
import type { HealthProbe } from './supervisor';

type Verdict = Pick<ServerHealth, 'verdict' | 'headline' | 'advice'>;

/** Cheap reads that need a token, in the order tried (the first one the clinic allows). */
const PROBE_TOOLS = ['get_business_entities', 'show_appointments_basic', 'list_patients'];

const WORDS: Record<Exclude<HealthVerdict, 'checking' | 'problem'>, (mode: Mode) => Verdict> = {
  ready: () => ({
    verdict: 'ready',
    headline: 'Ready',
    advice: 'Eka answered a test request. Your assistants can use Eka now.',
  }),
  'signed-out': () => ({
    verdict: 'signed-out',
    headline: 'Signed out',
    advice: 'Sign in with your Eka account so assistants can reach your practice.',
  }),
  refused: (mode) => ({
    verdict: 'refused',
    headline: 'Eka refused the credentials',
    advice:
      mode === 'client-credentials'
        ? 'Check the client id, client secret and API key in Settings, test them, then save.'
        : 'Sign out and sign in again. If it keeps happening, ask your Eka administrator about your account.',
  }),
  unreachable: () => ({
    verdict: 'unreachable',
    headline: 'Eka unreachable',
    advice: 'Check this computer’s internet connection, then press Check now.',
  }),
  open: () => ({
    verdict: 'open',
    headline: 'Open mode: calls carry no token',
    advice: 'Eka will refuse most requests. Choose Eka account or client credentials in Settings.',
  }),
  'not-running': () => ({
    verdict: 'not-running',
    headline: 'The Eka MCP server does not start',
    advice: 'Open Logs to see why, then press Check now.',
  }),
};

/** The verdict for an error code a tool reported. */
export function verdictForCode(code: string | undefined, mode: Mode): Verdict {
  switch (code) {
    case 'session_expired':
    case 'signed_out':
    case 'auth_required':
      return WORDS['signed-out'](mode);
    case 'invalid_credentials':
    case 'token_rejected':
    case 'forbidden':
      return WORDS.refused(mode);
    case 'network_error':
    case 'timeout':
    case 'upstream_unavailable':
      return WORDS.unreachable(mode);
    default:
      return {
        verdict: 'problem',
        headline: 'Eka answered with an error',
        advice: 'Press Check now in a minute. If it stays, open Logs and send them to support.',
      };
  }
}

/** The probe for the current mode and sign-in (read before every check). */
export function createHealthProbe(current: () => Promise<{ mode: Mode; signedIn: boolean }>): HealthProbe {
  return async (client: Client, tools: string[]) => {
    const { mode, signedIn } = await current();
    if (mode === 'open') return WORDS.open(mode);
    // Signed out: say so without a call that would ask the server to start a sign-in.
    if (mode === 'oidc' && !signedIn) return WORDS['signed-out'](mode);
    const tool = PROBE_TOOLS.find((name) => tools.includes(name));
    if (!tool) {
      return {
        verdict: 'ready',
        headline: 'Running (not checked with Eka)',
        advice: 'Every reading tool is switched off, so no test request could be made.',
      };
    }
    const result = (await client.callTool(
      { name: tool, arguments: {} },
      { timeout: 30_000 },
    )) as CallToolResult;
    if (!result.isError) return WORDS.ready(mode);
    const code = (result._meta as Record<string, unknown> | undefined)?.[ERROR_CODE_META];
    return verdictForCode(typeof code === 'string' ? code : undefined, mode);
  };
}
