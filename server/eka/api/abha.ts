/**
 * ABHA login (India's health account) through Eka, from
 * `api-reference/user-app/abdm-connect/registration.yml`: `login/init` with a
 * 10-digit mobile, `login/verify` answering `abha_profiles` and a new
 * `txn_id`, `login/phr` to pick an address, and the ABHA card as a PNG.
 */
import { z } from 'zod/v4';
import { defineEndpoint } from './endpoint';

const SOURCE = 'api-reference/user-app/abdm-connect/registration.yml';
const HEADERS = ['authorization'] as const;

/** The reply of `login/verify` and `login/phr`. */
export const AbhaLoginReply = z
  .object({
    /** The transaction id for the next step (a new one at each step). */
    txn_id: z.string().optional(),
    skip_state: z.enum(['abha_select', 'abha_end', 'abha_create']).optional(),
    hint: z.string().optional(),
    abha_profiles: z
      .array(
        z
          .object({
            abha_address: z.string(),
            name: z.string().optional(),
            kyc_verified: z.union([z.string(), z.boolean()]).optional(),
          })
          .loose(),
      )
      .optional(),
    profile: z
      .object({
        abha_address: z.string().optional(),
        abha_addresses: z.array(z.string()).optional(),
        abha_number: z.string().nullable().optional(),
        full_name: z.string().optional(),
        first_name: z.string().nullable().optional(),
        last_name: z.string().nullable().optional(),
        gender: z.string().optional(),
        mobile: z.string().nullable().optional(),
        kyc_verified: z.boolean().nullable().optional(),
        year_of_birth: z.number().int().nullable().optional(),
      })
      .loose()
      .optional(),
    eka: z
      .object({
        oid: z.string().nullable().optional(),
        uuid: z.string().nullable().optional(),
        min_token: z.string().optional(),
      })
      .loose()
      .optional(),
  })
  .loose();
export type AbhaLoginReply = z.infer<typeof AbhaLoginReply>;

/** `POST /abdm/na/v1/profile/login/init`: sends the OTP; a mobile is its 10 digits. */
export const abhaLoginInit = defineEndpoint({
  id: 'abha.loginInit',
  method: 'POST',
  path: '/abdm/na/v1/profile/login/init',
  headers: HEADERS,
  body: z
    .object({
      method: z.enum(['search', 'phr_address', 'abha_number', 'mobile', 'aadhaar_number']),
      identifier: z.string().min(1),
      otp_system: z.enum(['abdm', 'aadhaar']).optional(),
      txn_id: z.string().optional(),
    })
    .strict()
    .refine(
      (b) => b.method !== 'mobile' || /^\d{10}$/.test(b.identifier),
      'a mobile identifier is the 10-digit number, e.g. 9876543210',
    ),
  response: z.object({ txn_id: z.string(), hint: z.string().optional() }).loose(),
  success: [200],
  errorShape: 'code-error',
  idempotent: false,
  source: SOURCE,
});

/** `POST /abdm/na/v1/profile/login/verify`: checks the OTP. */
export const abhaLoginVerify = defineEndpoint({
  id: 'abha.loginVerify',
  method: 'POST',
  path: '/abdm/na/v1/profile/login/verify',
  headers: HEADERS,
  body: z.object({ otp: z.string().min(1), txn_id: z.string().min(1) }).strict(),
  response: AbhaLoginReply,
  success: [200],
  errorShape: 'code-error',
  idempotent: false,
  source: SOURCE,
});

/** `POST /abdm/na/v1/profile/login/phr`: logs in with the chosen ABHA address. */
export const abhaLoginPhr = defineEndpoint({
  id: 'abha.loginPhr',
  method: 'POST',
  path: '/abdm/na/v1/profile/login/phr',
  headers: HEADERS,
  body: z.object({ phr_address: z.string().min(1), txn_id: z.string().min(1) }).strict(),
  response: AbhaLoginReply,
  success: [200],
  errorShape: 'code-error',
  idempotent: false,
  source: SOURCE,
});

/** `GET /abdm/v1/profile/asset/card`: the ABHA card of an Eka user (`oid`), as a PNG. */
export const abhaCard = defineEndpoint({
  id: 'abha.card',
  method: 'GET',
  path: '/abdm/v1/profile/asset/card',
  query: z.object({ oid: z.string().min(1) }).strict(),
  headers: HEADERS,
  callHeaders: z.object({ 'x-pt-id': z.string().min(1) }).strict(),
  binary: { contentType: 'image/png' },
  success: [200],
  errorShape: 'code-error',
  source: SOURCE,
});

/** Every ABHA endpoint the product calls. */
export const abhaEndpoints = [abhaLoginInit, abhaLoginVerify, abhaLoginPhr, abhaCard] as const;
