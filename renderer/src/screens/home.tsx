import { useCallback } from 'react';
import type { AppState, EkaApi } from '../../../app/ipc/contract';
import { ClientCard } from '../components/client-card';
import { clockTime, ENVIRONMENT_LABELS, MODE_LABELS, relativeTime } from '../format';
import { useAction } from '../use-action';
import { useNow } from '../use-app-state';

/** Who is signed in, token status, server health and one card per MCP client. */
export function HomeScreen({ eka, state }: { eka: EkaApi; state: AppState }) {
  const now = useNow();
  const signOut = useAction(useCallback(() => eka.signOut(), [eka]));
  const check = useAction(useCallback(() => eka.checkServer(), [eka]));
  const { session, settings, server } = state;
  const expired = session.expiresAt !== undefined && session.expiresAt <= now;

  return (
    <div>
      <h1 tabIndex={-1}>Home</h1>
      <div className="grid">
        <section className="card" aria-labelledby="account-heading">
          <h2 id="account-heading">Account</h2>
          <dl className="facts">
            {settings.mode === 'oidc' ? (
              <>
                <dt>Signed in as</dt>
                <dd data-testid="clinician">{session.name ?? session.email ?? 'Signed in'}</dd>
                {session.email && session.name ? (
                  <>
                    <dt>Email</dt>
                    <dd>{session.email}</dd>
                  </>
                ) : null}
              </>
            ) : settings.mode === 'client-credentials' ? (
              <>
                <dt>Client id</dt>
                <dd>{settings.clientId || 'Not set'}</dd>
              </>
            ) : null}
            <dt>Mode</dt>
            <dd>{MODE_LABELS[settings.mode]}</dd>
            <dt>Environment</dt>
            <dd>{ENVIRONMENT_LABELS[settings.environment]}</dd>
            {settings.mode === 'oidc' ? (
              <>
                <dt>Access token</dt>
                <dd data-testid="token-expiry">
                  {session.expiresAt === undefined
                    ? 'Unknown'
                    : expired
                      ? `Expired ${relativeTime(session.expiresAt, now)}, renews on next use`
                      : `Expires ${relativeTime(session.expiresAt, now)} (${clockTime(session.expiresAt)})`}
                </dd>
                <dt>Last refresh</dt>
                <dd>{session.lastRefreshAt ? relativeTime(session.lastRefreshAt, now) : 'Not yet'}</dd>
              </>
            ) : null}
          </dl>
          {session.lastError && session.signedIn ? <p className="warning">{session.lastError}</p> : null}
          {settings.mode === 'oidc' ? (
            <div className="actions">
              <button
                type="button"
                className="secondary"
                onClick={() => signOut.run()}
                disabled={signOut.pending}
              >
                Sign out
              </button>
            </div>
          ) : null}
          {signOut.error ? (
            <p className="error" role="alert">
              {signOut.error}
            </p>
          ) : null}
        </section>
        <section className="card" aria-labelledby="server-heading">
          <h2 id="server-heading">Connection to Eka</h2>
          <div
            className={`verdict verdict-${server.verdict ?? 'checking'}`}
            data-testid="health"
            data-verdict={server.verdict ?? 'checking'}
          >
            <strong>{server.headline ?? serverLabel(server.state)}</strong>
            {server.advice ? <span>{server.advice}</span> : null}
          </div>
          <p className="muted small" data-testid="server-state">
            Server: {serverLabel(server.state)}
          </p>
          <dl className="facts">
            <dt>Tools</dt>
            <dd>{server.toolCount ?? '—'}</dd>
            <dt>Response time</dt>
            <dd>{server.latencyMs !== undefined ? `${server.latencyMs} ms` : '—'}</dd>
            <dt>Restarts</dt>
            <dd>{server.restarts}</dd>
          </dl>
          {server.message ? <p className="muted">{server.message}</p> : null}
          <div className="actions">
            <button type="button" className="secondary" onClick={() => check.run()} disabled={check.pending}>
              {check.pending ? 'Checking…' : 'Check now'}
            </button>
          </div>
          {check.error ? (
            <p className="error" role="alert">
              {check.error}
            </p>
          ) : null}
        </section>
      </div>
      <section aria-labelledby="clients-heading">
        <h2 id="clients-heading">AI assistants</h2>
        <p className="muted">Start with Claude Desktop; the others connect the same way.</p>
        <ul className="clients">
          {[...state.clients]
            .sort((a, b) => Number(b.startHere === true) - Number(a.startHere === true))
            .map((client) => (
              <li key={client.id}>
                <ClientCard eka={eka} client={client} now={now} />
              </li>
            ))}
        </ul>
      </section>
    </div>
  );
}

function serverLabel(state: AppState['server']['state']): string {
  switch (state) {
    case 'ok':
      return 'Running';
    case 'starting':
      return 'Starting…';
    case 'down':
      return 'Not running';
    default:
      return 'Stopped';
  }
}
