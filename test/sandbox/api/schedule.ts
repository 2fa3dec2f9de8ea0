import { type Clinic, type Doctor, SCHEDULE_DAYS, SESSIONS } from '../seed/practice';
import type { Appointment } from './context';

export const DAY_MS = 24 * 3600 * 1000;
export const IST_OFFSET_MS = 5.5 * 3600 * 1000;

/** An appointment slot, times in epoch seconds. */
export interface Slot {
  start: number;
  end: number;
}

/** Formats epoch seconds as an ISO timestamp in IST, e.g. 2026-11-23T10:00:00+05:30. */
export function toIst(epochSeconds: number): string {
  return new Date(epochSeconds * 1000 + IST_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+05:30');
}

/** 00:00 IST of a YYYY-MM-DD date given as its UTC midnight (epoch ms). */
export function istMidnight(utcMidnightMs: number): number {
  return utcMidnightMs - IST_OFFSET_MS;
}

/** The published slots of a doctor at a clinic on one IST day (none on Sundays or outside the week). */
export function daySlots(clinic: Clinic, dayStartMs: number, scheduleStart: number): Slot[] {
  if (dayStartMs < scheduleStart || dayStartMs >= scheduleStart + SCHEDULE_DAYS * DAY_MS) return [];
  const weekday = new Date(dayStartMs + IST_OFFSET_MS).getUTCDay();
  if (weekday === 0) return [];
  const minutes = clinic.services[0]?.minutes ?? 15;
  const slots: Slot[] = [];
  for (const [from, to] of SESSIONS) {
    for (
      let t = dayStartMs + from * 3600_000;
      t + minutes * 60_000 <= dayStartMs + to * 3600_000;
      t += minutes * 60_000
    ) {
      slots.push({ start: t / 1000, end: t / 1000 + minutes * 60 });
    }
  }
  return slots;
}

/** Whether the doctor already has an active appointment overlapping the slot. */
export function isTaken(appointments: Iterable<Appointment>, doctor: Doctor, slot: Slot): boolean {
  for (const a of appointments) {
    if (a.doctor_id !== doctor.doctor_id || a.status === 'CN') continue;
    if (a.start_time < slot.end && slot.start < a.end_time) return true;
  }
  return false;
}
