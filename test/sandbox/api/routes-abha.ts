import { randomUUID } from 'node:crypto';
import { ABHA_TEST_OTP } from '../credentials';
import type { Patient } from '../seed/patients';
import type { AbhaTransaction } from './context';
import { ApiError, readJsonObject, requireString } from './http-util';
import { abhaCardPng } from './png';
import type { Route } from './router';
import { checkMobile } from './validate';

const TXN_TTL_MS = 10 * 60 * 1000;

function abhaProfile(p: Patient & { abha: NonNullable<Patient['abha']> }) {
  return {
    abha_address: p.abha.abha_address,
    abha_number: p.abha.abha_number,
    name: p.fln,
    gender: p.gen,
    dob: p.dob,
    mobile: p.mobile,
    kyc_verified: true,
  };
}

function withAbha(patients: Iterable<Patient>, mobile: string) {
  return [...patients].filter(
    (p): p is Patient & { abha: NonNullable<Patient['abha']> } => p.mobile === mobile && !p.arc && !!p.abha,
  );
}

function findTxn(transactions: Map<string, AbhaTransaction>, txnId: string): AbhaTransaction {
  const txn = transactions.get(txnId);
  if (!txn || txn.expiresAt <= Date.now()) {
    throw new ApiError(400, 'invalid_txn', 'This OTP session is unknown or has expired; send the OTP again.');
  }
  return txn;
}

/** The ABHA (India's health ID) OTP login endpoints and the ABHA card. */
export const abhaRoutes: Route[] = [
  {
    method: 'POST',
    path: '/abdm/na/v1/profile/login/init',
    async handle({ req, api }) {
      const body = await readJsonObject(req);
      const method = requireString(body, 'method');
      if (method !== 'mobile')
        throw new ApiError(400, 'invalid_request', 'The sandbox supports "method": "mobile".');
      const raw = requireString(body, 'identifier').replace(/[\s-]/g, '');
      const mobile = checkMobile(/^\d{10}$/.test(raw) ? `+91${raw}` : raw, 'identifier');
      const txnId = randomUUID();
      api.abhaTransactions.set(txnId, { txnId, mobile, verified: false, expiresAt: Date.now() + TXN_TTL_MS });
      return {
        json: { txn_id: txnId, message: `OTP sent to the mobile number ending ${mobile.slice(-4)}.` },
      };
    },
  },
  {
    method: 'POST',
    path: '/abdm/na/v1/profile/login/verify',
    async handle({ req, api }) {
      const body = await readJsonObject(req);
      const otp = requireString(body, 'otp');
      const txn = findTxn(api.abhaTransactions, requireString(body, 'txn_id'));
      if (!/^\d{6}$/.test(otp)) throw new ApiError(400, 'invalid_otp', 'The OTP has six digits.');
      if (otp !== ABHA_TEST_OTP) throw new ApiError(400, 'invalid_otp', 'The OTP is not correct.');
      txn.verified = true;
      const profiles = withAbha(api.patients.values(), txn.mobile);
      const first = profiles[0];
      if (!first) return { json: { txn_id: txn.txnId, skip_state: 'abha_create', profiles: [] } };
      if (profiles.length === 1) {
        return {
          json: {
            txn_id: txn.txnId,
            skip_state: 'abha_end',
            profiles: [abhaProfile(first)],
            eka: { oid: first.oid },
          },
        };
      }
      return { json: { txn_id: txn.txnId, skip_state: 'abha_select', profiles: profiles.map(abhaProfile) } };
    },
  },
  {
    method: 'POST',
    path: '/abdm/na/v1/profile/login/phr',
    async handle({ req, api }) {
      const body = await readJsonObject(req);
      const phr = requireString(body, 'phr_address').toLowerCase();
      const txn = findTxn(api.abhaTransactions, requireString(body, 'txn_id'));
      if (!txn.verified)
        throw new ApiError(400, 'otp_not_verified', 'Verify the OTP before choosing a profile.');
      const patient = withAbha(api.patients.values(), txn.mobile).find((p) => p.abha.abha_address === phr);
      if (!patient)
        throw new ApiError(404, 'profile_not_found', 'No ABHA profile with this address on this mobile.');
      return { json: { ...abhaProfile(patient), skip_state: 'abha_end', eka: { oid: patient.oid } } };
    },
  },
  {
    method: 'GET',
    path: '/abdm/v1/profile/asset/card',
    handle({ req, url, api }) {
      const oid = url.searchParams.get('oid');
      if (!oid) throw new ApiError(400, 'invalid_request', '"oid" is required.');
      const header = req.headers['x-pt-id'];
      if (header !== oid)
        throw new ApiError(400, 'invalid_request', 'The X-Pt-Id header must carry the same patient id.');
      const patient = api.patients.get(oid);
      if (!patient) throw new ApiError(404, 'patient_not_found', 'No patient has this id.');
      if (!patient.abha) throw new ApiError(404, 'abha_not_linked', 'This patient has no linked ABHA.');
      return { raw: { contentType: 'image/png', body: abhaCardPng(patient.abha.abha_number) } };
    },
  },
];
