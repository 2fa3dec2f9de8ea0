import type { Route } from './router';
import { authRoutes } from './routes-auth';
import { patientRoutes } from './routes-patients';

/** Every route of the sandbox's Eka API. */
export const apiRoutes: Route[] = [...authRoutes, ...patientRoutes];
