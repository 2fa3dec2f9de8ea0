import { useCallback, useEffect, useState } from 'react';
import type { EkaApi, LogLine } from '../../../app/ipc/contract';

const MAX_LINES = 500;

function asText(lines: LogLine[]): string {
  return lines.map((l) => `${new Date(l.time).toISOString()} [${l.source}] ${l.text}`).join('\n');
}

/** The server's and the app's recent log lines (already redacted), with copy and save. */
export function LogsScreen({ eka }: { eka: EkaApi }) {
  const [lines, setLines] = useState<LogLine[]>();
  const [message, setMessage] = useState<string>();

  const load = useCallback(() => {
    eka
      .getLogs()
      .then(setLines)
      .catch((e: unknown) => setMessage(e instanceof Error ? e.message : String(e)));
  }, [eka]);

  useEffect(() => {
    load();
    return eka.on('log', (added) =>
      setLines((prev) => (prev ? [...prev, ...added].slice(-MAX_LINES) : prev)),
    );
  }, [eka, load]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(asText(lines ?? []));
      setMessage('Logs copied to the clipboard.');
    } catch {
      setMessage('Could not copy; use Save instead.');
    }
  };

  const save = () => {
    const url = URL.createObjectURL(new Blob([`${asText(lines ?? [])}\n`], { type: 'text/plain' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `eka-mcp-logs-${new Date().toISOString().slice(0, 19).replaceAll(':', '-')}.txt`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setMessage('Logs saved.');
  };

  return (
    <div>
      <h1 tabIndex={-1}>Logs</h1>
      <p className="lead">
        Recent messages from the Eka MCP server and the app. Tokens, secrets and patient details are removed.
      </p>
      <div className="actions">
        <button type="button" className="secondary" onClick={copy} disabled={!lines?.length}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={save} disabled={!lines?.length}>
          Save
        </button>
        <button type="button" className="secondary" onClick={load}>
          Refresh
        </button>
      </div>
      <div className="status-area small" aria-live="polite">
        {message ? <p className="muted">{message}</p> : null}
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <div className="log" role="log" aria-label="Log lines" tabIndex={0}>
        {lines === undefined ? (
          <p className="muted">Loading…</p>
        ) : lines.length === 0 ? (
          <p className="muted">No messages yet.</p>
        ) : (
          lines.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: log lines have no identity
            <div key={i} className={`log-line log-${line.source}`}>
              <time dateTime={new Date(line.time).toISOString()}>
                {new Date(line.time).toLocaleTimeString()}
              </time>{' '}
              <span className="log-source">{line.source}</span> <span>{line.text}</span>
            </div>
          ))
        )}
      </div>
    </div>
  );
}
