import { useCallback } from 'react';
import type { ClientView, EkaApi } from '../../../app/ipc/contract';
import { useAction } from '../use-action';

const STATE_LABELS: Record<ClientView['state'], string> = {
  'not-installed': 'Not installed',
  'not-connected': 'Not connected',
  connected: 'Connected',
  outdated: 'Needs reconnecting',
  unreadable: 'Config file has a problem',
};

/** One MCP client: its status and Connect / Reconnect / Disconnect. */
export function ClientCard({ eka, client }: { eka: EkaApi; client: ClientView }) {
  const connect = useAction(useCallback(() => eka.connectClient({ client: client.id }), [eka, client.id]));
  const disconnect = useAction(
    useCallback(() => eka.disconnectClient({ client: client.id }), [eka, client.id]),
  );
  const busy = connect.pending || disconnect.pending;
  const headingId = `client-${client.id}`;
  const error = connect.error ?? disconnect.error;
  const connected = client.state === 'connected';

  return (
    <article className="card client" aria-labelledby={headingId} data-client={client.id}>
      <div className="client-head">
        <h3 id={headingId}>{client.name}</h3>
        <span className={`badge badge-${client.state}`}>{STATE_LABELS[client.state]}</span>
      </div>
      <p className="muted path" title={client.configPath}>
        {client.configPath}
      </p>
      {client.detail ? <p className="muted">{client.detail}</p> : null}
      <div className="status-area small" aria-live="polite">
        {client.restartNeeded ? (
          <p className="notice">Quit and reopen {client.name} to use the change.</p>
        ) : null}
        {client.removedSecrets ? (
          <p className="notice">
            The entry it replaced carried secrets ({client.removedSecrets.join(', ')}): they were removed, and
            the backup does not keep them.
          </p>
        ) : null}
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="actions">
        {connected ? null : (
          <button
            type="button"
            className="primary"
            onClick={() => connect.run()}
            disabled={busy || client.state === 'unreadable'}
            aria-label={`${client.state === 'outdated' ? 'Reconnect' : 'Connect'} ${client.name}`}
          >
            {client.state === 'outdated' ? 'Reconnect' : 'Connect'}
          </button>
        )}
        {connected ? (
          <button
            type="button"
            className="secondary"
            onClick={() => connect.run()}
            disabled={busy}
            aria-label={`Reconnect ${client.name}`}
          >
            Reconnect
          </button>
        ) : null}
        {connected || client.state === 'outdated' ? (
          <button
            type="button"
            className="secondary"
            onClick={() => disconnect.run()}
            disabled={busy}
            aria-label={`Disconnect ${client.name}`}
          >
            Disconnect
          </button>
        ) : null}
      </div>
    </article>
  );
}
