/**
 * ABHA tools (Ayushman Bharat Health Account, India's health id): log a
 * patient in to their ABHA with a one-time password sent to their mobile,
 * pick one of their ABHA addresses when they have several, and return the
 * ABHA card as an image once the login is complete.
 */
import type { CallToolResult } from '@modelcontextprotocol/server';
import { z } from 'zod/v4';
import { type AbhaLoginReply, abhaCard, abhaLoginInit, abhaLoginPhr, abhaLoginVerify } from '../eka/api/abha';
import type { CallScope } from '../eka/token-source';
import { EkaApiError } from '../errors';
import { mobileField } from './fields';
import { compact, runTool, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const txnField = (from: string) =>
  z
    .string()
    .trim()
    .min(1, `txn_id is required: use the txn_id that ${from} returned.`)
    .max(200, `txn_id is too long: use the txn_id that ${from} returned.`)
    .describe(`Transaction id returned by ${from} (each step returns a new one).`);

const profileSchema = () =>
  z.object({
    abha_address: z.string().describe('ABHA address, e.g. name@abdm.'),
    name: z.string().optional(),
    kyc_verified: z.boolean().optional(),
  });

const loginOutput = () => ({
  status: z.string().describe('abha_end (logged in), abha_select (choose an address) or abha_create.'),
  txn_id: z.string().optional().describe('The transaction id for the next step.'),
  profiles: z.array(profileSchema()),
  abha_address: z.string().optional(),
  abha_number: z.string().optional(),
  name: z.string().optional(),
  patient_id: z.string().optional().describe('The linked Eka user id (oid), when the login completed.'),
  card: z
    .enum(['attached', 'unavailable'])
    .optional()
    .describe('Whether the ABHA card image is attached to this result.'),
});

/** Maps a login reply (verify or phr) to the tools' fields, in one place. */
function toLogin(reply: AbhaLoginReply) {
  const profiles = (reply.abha_profiles ?? []).map((p) =>
    compact({
      abha_address: p.abha_address,
      name: p.name,
      kyc_verified:
        typeof p.kyc_verified === 'boolean'
          ? p.kyc_verified
          : p.kyc_verified === undefined
            ? undefined
            : p.kyc_verified === 'true',
    }),
  );
  const profile = reply.profile;
  const name =
    profile?.full_name || [profile?.first_name, profile?.last_name].filter(Boolean).join(' ') || undefined;
  return compact({
    status: reply.skip_state ?? 'unknown',
    txn_id: reply.txn_id,
    profiles,
    abha_address: profile?.abha_address,
    abha_number: profile?.abha_number ?? undefined,
    name,
    patient_id: reply.eka?.oid ?? undefined,
  });
}

/** The text of a completed ABHA login: the address, the patient's name and ABHA number, the linked Eka id. */
function loginDone(login: ReturnType<typeof toLogin>, address: string | undefined): string {
  return `ABHA login complete${address ? ` as ${address}` : ''}${login.name ? ` for ${login.name}` : ''}${login.abha_number ? `, ABHA number ${login.abha_number}` : ''}${login.patient_id ? `; linked Eka patient_id ${login.patient_id}` : ''}.`;
}

/** Registers abha_send_otp, abha_verify_otp and abha_select_profile. */
export function registerAbhaTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;

  /** The login result, with the ABHA card as a PNG image block when the login is complete. */
  async function finish(login: ReturnType<typeof toLogin>, text: string, scope: CallScope) {
    if (login.status !== 'abha_end' || !login.patient_id) return toolResult(login, text);
    let png: Uint8Array | undefined;
    try {
      png = await client.call(abhaCard, {
        query: { oid: login.patient_id },
        headers: { 'x-pt-id': login.patient_id },
        scope,
      });
    } catch (error) {
      deps.logger.warn('ABHA card not fetched', { error });
    }
    if (!png) {
      return toolResult({ ...login, card: 'unavailable' }, `${text} The ABHA card could not be fetched.`);
    }
    const result: CallToolResult = toolResult(
      { ...login, card: 'attached' },
      `${text} The ABHA card is attached.`,
    );
    result.content.push({ type: 'image', data: Buffer.from(png).toString('base64'), mimeType: 'image/png' });
    return result;
  }

  tools.define(
    'abha_send_otp',
    () => ({
      title: 'Send ABHA login OTP',
      description:
        "Start an ABHA login for a patient: ABDM sends a one-time password (OTP) by SMS to the patient's mobile number. Ask the patient for the OTP, then call abha_verify_otp with it and the txn_id returned here. Each call sends a new SMS.",
      inputSchema: {
        mobile: mobileField().describe(
          "Patient's mobile number linked to ABHA: 10 digits, with or without +91 or 91, e.g. 9876543210.",
        ),
      },
      outputSchema: { txn_id: z.string(), message: z.string() },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    }),
    async ({ mobile }, extra) =>
      runTool('abha_send_otp', deps, async () => {
        const reply = await client.call(abhaLoginInit, {
          body: { method: 'mobile', identifier: mobile },
          scope: extra,
        });
        if (!reply.txn_id) {
          throw new EkaApiError(
            'malformed_response',
            'ABHA did not return a transaction id: try abha_send_otp again.',
          );
        }
        const message = `OTP sent${reply.hint ? ` (${reply.hint})` : ''}. Ask the patient for it and call abha_verify_otp with this txn_id.`;
        return toolResult({ txn_id: reply.txn_id, message }, `${message} txn_id: ${reply.txn_id}`);
      }),
  );

  tools.define(
    'abha_verify_otp',
    () => ({
      title: 'Verify ABHA login OTP',
      description:
        'Finish the OTP step of an ABHA login. The result says what to do next: "abha_end" means the login is complete (patient_id is the linked Eka user, and the ABHA card image is attached); "abha_select" means the patient has several ABHA addresses: show them (name, address, KYC), ask which one and call abha_select_profile with it and the NEW txn_id returned here; "abha_create" means no ABHA exists for this number yet.',
      inputSchema: {
        txn_id: txnField('abha_send_otp'),
        otp: z
          .string()
          .trim()
          .regex(/^\d{6}$/, 'otp must be the 6-digit code the patient received by SMS.')
          .describe('The 6-digit OTP the patient received by SMS.'),
      },
      outputSchema: loginOutput(),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    }),
    async ({ txn_id, otp }, extra) =>
      runTool('abha_verify_otp', deps, async () => {
        const login = toLogin(await client.call(abhaLoginVerify, { body: { otp, txn_id }, scope: extra }));
        const text =
          login.status === 'abha_select'
            ? `The patient has ${login.profiles.length} ABHA address(es):\n${login.profiles
                .map(
                  (p) =>
                    `- ${p.abha_address}${p.name ? `, ${p.name}` : ''}${p.kyc_verified ? ', KYC verified' : ''}`,
                )
                .join(
                  '\n',
                )}\nAsk which one to use and call abha_select_profile with it and txn_id ${login.txn_id ?? txn_id}.`
            : login.status === 'abha_create'
              ? 'No ABHA exists for this mobile number yet; the patient needs to create one first.'
              : login.status === 'abha_end'
                ? loginDone(login, login.abha_address)
                : `ABHA answered with state "${login.status}".`;
        return finish(login, text, extra);
      }),
  );

  tools.define(
    'abha_select_profile',
    () => ({
      title: 'Choose an ABHA address',
      description:
        'Complete an ABHA login by choosing one of the ABHA addresses that abha_verify_otp listed, with the txn_id abha_verify_otp returned. Returns the ABHA profile, the linked Eka patient id and the ABHA card image.',
      inputSchema: {
        txn_id: txnField('abha_verify_otp'),
        phr_address: z
          .string()
          .trim()
          .regex(
            /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+$/,
            'phr_address must be one of the ABHA addresses abha_verify_otp returned, e.g. name@abdm.',
          )
          .describe('The chosen ABHA address, e.g. name@abdm, from abha_verify_otp.'),
      },
      outputSchema: loginOutput(),
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    }),
    async ({ txn_id, phr_address }, extra) =>
      runTool('abha_select_profile', deps, async () => {
        const login = toLogin(
          await client.call(abhaLoginPhr, { body: { phr_address, txn_id }, scope: extra }),
        );
        const text =
          login.status === 'abha_end'
            ? loginDone(login, login.abha_address ?? phr_address)
            : `ABHA answered with state "${login.status}".`;
        return finish(login, text, extra);
      }),
  );
}
