import type { Route } from './router';
import { abhaRoutes } from './routes-abha';
import { appointmentRoutes } from './routes-appointments';
import { authRoutes } from './routes-auth';
import { knowledgeRoutes } from './routes-knowledge';
import { patientRoutes } from './routes-patients';
import { practiceRoutes } from './routes-practice';

/** Every route of the sandbox's Eka API (more specific paths first). */
export const apiRoutes: Route[] = [
  ...authRoutes,
  ...patientRoutes,
  ...appointmentRoutes,
  ...practiceRoutes,
  ...abhaRoutes,
  ...knowledgeRoutes,
];
