import { describe, expect, it } from 'vitest';
import { DAY_MS } from './api/schedule';
import { MOBILE_PATTERN } from './api/validate';
import { seedAppointments } from './seed/appointments';
import { seedDrugs } from './seed/drugs';
import { seedPatients } from './seed/patients';
import { PHARMACOLOGY } from './seed/pharmacology';
import { CLINICS, DOCTORS } from './seed/practice';
import { PROTOCOLS } from './seed/protocols';

describe('sandbox seed data', () => {
  it('has dozens of deterministic synthetic patients with valid +91 mobiles and dates', () => {
    const patients = seedPatients();
    expect(patients).toEqual(seedPatients());
    expect(patients.length).toBeGreaterThanOrEqual(48);
    expect(new Set(patients.map((p) => p.oid)).size).toBe(patients.length);
    for (const p of patients) {
      expect(p.mobile).toMatch(MOBILE_PATTERN);
      expect(p.mobile.startsWith('+9190000')).toBe(true);
      expect(Number.isNaN(Date.parse(p.dob))).toBe(false);
      if (p.email) expect(p.email.endsWith('.example')).toBe(true);
    }
  });

  it('has two clinics whose doctors all exist', () => {
    expect(CLINICS).toHaveLength(2);
    const ids = new Set(DOCTORS.map((d) => d.doctor_id));
    expect(ids.size).toBeGreaterThanOrEqual(3);
    for (const d of DOCTORS) for (const c of d.clinics) expect(CLINICS.map((x) => x.clinic_id)).toContain(c);
  });

  it('has a few hundred uniquely named branded drugs and Indian protocols and pharmacology entries', () => {
    const drugs = seedDrugs();
    expect(drugs).toEqual(seedDrugs());
    expect(drugs.length).toBeGreaterThanOrEqual(300);
    expect(new Set(drugs.map((d) => d.name)).size).toBe(drugs.length);
    expect([...new Set(PROTOCOLS.map((p) => p.publisher))]).toEqual(
      expect.arrayContaining(['ICMR', 'RSSDI']),
    );
    expect(PHARMACOLOGY.length).toBeGreaterThanOrEqual(15);
  });

  it('has 45 booked appointments on three consulting days, whatever the weekday it starts', () => {
    for (let offset = 0; offset < 7; offset += 1) {
      const start = Date.UTC(2026, 10, 30) - 5.5 * 3600_000 + offset * DAY_MS;
      const appointments = seedAppointments(seedPatients(), start);
      expect(appointments).toHaveLength(45);
      expect(appointments.every((a) => a.status === 'BK')).toBe(true);
      const days = new Set(appointments.map((a) => Math.floor((a.start_time * 1000 - start) / DAY_MS)));
      expect(days.size).toBe(3);
      for (const a of appointments) {
        expect(new Date(a.start_time * 1000 + 5.5 * 3600_000).getUTCDay()).not.toBe(0);
      }
    }
  });

  it('pharmacology entries carry generic_category, as Eka names it', () => {
    expect(PHARMACOLOGY.every((e) => e.generic_category.length > 0)).toBe(true);
  });
});
