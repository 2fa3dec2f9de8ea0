import { useCallback, useState } from 'react';
import type { ClientView, EkaApi, LastUseView } from '../../../app/ipc/contract';
import { relativeTime } from '../format';
import { useAction } from '../use-action';

const STATE_LABELS: Record<ClientView['state'], string> = {
  'not-installed': 'Not installed',
  'not-connected': 'Not connected',
  connected: 'Connected',
  outdated: 'Needs reconnecting',
  unreadable: 'Config file has a problem',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "Claude Desktop used Eka MCP 2 min ago: 3 reads, 1 change". */
export function lastUseText(name: string, use: LastUseView, now: number): string {
  const parts = [];
  if (use.reads) parts.push(plural(use.reads, 'read'));
  if (use.changes) parts.push(plural(use.changes, 'change'));
  if (use.failures) parts.push(`${use.failures} failed`);
  const when = now - use.at < 60_000 ? 'just now' : relativeTime(use.at, now);
  return `${name} used Eka MCP ${when}${parts.length ? `: ${parts.join(', ')}` : ''}.`;
}

/** One MCP client: its status, when it last used Eka MCP, what to do next, and Connect / Disconnect. */
export function ClientCard({ eka, client, now }: { eka: EkaApi; client: ClientView; now: number }) {
  const [confirmCreate, setConfirmCreate] = useState(false);
  const connect = useAction(
    useCallback(
      (create?: boolean) => eka.connectClient(create ? { client: client.id, create } : { client: client.id }),
      [eka, client.id],
    ),
  );
  const disconnect = useAction(
    useCallback(() => eka.disconnectClient({ client: client.id }), [eka, client.id]),
  );
  const dismiss = useAction(
    useCallback(() => eka.dismissClientNotice({ client: client.id }), [eka, client.id]),
  );
  const busy = connect.pending || disconnect.pending;
  const headingId = `client-${client.id}`;
  const error = connect.error ?? disconnect.error;
  const connected = client.state === 'connected';
  const notInstalled = client.state === 'not-installed';

  const onConnect = () => {
    // A client that is not installed: ask before creating its folder and file.
    if (notInstalled) setConfirmCreate(true);
    else void connect.run();
  };

  return (
    <article
      className={`card client${client.startHere ? ' featured' : ''}`}
      aria-labelledby={headingId}
      data-client={client.id}
    >
      <div className="client-head">
        <h3 id={headingId}>
          {client.name}
          {client.startHere ? <span className="start-here">Start here</span> : null}
        </h3>
        <span className={`badge badge-${client.state}`}>{STATE_LABELS[client.state]}</span>
      </div>
      <p className="muted path" title={client.configPath}>
        {client.configPath}
      </p>
      {client.detail ? <p className="muted">{client.detail}</p> : null}
      {client.lastUse ? (
        <p className="last-use" data-testid="last-use">
          {lastUseText(client.name, client.lastUse, now)}
        </p>
      ) : null}
      <div className="status-area small" aria-live="polite">
        {client.notice ? (
          <div
            className={`notice-row ${client.notice.kind === 'first-call' ? 'success' : 'notice'}`}
            data-testid="client-notice"
          >
            <p>{client.notice.text}</p>
            <button
              type="button"
              className="link dismiss"
              onClick={() => dismiss.run()}
              aria-label={`Dismiss this message about ${client.name}`}
            >
              Dismiss
            </button>
          </div>
        ) : client.restartNeeded ? (
          <p className="notice">Quit and reopen {client.name} to use the change.</p>
        ) : null}
        {client.removedSecrets ? (
          <p className="notice">
            The entry it replaced carried secrets ({client.removedSecrets.join(', ')}): they were removed, and
            the backup does not keep them.
          </p>
        ) : null}
        {confirmCreate ? (
          <div className="notice" role="alertdialog" aria-labelledby={`${headingId}-confirm`}>
            <p id={`${headingId}-confirm`}>
              {client.name} does not seem to be installed on this computer. Create its settings file anyway,
              so Eka MCP is ready once you install it?
            </p>
            <div className="actions">
              <button
                type="button"
                className="primary"
                onClick={() => {
                  setConfirmCreate(false);
                  void connect.run(true);
                }}
              >
                Create and connect
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmCreate(false)}>
                Cancel
              </button>
            </div>
          </div>
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
            className={client.startHere || !notInstalled ? 'primary' : 'secondary'}
            onClick={onConnect}
            disabled={busy || client.state === 'unreadable' || confirmCreate}
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
