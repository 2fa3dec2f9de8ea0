import { describe, expect, it } from 'vitest';
import { MOBILE_PATTERN } from './api/validate';
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
});
