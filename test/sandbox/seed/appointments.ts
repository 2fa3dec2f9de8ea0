import type { Appointment } from '../api/context';
import { DAY_MS, daySlots } from '../api/schedule';
import type { Patient } from './patients';
import { CLINICS, DOCTORS } from './practice';

/** Booked appointments in the coming week (45 over three days, so a day-range list has more than one page); deterministic given the start day. */
export function seedAppointments(patients: Patient[], scheduleStart: number): Appointment[] {
  const active = patients.filter((p) => !p.arc);
  const appointments: Appointment[] = [];
  let n = 0;
  // Three consulting days (Sundays have no slots) after the first.
  for (let day = 1, used = 0; used < 3 && day < 6; day += 1) {
    if (new Date(scheduleStart + day * DAY_MS + 5.5 * 3600_000).getUTCDay() === 0) continue;
    used += 1;
    for (const doctor of DOCTORS) {
      const clinic = CLINICS.find((c) => c.clinic_id === doctor.clinics[0]);
      if (!clinic) continue;
      const slots = daySlots(clinic, scheduleStart + day * DAY_MS, scheduleStart);
      for (const index of [1, 4, 7]) {
        const slot = slots[index];
        const patient = active[(n * 7) % active.length];
        if (!slot || !patient) continue;
        n += 1;
        appointments.push({
          appointment_id: `a-seed-${String(n).padStart(3, '0')}`,
          doctor_id: doctor.doctor_id,
          clinic_id: clinic.clinic_id,
          patient_id: patient.oid,
          status: 'BK',
          mode: n % 4 === 0 ? 'VIDEO' : 'INCLINIC',
          start_time: slot.start,
          end_time: slot.end,
          notes: n % 2 === 0 ? 'Follow-up' : 'Fever and cough',
          created_at: Math.floor(scheduleStart / 1000),
        });
      }
    }
  }
  return appointments;
}
