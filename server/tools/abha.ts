/**
 * ABHA tools (Ayushman Bharat Health Account, India's health id): log a
 * patient in to their ABHA with a one-time password sent to their mobile,
 * then pick one of their ABHA addresses.
 */
import { z } from 'zod/v4';
import { EkaApiError } from '../errors';
import { mobileField } from './fields';
import { arr, compact, obj, runTool, str, type ToolDeps, toolResult } from './tool-kit';
import type { ToolRegistry } from './tool-registry';

const txnField = () =>
  z
    .string()
    .trim()
    .min(1, 'txn_id is required: use the txn_id that abha_send_otp returned.')
    .max(200, 'txn_id is too long: use the txn_id that abha_send_otp returned.')
    .describe('Transaction id returned by abha_send_otp.');

const profileSchema = () =>
  z.object({
    phr_address: z.string().describe('ABHA address, e.g. name@abdm.'),
    name: z.string().optional(),
    abha_number: z.string().optional(),
  });

function toProfile(raw: unknown) {
  const r = obj(raw);
  return compact({
    phr_address: str(r.phr_address ?? r.abha_address ?? r.phrAddress) ?? '',
    name: str(r.name ?? r.full_name ?? [r.first_name, r.last_name].filter(Boolean).join(' ')) || undefined,
    abha_number: str(r.abha_number ?? r.abhaNumber),
  });
}

/** Registers abha_send_otp, abha_verify_otp and abha_select_profile. */
export function registerAbhaTools(tools: ToolRegistry, deps: ToolDeps): void {
  const { client } = deps;

  tools.define(
    'abha_send_otp',
    () => ({
      title: 'Send ABHA login OTP',
      description:
        "Start an ABHA login for a patient: ABDM sends a one-time password (OTP) by SMS to the patient's mobile number. Ask the patient for the OTP, then call abha_verify_otp with it and the txn_id returned here. Each call sends a new SMS.",
      inputSchema: {
        mobile: mobileField().describe(
          "Patient's mobile number linked to ABHA, +91 followed by 10 digits, e.g. +919876543210.",
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
        const raw = obj(
          await client.request({
            method: 'POST',
            path: '/abdm/na/v1/profile/login/init',
            body: { method: 'mobile', identifier: mobile },
            signal: extra.signal,
          }),
        );
        const txnId = str(raw.txn_id ?? obj(raw.data).txn_id);
        if (!txnId) {
          throw new EkaApiError(
            'malformed_response',
            'ABHA did not return a transaction id: try abha_send_otp again.',
          );
        }
        const message =
          'OTP sent to the mobile number. Ask the patient for it and call abha_verify_otp with this txn_id.';
        return toolResult({ txn_id: txnId, message }, `${message} txn_id: ${txnId}`);
      }),
  );

  tools.define(
    'abha_verify_otp',
    () => ({
      title: 'Verify ABHA login OTP',
      description:
        'Finish the OTP step of an ABHA login. The result says what to do next: "abha_end" means the login is complete (patient_id is the linked Eka patient when there is one); "abha_select" means the patient has several ABHA addresses: ask which one and call abha_select_profile with it; "abha_create" means no ABHA exists for this number yet.',
      inputSchema: {
        txn_id: txnField(),
        otp: z
          .string()
          .trim()
          .regex(/^\d{6}$/, 'otp must be the 6-digit code the patient received by SMS.')
          .describe('The 6-digit OTP the patient received by SMS.'),
      },
      outputSchema: {
        status: z.string().describe('abha_end, abha_select or abha_create.'),
        profiles: z.array(profileSchema()),
        patient_id: z.string().optional().describe('Linked Eka patient id, when the login completed.'),
        txn_id: z.string(),
      },
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: false,
        openWorldHint: true,
      },
    }),
    async ({ txn_id, otp }, extra) =>
      runTool('abha_verify_otp', deps, async () => {
        const raw = obj(
          await client.request({
            method: 'POST',
            path: '/abdm/na/v1/profile/login/verify',
            body: { otp, txn_id },
            signal: extra.signal,
          }),
        );
        const status = str(raw.skip_state) ?? 'unknown';
        const profiles = arr(raw.profiles)
          .map(toProfile)
          .filter((p) => p.phr_address);
        const patientId = str(obj(raw.eka).oid);
        const next =
          status === 'abha_select'
            ? `The patient has ${profiles.length} ABHA address(es): ${profiles.map((p) => p.phr_address).join(', ')}. Ask which one to use and call abha_select_profile with it and txn_id ${txn_id}.`
            : status === 'abha_create'
              ? 'No ABHA exists for this mobile number yet; the patient needs to create one first.'
              : status === 'abha_end'
                ? `ABHA login complete${patientId ? `; linked Eka patient_id ${patientId}` : ''}.`
                : `ABHA answered with state "${status}".`;
        return toolResult(compact({ status, profiles, patient_id: patientId, txn_id }), next);
      }),
  );

  tools.define(
    'abha_select_profile',
    () => ({
      title: 'Choose an ABHA address',
      description:
        'Complete an ABHA login by choosing one of the ABHA addresses (phr_address) that abha_verify_otp listed. Returns the ABHA profile and the linked Eka patient id when there is one.',
      inputSchema: {
        txn_id: txnField(),
        phr_address: z
          .string()
          .trim()
          .regex(
            /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+$/,
            'phr_address must be one of the ABHA addresses abha_verify_otp returned, e.g. name@abdm.',
          )
          .describe('The chosen ABHA address, e.g. name@abdm, from abha_verify_otp.'),
      },
      outputSchema: {
        phr_address: z.string(),
        name: z.string().optional(),
        abha_number: z.string().optional(),
        patient_id: z.string().optional(),
        profile: z.record(z.string(), z.unknown()),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    }),
    async ({ txn_id, phr_address }, extra) =>
      runTool('abha_select_profile', deps, async () => {
        const raw = obj(
          await client.request({
            method: 'POST',
            path: '/abdm/na/v1/profile/login/phr',
            body: { phr_address, txn_id },
            idempotent: true,
            signal: extra.signal,
          }),
        );
        const profile = obj(raw.profile ?? raw.data ?? raw);
        const summary = toProfile({ phr_address, ...profile });
        const patientId = str(obj(raw.eka).oid ?? obj(profile.eka).oid);
        return toolResult(
          compact({
            ...summary,
            phr_address: summary.phr_address || phr_address,
            patient_id: patientId,
            profile,
          }),
          `ABHA login complete with ${phr_address}${patientId ? `; linked Eka patient_id ${patientId}` : ''}.`,
        );
      }),
  );
}
