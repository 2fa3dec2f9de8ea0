import { randomUUID } from 'node:crypto';
import { abhaCard, abhaLoginInit, abhaLoginPhr, abhaLoginVerify } from '../../../server/eka/api/abha';
import { ABHA_TEST_OTP } from '../credentials';
import type { Patient } from '../seed/patients';
import type { AbhaTransaction, ApiContext } from './context';
import { contractRoute } from './contract-route';
import { ApiError } from './http-util';
import { abhaCardPng } from './png';
import type { Route } from './router';

const TXN_TTL_MS = 10 * 60 * 1000;

type WithAbha = Patient & { abha: NonNullable<Patient['abha']> };

function withAbha(patients: Iterable<Patient>, mobile: string): WithAbha[] {
  return [...patients].filter((p): p is WithAbha => p.mobile === mobile && !p.arc && !!p.abha);
}

/** Starts the next step of a login with a fresh transaction id (the old one is spent). */
function nextStep(api: ApiContext, mobile: string, step: AbhaTransaction['step']): string {
  const txnId = randomUUID();
  api.abhaTransactions.set(txnId, { txnId, mobile, step, expiresAt: Date.now() + TXN_TTL_MS });
  return txnId;
}

/** The transaction for this step; it is spent by taking it. */
function takeTxn(api: ApiContext, txnId: string, step: AbhaTransaction['step']): AbhaTransaction {
  const txn = api.abhaTransactions.get(txnId);
  if (!txn || txn.expiresAt <= Date.now() || txn.step !== step) {
    throw new ApiError(
      400,
      'invalid_txn',
      step === 'otp'
        ? 'This OTP session is unknown, used or expired; send the OTP again.'
        : 'Use the txn_id that login/verify returned; this one is unknown, used or expired.',
    );
  }
  api.abhaTransactions.delete(txnId);
  return txn;
}

function profile(p: WithAbha, all: WithAbha[]) {
  return {
    abha_address: p.abha.abha_address,
    abha_addresses: all.map((x) => x.abha.abha_address),
    abha_number: p.abha.abha_number,
    full_name: p.fln,
    first_name: p.fn,
    last_name: p.ln,
    gender: p.gen,
    mobile: p.mobile.slice(3),
    kyc_verified: true,
    year_of_birth: Number(p.dob.slice(0, 4)),
  };
}

const summary = (p: WithAbha) => ({ abha_address: p.abha.abha_address, name: p.fln, kyc_verified: 'true' });

/** ABHA login by mobile OTP (registration.yml) and the ABHA card. */
export const abhaRoutes: Route[] = [
  contractRoute(abhaLoginInit, ({ body, api }) => {
    if (body.method !== 'mobile') {
      throw new ApiError(400, 'invalid_request', 'The sandbox supports "method": "mobile".');
    }
    const txnId = nextStep(api, `+91${body.identifier}`, 'otp');
    return {
      json: { txn_id: txnId, hint: `OTP sent to the mobile number ending ${body.identifier.slice(-4)}` },
    };
  }),
  contractRoute(abhaLoginVerify, ({ body, api }) => {
    if (!/^\d{6}$/.test(body.otp)) throw new ApiError(400, 'invalid_otp', 'The OTP has six digits.');
    const txn = api.abhaTransactions.get(body.txn_id);
    if (txn && txn.step === 'otp' && body.otp !== ABHA_TEST_OTP) {
      throw new ApiError(400, 'invalid_otp', 'The OTP is not correct.');
    }
    const { mobile } = takeTxn(api, body.txn_id, 'otp');
    const profiles = withAbha(api.patients.values(), mobile);
    const first = profiles[0];
    if (!first) {
      return { json: { txn_id: nextStep(api, mobile, 'otp'), skip_state: 'abha_create', abha_profiles: [] } };
    }
    if (profiles.length === 1) {
      return {
        json: {
          txn_id: nextStep(api, mobile, 'select'),
          skip_state: 'abha_end',
          abha_profiles: [summary(first)],
          profile: profile(first, profiles),
          eka: { oid: first.oid, uuid: null },
        },
      };
    }
    return {
      json: {
        txn_id: nextStep(api, mobile, 'select'),
        skip_state: 'abha_select',
        abha_profiles: profiles.map(summary),
        hint: 'Select an ABHA address',
      },
    };
  }),
  contractRoute(abhaLoginPhr, ({ body, api }) => {
    const txn = takeTxn(api, body.txn_id, 'select');
    const all = withAbha(api.patients.values(), txn.mobile);
    const patient = all.find((p) => p.abha.abha_address === body.phr_address.toLowerCase());
    if (!patient) {
      // Keep the step open so the clinician can pick an address that exists.
      api.abhaTransactions.set(txn.txnId, txn);
      throw new ApiError(404, 'profile_not_found', 'No ABHA profile with this address on this mobile.');
    }
    return {
      json: {
        txn_id: nextStep(api, txn.mobile, 'select'),
        skip_state: 'abha_end',
        abha_profiles: [summary(patient)],
        profile: profile(patient, all),
        eka: { oid: patient.oid, uuid: null },
      },
    };
  }),
  contractRoute(abhaCard, ({ query, callHeaders, api }) => {
    if (callHeaders['x-pt-id'] !== query.oid) {
      throw new ApiError(400, 'invalid_request', 'The X-Pt-Id header must carry the same user id as oid.');
    }
    const patient = api.patients.get(query.oid);
    if (!patient) throw new ApiError(404, 'user_not_found', 'No Eka user has this id.');
    if (!patient.abha) throw new ApiError(404, 'abha_not_linked', 'This user has no linked ABHA.');
    return { raw: { contentType: 'image/png', body: abhaCardPng(patient.abha.abha_number) } };
  }),
];
