/** A doctor of the sandbox's practice. */
export interface Doctor {
  doctor_id: string;
  firstName: string;
  lastName: string;
  gender: 'M' | 'F';
  email: string;
  mobile: string;
  specialties: string[];
  languages: string[];
  qualifications: string[];
  registration: string;
  clinics: string[];
}

/** A clinic of the sandbox's practice, with its consultation services. */
export interface Clinic {
  clinic_id: string;
  name: string;
  address: { line1: string; locality: string; city: string; state: string; pincode: string };
  phone: string;
  services: { service_name: string; fee: number; minutes: number }[];
}

export const BUSINESS = {
  business_id: 'b-sandbox-healthcare',
  name: 'Sandbox Family Health Clinics',
} as const;

export const CLINICS: Clinic[] = [
  {
    clinic_id: 'c-indiranagar',
    name: 'Sandbox Family Clinic, Indiranagar',
    address: {
      line1: '12, 100 Feet Road',
      locality: 'Indiranagar',
      city: 'Bengaluru',
      state: 'Karnataka',
      pincode: '560038',
    },
    phone: '+919000020001',
    services: [{ service_name: 'General Consultation', fee: 600, minutes: 15 }],
  },
  {
    clinic_id: 'c-koramangala',
    name: 'Sandbox Diabetes & Heart Centre, Koramangala',
    address: {
      line1: '4th Cross, 5th Block',
      locality: 'Koramangala',
      city: 'Bengaluru',
      state: 'Karnataka',
      pincode: '560095',
    },
    phone: '+919000020002',
    services: [{ service_name: 'Specialist Consultation', fee: 900, minutes: 20 }],
  },
];

export const DOCTORS: Doctor[] = [
  {
    doctor_id: 'd-ananya-iyer',
    firstName: 'Ananya',
    lastName: 'Iyer',
    gender: 'F',
    email: 'ananya.iyer@clinic.example',
    mobile: '+919000030001',
    specialties: ['General Medicine'],
    languages: ['English', 'Hindi', 'Tamil', 'Kannada'],
    qualifications: ['MBBS', 'MD (General Medicine)'],
    registration: 'KMC-SBX-10231',
    clinics: ['c-indiranagar', 'c-koramangala'],
  },
  {
    doctor_id: 'd-rohan-mehta',
    firstName: 'Rohan',
    lastName: 'Mehta',
    gender: 'M',
    email: 'rohan.mehta@clinic.example',
    mobile: '+919000030002',
    specialties: ['Endocrinology', 'Diabetology'],
    languages: ['English', 'Hindi', 'Gujarati'],
    qualifications: ['MBBS', 'MD (Medicine)', 'DM (Endocrinology)'],
    registration: 'KMC-SBX-20417',
    clinics: ['c-koramangala'],
  },
  {
    doctor_id: 'd-fatima-sheikh',
    firstName: 'Fatima',
    lastName: 'Sheikh',
    gender: 'F',
    email: 'fatima.sheikh@clinic.example',
    mobile: '+919000030003',
    specialties: ['Paediatrics'],
    languages: ['English', 'Hindi', 'Urdu'],
    qualifications: ['MBBS', 'DCH', 'DNB (Paediatrics)'],
    registration: 'KMC-SBX-31852',
    clinics: ['c-indiranagar'],
  },
  {
    doctor_id: 'd-venkat-raman',
    firstName: 'Venkat',
    lastName: 'Raman',
    gender: 'M',
    email: 'venkat.raman@clinic.example',
    mobile: '+919000030004',
    specialties: ['Cardiology'],
    languages: ['English', 'Tamil', 'Telugu'],
    qualifications: ['MBBS', 'MD (Medicine)', 'DM (Cardiology)'],
    registration: 'KMC-SBX-40966',
    clinics: ['c-koramangala'],
  },
  {
    doctor_id: 'd-meenakshi-nair',
    firstName: 'Meenakshi',
    lastName: 'Nair',
    gender: 'F',
    email: 'meenakshi.nair@clinic.example',
    mobile: '+919000030005',
    specialties: ['Obstetrics & Gynaecology'],
    languages: ['English', 'Malayalam', 'Kannada'],
    qualifications: ['MBBS', 'MS (OBG)'],
    registration: 'KMC-SBX-52310',
    clinics: ['c-indiranagar'],
  },
];

/** Consulting hours in IST (start hour, end hour), Monday to Saturday. */
export const SESSIONS: [number, number][] = [
  [10, 13],
  [17, 20],
];

/** How many days of slots the sandbox publishes, from the day it starts. */
export const SCHEDULE_DAYS = 7;

/** The doctor's full name as shown to people. */
export function doctorName(doctor: Doctor): string {
  return `Dr. ${doctor.firstName} ${doctor.lastName}`;
}
