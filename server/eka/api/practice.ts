/**
 * The practice: business, clinics and doctors, from
 * `api-reference/doc-tool/doc-tool.yaml` ("Doctor and clinic API").
 */
import { z } from 'zod/v4';
import { defineEndpoint } from './endpoint';

const SOURCE = 'api-reference/doc-tool/doc-tool.yaml';
const HEADERS = ['authorization'] as const;

const named = z.object({ name: z.string().optional() }).loose();

/** `GET /dr/v1/business/entities`: the business with its clinics and doctors. */
export const businessEntities = defineEndpoint({
  id: 'practice.businessEntities',
  method: 'GET',
  path: '/dr/v1/business/entities',
  headers: HEADERS,
  response: z
    .object({
      data: z
        .object({
          clinics: z
            .array(
              z
                .object({
                  clinic_id: z.string(),
                  name: z.string().optional(),
                  /** Doctor ids. */
                  doctors: z.array(z.string()).optional(),
                })
                .loose(),
            )
            .optional(),
          doctors: z
            .array(
              z
                .object({ doctor_id: z.string(), name: z.string().optional(), pic: z.string().optional() })
                .loose(),
            )
            .optional(),
          business: z.object({ business_id: z.string().optional(), name: z.string().optional() }).loose(),
        })
        .loose(),
    })
    .loose(),
  success: [200],
  source: SOURCE,
});

/** `GET /dr/v1/doctor/{doctor_id}`: a doctor's personal and professional profile. */
export const doctorProfile = defineEndpoint({
  id: 'practice.doctorProfile',
  method: 'GET',
  path: '/dr/v1/doctor/{doctor_id}',
  params: z.object({ doctor_id: z.string().min(1) }).strict(),
  headers: HEADERS,
  response: z
    .object({
      id: z.string(),
      profile: z
        .object({
          personal: z
            .object({
              salutation: z.string().optional(),
              first_name: z.string().optional(),
              middle_name: z.string().optional(),
              last_name: z.string().optional(),
              email: z.string().optional(),
              gender: z.string().optional(),
              dob: z.string().optional(),
              pic: z.string().optional(),
            })
            .loose(),
          professional: z
            .object({
              username: z.string().optional(),
              active: z.boolean().optional(),
              about: z.string().optional(),
              language: z
                .array(z.object({ code: z.string().optional(), language: z.string().optional() }).loose())
                .optional(),
              degree: z.array(named).optional(),
              major_speciality: z
                .object({ name: z.string().optional(), code: z.string().optional() })
                .loose()
                .optional(),
              speciality: z.array(named).optional(),
              clinics: z
                .array(
                  z
                    .object({
                      id: z.string().optional(),
                      name: z.string().optional(),
                      /** Contact numbers: `name` is the kind (Phone, Mobile), `n` the number. */
                      number: z
                        .array(z.object({ name: z.string().optional(), n: z.string().optional() }).loose())
                        .optional(),
                    })
                    .loose(),
                )
                .optional(),
              default_clinic: z.string().optional(),
            })
            .loose(),
        })
        .loose(),
    })
    .loose(),
  success: [200],
  source: SOURCE,
});

/** `GET /dr/v1/business/clinic/{clinic_id}`: a clinic's name and address. */
export const clinicDetails = defineEndpoint({
  id: 'practice.clinicDetails',
  method: 'GET',
  path: '/dr/v1/business/clinic/{clinic_id}',
  params: z.object({ clinic_id: z.string().min(1) }).strict(),
  headers: HEADERS,
  response: z
    .object({
      success: z.boolean().optional(),
      data: z
        .object({
          clinic: z
            .object({
              clinic_id: z.string(),
              name: z.string().optional(),
              address: z
                .object({
                  line1: z.string().optional(),
                  city: z.string().optional(),
                  state: z.string().optional(),
                  country: z.string().optional(),
                  pincode: z.string().optional(),
                  lat: z.string().optional(),
                  lon: z.string().optional(),
                })
                .loose()
                .optional(),
            })
            .loose(),
        })
        .loose(),
    })
    .loose(),
  success: [200],
  source: SOURCE,
});

/** `GET /dr/v1/doctor/service/{doctor_id}`: the services a doctor offers, with duration, modes and price. */
export const doctorServices = defineEndpoint({
  id: 'practice.doctorServices',
  method: 'GET',
  path: '/dr/v1/doctor/service/{doctor_id}',
  params: z.object({ doctor_id: z.string().min(1) }).strict(),
  headers: HEADERS,
  response: z
    .object({
      data: z
        .object({
          services: z.array(
            z
              .object({
                conf_id: z.string().optional(),
                service_name: z.string().optional(),
                appointment_type: z.string().optional(),
                archive: z.boolean().optional(),
                book_ahead_days: z.number().int().optional(),
                currency: z.string().optional(),
                /** Minutes. */
                duration: z.number().int().optional(),
                /** `tele`, `in-clinic`. */
                mode: z.array(z.string()).optional(),
                pre_pay: z.boolean().optional(),
                price: z.number().nullable().optional(),
              })
              .loose(),
          ),
        })
        .loose(),
    })
    .loose(),
  success: [200],
  source: SOURCE,
});

/** Every practice endpoint the product calls. */
export const practiceEndpoints = [businessEntities, doctorProfile, clinicDetails, doctorServices] as const;
