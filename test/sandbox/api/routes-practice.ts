import { BUSINESS, CLINICS, DOCTORS, doctorName } from '../seed/practice';
import { ApiError } from './http-util';
import type { Route } from './router';

/** The doctor with this id, or a 404. */
export function findDoctor(id: string | undefined) {
  const doctor = DOCTORS.find((d) => d.doctor_id === id);
  if (!doctor) throw new ApiError(404, 'doctor_not_found', 'No doctor has this id.');
  return doctor;
}

/** The clinic with this id, or a 404. */
export function findClinic(id: string | undefined) {
  const clinic = CLINICS.find((c) => c.clinic_id === id);
  if (!clinic) throw new ApiError(404, 'clinic_not_found', 'No clinic has this id.');
  return clinic;
}

/** The practice endpoints of the Eka EMR API (business, doctors, clinics). */
export const practiceRoutes: Route[] = [
  {
    method: 'GET',
    path: '/dr/v1/business/entities',
    handle() {
      return {
        json: {
          data: {
            business: { ...BUSINESS },
            clinics: CLINICS.map((c) => ({
              clinic_id: c.clinic_id,
              name: c.name,
              doctors: DOCTORS.filter((d) => d.clinics.includes(c.clinic_id)).map((d) => d.doctor_id),
            })),
            doctors: DOCTORS.map((d) => ({
              doctor_id: d.doctor_id,
              name: doctorName(d),
              pic: `https://static.sandbox.example/doctors/${d.doctor_id}.png`,
            })),
          },
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/dr/v1/doctor/:doctorId',
    handle({ params }) {
      const d = findDoctor(params.doctorId);
      return {
        json: {
          data: {
            profile: {
              personal: {
                doctor_id: d.doctor_id,
                name: doctorName(d),
                first_name: d.firstName,
                last_name: d.lastName,
                gender: d.gender,
                email: d.email,
                mobile: d.mobile,
              },
              professional: {
                specialties: d.specialties,
                languages: d.languages,
                qualifications: d.qualifications,
                registration_number: d.registration,
                clinics: d.clinics,
              },
            },
          },
        },
      };
    },
  },
  {
    method: 'GET',
    path: '/dr/v1/business/clinic/:clinicId',
    handle({ params }) {
      const c = findClinic(params.clinicId);
      return {
        json: {
          data: {
            clinic: {
              clinic_id: c.clinic_id,
              name: c.name,
              address: c.address,
              phone: c.phone,
              doctors: DOCTORS.filter((d) => d.clinics.includes(c.clinic_id)).map((d) => d.doctor_id),
            },
          },
        },
      };
    },
  },
];
