import type { Patient } from '../seed/patients';
import type { TokenAuthority } from './token-authority';

/** An appointment held by the sandbox. */
export interface Appointment {
  appointment_id: string;
  doctor_id: string;
  clinic_id: string;
  patient_id: string;
  status: 'BOOKED' | 'COMPLETED' | 'CANCELLED';
  mode: 'INCLINIC' | 'VIDEO' | 'AUDIO';
  /** Epoch seconds. */
  start_time: number;
  end_time: number;
  reason?: string;
  created_at: number;
}

/** An ABHA OTP login in progress. */
export interface AbhaTransaction {
  txnId: string;
  mobile: string;
  verified: boolean;
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
