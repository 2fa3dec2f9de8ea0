import {
  businessEntities,
  clinicDetails,
  doctorProfile,
  doctorServices,
} from '../../../server/eka/api/practice';
import { BUSINESS, CLINICS, DOCTORS } from '../seed/practice';
import { contractRoute } from './contract-route';
import { ApiError } from './http-util';
import type { Route } from './router';

/** The doctor with this id, or a 404. */
export function findDoctor(id: string | undefined) {
  const doctor = DOCTORS.find((d) => d.doctor_id === id);
  if (!doctor) throw new ApiError(404, 'NOT_FOUND', 'No doctor has this id.');
  return doctor;
}

/** The clinic with this id, or a 404. */
export function findClinic(id: string | undefined) {
  const clinic = CLINICS.find((c) => c.clinic_id === id);
  if (!clinic) throw new ApiError(404, 'CLINIC_NOT_FOUND', 'The specified clinic_id does not exist');
  return clinic;
}

/** The practice endpoints (doc-tool.yaml "Doctor and clinic API"). */
export const practiceRoutes: Route[] = [
  contractRoute(businessEntities, () => ({
    json: {
      status_code: 200,
      success: true,
      data: {
        business: { ...BUSINESS },
        clinics: CLINICS.map((c) => ({
          clinic_id: c.clinic_id,
          name: c.name,
          doctors: DOCTORS.filter((d) => d.clinics.includes(c.clinic_id)).map((d) => d.doctor_id),
        })),
        doctors: DOCTORS.map((d) => ({
          doctor_id: d.doctor_id,
          name: `Dr. ${d.firstName} ${d.lastName}`,
          pic: `https://static.sandbox.example/doctors/${d.doctor_id}.png`,
        })),
      },
    },
  })),
  contractRoute(doctorProfile, ({ params }) => {
    const d = findDoctor(params.doctor_id);
    const [major, ...others] = d.specialties;
    return {
      json: {
        id: d.doctor_id,
        profile: {
          personal: {
            salutation: 'Dr.',
            first_name: d.firstName,
            middle_name: '',
            last_name: d.lastName,
            gender: d.gender,
            email: d.email,
          },
          professional: {
            active: true,
            username: `dr-${d.firstName}-${d.lastName}`.toLowerCase(),
            about: `${d.qualifications.join(', ')}. Registration ${d.registration}.`,
            language: d.languages.map((language) => ({ code: language.slice(0, 2).toUpperCase(), language })),
            degree: d.qualifications.map((name) => ({ name })),
            major_speciality: { name: major, code: major?.slice(0, 2).toUpperCase() },
            speciality: [major, ...others].map((name) => ({ name })),
            clinics: d.clinics.map((id) => {
              const c = findClinic(id);
              return {
                id: c.clinic_id,
                name: c.name,
                address: { city: c.address.city },
                number: [{ name: 'Phone', n: c.phone }],
              };
            }),
            default_clinic: d.clinics[0],
          },
        },
      },
    };
  }),
  contractRoute(clinicDetails, ({ params }) => {
    const c = findClinic(params.clinic_id);
    return {
      json: {
        success: true,
        data: {
          clinic: {
            clinic_id: c.clinic_id,
            name: c.name,
            address: {
              line1: `${c.address.line1}, ${c.address.locality}`,
              city: c.address.city,
              state: c.address.state,
              country: 'India',
              pincode: c.address.pincode,
            },
          },
        },
      },
    };
  }),
  contractRoute(doctorServices, ({ params }) => {
    const d = findDoctor(params.doctor_id);
    return {
      json: {
        data: {
          services: d.clinics.map((id) => {
            const clinic = findClinic(id);
            const service = clinic.services[0]!;
            return {
              conf_id: `conf-${clinic.clinic_id}-${d.doctor_id}`,
              service_name: service.service_name,
              appointment_type: 'REGULAR',
              archive: false,
              book_ahead_days: 7,
              currency: 'INR',
              duration: service.minutes,
              mode: ['in-clinic'],
              pre_pay: false,
              price: service.fee,
            };
          }),
        },
      },
    };
  }),
];
