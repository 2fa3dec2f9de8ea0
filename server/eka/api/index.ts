/**
 * Every Eka endpoint the product calls, as one list (`ekaEndpoints`): the
 * authorization, patient, practice, appointment, ABHA and knowledge
 * descriptions written from Eka's published OpenAPI files.
 */
import { abhaEndpoints } from './abha';
import { appointmentEndpoints } from './appointments';
import { authEndpoints } from './auth';
import type { EkaEndpoint } from './endpoint';
import { knowledgeEndpoints } from './knowledge';
import { patientEndpoints } from './patients';
import { practiceEndpoints } from './practice';

/** Every described endpoint, by area. */
export const ekaEndpoints: readonly EkaEndpoint[] = [
  ...authEndpoints,
  ...patientEndpoints,
  ...practiceEndpoints,
  ...appointmentEndpoints,
  ...abhaEndpoints,
  ...knowledgeEndpoints,
];
