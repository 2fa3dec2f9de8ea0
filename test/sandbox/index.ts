import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ISSUER_PATH, SANDBOX_API_PORT, SANDBOX_ISSUER_PORT } from '../../server/config/environments';
import { createApiHandler } from './api/api-handler';
import type { ApiContext } from './api/context';
import { FaultTable } from './api/faults';
import { Router } from './api/router';
import { apiRoutes } from './api/routes';
import { createAdminHandler } from './api/routes-admin';
import { TokenAuthority } from './api/token-authority';
import {
  CLINICIAN,
  DESKTOP_CLIENT_ID,
  INTEGRATOR_API_KEY,
  INTEGRATOR_CLIENT_ID,
  INTEGRATOR_CLIENT_SECRET,
  SERVER_CLIENT_ID,
  SERVER_CLIENT_SECRET,
} from './credentials';
import { createIssuerHandler } from './oidc/issuer-handler';
import { createSandboxProvider } from './oidc/provider';
import { seedAppointments } from './seed/appointments';
import { seedPatients } from './seed/patients';
import type { RequestLogEntry, Sandbox, SandboxInfo, SandboxOptions } from './types';

export { tokenFingerprint } from './api/api-handler';
export type * from './types';

const HOST = '127.0.0.1';
const IST_OFFSET_MS = 5.5 * 3600 * 1000;

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a positive whole number of seconds`);
  return value;
}

/** 00:00 IST of the current day, in epoch ms. */
function startOfTodayIst(now = Date.now()): number {
  const day = 24 * 3600 * 1000;
  return Math.floor((now + IST_OFFSET_MS) / day) * day - IST_OFFSET_MS;
}

/**
 * Starts the Eka sandbox: an OpenID provider and the Eka API on 127.0.0.1,
 * with seeded data, fault injection and a request log.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const accessTokenTtl = positive(options.accessTokenTtl, 3600, 'accessTokenTtl');
  const refreshTokenTtl = positive(options.refreshTokenTtl, 14 * 24 * 3600, 'refreshTokenTtl');
  const idTokenTtl = positive(options.idTokenTtl, 3600, 'idTokenTtl');
  const clientCredentialsTtl = positive(options.clientCredentialsTtl, 1800, 'clientCredentialsTtl');
  const scopesSupported = options.scopesSupported ?? ['openid', 'profile', 'email', 'offline_access'];
  if (!scopesSupported.includes('openid')) throw new TypeError('scopesSupported must include "openid"');
  const unknownScope = scopesSupported.find(
    (scope) => !['openid', 'profile', 'email', 'offline_access'].includes(scope),
  );
  if (unknownScope !== undefined) throw new TypeError(`The sandbox provider has no scope "${unknownScope}"`);

  const issuerServer = createServer();
  const apiServer = createServer();
  try {
    const issuerPort = await listen(issuerServer, options.issuerPort ?? SANDBOX_ISSUER_PORT);
    const apiPort = await listen(apiServer, options.apiPort ?? SANDBOX_API_PORT);
    // Under a path, as Eka's is (https://accounts.eka.care/oauth2).
    const issuer = `http://${HOST}:${issuerPort}${ISSUER_PATH}`;
    const apiBaseUrl = `http://${HOST}:${apiPort}`;

    const op = await createSandboxProvider({
      issuer,
      apiBaseUrl,
      accessTokenTtl,
      refreshTokenTtl,
      idTokenTtl,
      serverRedirectUris: options.serverRedirectUris ?? [],
      scopesSupported,
    });
    issuerServer.on('request', createIssuerHandler(op.provider, ISSUER_PATH));

    const tokens = await TokenAuthority.create({
      issuer,
      apiBaseUrl,
      provider: op.provider,
      providerJwks: op.publicJwks,
      clientCredentialsTtl,
      refreshTokenTtl,
      ekaAccessTokenTtl: accessTokenTtl,
      providerTokenClients: options.acceptProviderTokens
        ? [SERVER_CLIENT_ID, DESKTOP_CLIENT_ID]
        : [SERVER_CLIENT_ID],
    });
    const patients = seedPatients();
    const scheduleStart = startOfTodayIst();
    const api: ApiContext = {
      apiBaseUrl,
      integrator: {
        clientId: INTEGRATOR_CLIENT_ID,
        clientSecret: INTEGRATOR_CLIENT_SECRET,
        apiKey: INTEGRATOR_API_KEY,
      },
      tokens,
      patients: new Map(patients.map((p) => [p.oid, p])),
      appointments: new Map(seedAppointments(patients, scheduleStart).map((a) => [a.appointment_id, a])),
      abhaTransactions: new Map(),
      scheduleStart,
      counters: { nextPatient: 1, nextAppointment: 1 },
    };
    const faults = new FaultTable();
    const log: RequestLogEntry[] = [];
    apiServer.on(
      'request',
      createApiHandler({
        api,
        router: new Router(apiRoutes),
        faults,
        log,
        admin: createAdminHandler(faults, log),
      }),
    );

    const info: SandboxInfo = {
      issuer,
      apiBaseUrl,
      clinician: {
        username: CLINICIAN.username,
        password: CLINICIAN.password,
        name: CLINICIAN.name,
        email: CLINICIAN.email,
      },
      clients: {
        desktop: { client_id: DESKTOP_CLIENT_ID },
        server: { client_id: SERVER_CLIENT_ID, client_secret: SERVER_CLIENT_SECRET },
        integrator: {
          client_id: INTEGRATOR_CLIENT_ID,
          client_secret: INTEGRATOR_CLIENT_SECRET,
          api_key: INTEGRATOR_API_KEY,
        },
      },
    };
    let stopped: Promise<void> | undefined;
    return {
      ...info,
      faults: {
        add: (rule) => faults.add(rule),
        clear: () => faults.clear(),
        list: () => faults.list(),
      },
      oidc: { stats: () => op.stats() },
      tokens: {
        revokeAccessToken: (token) => tokens.revokeAccessToken(token),
        stats: () => tokens.stats(),
        oidcStats: () => tokens.oidcStats(),
      },
      requests: {
        list: () => log.map((entry) => ({ ...entry })),
        clear: () => {
          log.length = 0;
        },
      },
      stop() {
        stopped ??= Promise.all([close(issuerServer), close(apiServer)]).then(() => undefined);
        return stopped;
      },
    };
  } catch (error) {
    await Promise.all([close(issuerServer), close(apiServer)]);
    throw error;
  }
}
