import { createRandom } from './random';

export type Gender = 'M' | 'F' | 'O';

export interface Address {
  line1: string;
  city: string;
  state: string;
  pincode: string;
}

export interface Patient {
  oid: string;
  fln: string;
  fn: string;
  ln: string;
  dob: string;
  gen: Gender;
  mobile: string;
  username: string;
  email?: string;
  address?: Address;
  bloodGroup?: string;
  abha?: { abha_number: string; abha_address: string };
  arc: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

const FEMALE = [
  'Aarti',
  'Ananya',
  'Bhavna',
  'Deepika',
  'Divya',
  'Gayatri',
  'Ishita',
  'Kavya',
  'Lakshmi',
  'Meera',
  'Neha',
  'Pooja',
  'Priya',
  'Radhika',
  'Sneha',
  'Sunita',
  'Tanvi',
  'Uma',
  'Vaishnavi',
  'Zoya',
] as const;
const MALE = [
  'Aditya',
  'Amit',
  'Arjun',
  'Deepak',
  'Farhan',
  'Ganesh',
  'Harish',
  'Imran',
  'Karthik',
  'Manoj',
  'Nikhil',
  'Pradeep',
  'Rahul',
  'Rajesh',
  'Sanjay',
  'Suresh',
  'Tarun',
  'Varun',
  'Vikram',
  'Yash',
] as const;
const SURNAMES = [
  'Agarwal',
  'Bhat',
  'Chatterjee',
  'Das',
  'Desai',
  'Gupta',
  'Iyer',
  'Joshi',
  'Khan',
  'Kulkarni',
  'Menon',
  'Mishra',
  'Nair',
  'Patel',
  'Pillai',
  'Rao',
  'Reddy',
  'Shah',
  'Sharma',
  'Singh',
  'Verma',
] as const;
const PLACES = [
  { city: 'Bengaluru', state: 'Karnataka', pin: '5600' },
  { city: 'Mumbai', state: 'Maharashtra', pin: '4000' },
  { city: 'Pune', state: 'Maharashtra', pin: '4110' },
  { city: 'Chennai', state: 'Tamil Nadu', pin: '6000' },
  { city: 'Hyderabad', state: 'Telangana', pin: '5000' },
  { city: 'Kochi', state: 'Kerala', pin: '6820' },
  { city: 'Jaipur', state: 'Rajasthan', pin: '3020' },
  { city: 'Lucknow', state: 'Uttar Pradesh', pin: '2260' },
] as const;
const STREETS = [
  'MG Road',
  'Station Road',
  'Temple Street',
  'Gandhi Nagar',
  'Lake View Layout',
  'Park Avenue',
];
const BLOOD = ['A+', 'B+', 'O+', 'AB+', 'A-', 'B-', 'O-'];

/** Base of the synthetic mobile numbers: +91 90000 1xxxx. */
const MOBILE_BASE = 9000010000;

/** The synthetic mobile number with index `n` (always `+91` and ten digits). */
export function syntheticMobile(n: number): string {
  return `+91${MOBILE_BASE + n}`;
}

/** The reference instant of the seed (2026-01-01T00:00:00Z); seed timestamps count from it. */
export const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);

/** Dozens of deterministic, synthetic patients with Indian names and +91 mobiles. */
export function seedPatients(count = 64): Patient[] {
  const random = createRandom(20260101);
  const patients: Patient[] = [];
  for (let i = 0; i < count; i += 1) {
    const gen: Gender = i % 17 === 16 ? 'O' : i % 2 === 0 ? 'F' : 'M';
    const fn = gen === 'F' ? random.pick(FEMALE) : random.pick(MALE);
    const ln = random.pick(SURNAMES);
    const year = random.int(1948, 2019);
    const month = random.int(1, 12);
    const day = random.int(1, 28);
    // Every fifth patient shares a family mobile with the one before.
    const mobileIndex = i % 5 === 4 ? i - 1 : i;
    const place = random.pick(PLACES);
    const patient: Patient = {
      oid: String(174000000000 + i * 37 + 11),
      fln: `${fn} ${ln}`,
      fn,
      ln,
      dob: `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      gen,
      mobile: syntheticMobile(mobileIndex),
      username: `EK${String(1001 + i)}`,
      arc: false,
      createdAt: SEED_EPOCH_MS + i * 3_600_000,
      updatedAt: SEED_EPOCH_MS + i * 3_600_000,
    };
    if (i % 3 !== 2) patient.email = `${fn}.${ln}.${i}@patients.example`.toLowerCase();
    if (i % 4 !== 3) {
      patient.address = {
        line1: `${random.int(1, 240)}, ${random.pick(STREETS)}`,
        city: place.city,
        state: place.state,
        pincode: `${place.pin}${String(random.int(1, 99)).padStart(2, '0')}`,
      };
    }
    if (i % 2 === 0) patient.bloodGroup = random.pick(BLOOD);
    if (i % 3 === 0 || i % 5 === 4) {
      const digits = String(91000000000000 + i * 7_919_131).padStart(14, '0');
      patient.abha = {
        abha_number: `${digits.slice(0, 2)}-${digits.slice(2, 6)}-${digits.slice(6, 10)}-${digits.slice(10, 14)}`,
        abha_address: `${fn}.${ln}${i}@sbx`.toLowerCase(),
      };
    }
    patients.push(patient);
  }
  const archived = patients[patients.length - 1];
  if (archived) archived.arc = true;
  return patients;
}
