import type { Patient } from '../seed/patients';
import type { TokenAuthority } from './token-authority';

/** An appointment held by the sandbox. */
export interface Appointment {
  appointment_id: string;
  doctor_id: string;
  clinic_id: string;
  patient_id: string;
  /** Eka's status code: BK booked, CM completed, CN cancelled (API), RE rescheduled (API). */
  status: 'BK' | 'CM' | 'CN' | 'RE';
  /** The booking mode. */
  mode: 'INCLINIC' | 'PHONE' | 'VIDEO';
  /** Epoch seconds. */
  start_time: number;
  end_time: number;
  notes?: string;
  created_at: number;
}

/** One step of an ABHA OTP login; each step answers a new transaction id for the next. */
export interface AbhaTransaction {
  txnId: string;
  mobile: string;
  /** `otp`: waiting for the OTP (after init); `select`: waiting for an ABHA address (after verify). */
  step: 'otp' | 'select';
  expiresAt: number;
}

/** Everything the API's handlers share: settings, credentials, tokens and the in-memory state. */
export interface ApiContext {
  apiBaseUrl: string;
  integrator: { clientId: string; clientSecret: string; apiKey: string };
  tokens: TokenAuthority;
  patients: Map<string, Patient>;
  appointments: Map<string, Appointment>;
  abhaTransactions: Map<string, AbhaTransaction>;
  /** Start of the sandbox's week of slots (epoch ms of 00:00 IST on the day it started). */
  scheduleStart: number;
  counters: { nextPatient: number; nextAppointment: number };
}
