import { useCallback, useEffect, useMemo, useState } from 'react';
import type {
  ActivityNames,
  ActivityPage,
  ActivityQuery,
  ActivityRow,
  AppState,
  EkaApi,
} from '../../../app/ipc/contract';
import { istDateTime } from '../format';
import { useAction } from '../use-action';

const OUTCOME_LABELS: Record<ActivityRow['outcome'], string> = {
  ok: 'Done',
  error: 'Failed',
  refused: 'Refused (switched off)',
  declined: 'Not confirmed',
  invalid: 'Bad request',
};

const PAGE_SIZE = 100;

function clientLabel(row: ActivityRow): string {
  if (!row.clientName) return 'Unknown client';
  // Claude Desktop introduces itself as "claude-ai".
  const name = row.clientName === 'claude-ai' ? 'Claude Desktop' : row.clientName;
  return row.clientVersion ? `${name} ${row.clientVersion}` : name;
}

function named(ids: string[], names: Record<string, string>): string {
  return ids.map((id) => (names[id] ? `${names[id]} (${id})` : id)).join(', ');
}

/** Every tool call an assistant made through Eka MCP, newest first, with filters and CSV export. */
export function ActivityScreen({ eka, state }: { eka: EkaApi; state: AppState }) {
  const [query, setQuery] = useState<ActivityQuery>({});
  const [page, setPage] = useState<ActivityPage>();
  const [names, setNames] = useState<ActivityNames>();
  const [message, setMessage] = useState<string>();
  const [loadError, setLoadError] = useState<string>();
  const [confirmClear, setConfirmClear] = useState(false);
  const [limit, setLimit] = useState(PAGE_SIZE);
  const signedIn = state.settings.mode === 'oidc' && state.session.signedIn;

  const load = useCallback(() => {
    eka
      .getActivity({ ...query, limit })
      .then((next) => {
        setPage(next);
        setLoadError(undefined);
      })
      .catch((e: unknown) => setLoadError(e instanceof Error ? e.message : String(e)));
  }, [eka, query, limit]);

  useEffect(() => {
    load();
    return eka.on('activity', () => load());
  }, [eka, load]);

  // Names for the rows on screen only, fetched live from Eka; never stored.
  const rows = page?.rows ?? [];
  const idsKey = useMemo(() => {
    const patients = [...new Set(rows.flatMap((r) => r.patientIds))].slice(0, 100);
    const doctors = [...new Set(rows.flatMap((r) => r.doctorIds))].slice(0, 100);
    return JSON.stringify([patients, doctors]);
  }, [rows]);
  useEffect(() => {
    if (!signedIn) {
      setNames(undefined);
      return;
    }
    const [patientIds, doctorIds] = JSON.parse(idsKey) as [string[], string[]];
    if (patientIds.length === 0 && doctorIds.length === 0) return;
    let live = true;
    eka
      .getActivityNames({ patientIds, doctorIds })
      .then((found) => {
        if (live) setNames(found);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [eka, idsKey, signedIn]);

  const exportCsv = useAction(
    useCallback(async () => {
      const csv = await eka.exportActivityCsv(query);
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `eka-mcp-activity-${new Date().toISOString().slice(0, 10)}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setMessage('Activity saved as a CSV file (ids only).');
    }, [eka, query]),
  );
  const clear = useAction(
    useCallback(async () => {
      await eka.clearActivity();
      setConfirmClear(false);
      setMessage('The activity journal was cleared.');
      load();
    }, [eka, load]),
  );

  const set = <K extends keyof ActivityQuery>(key: K, value: ActivityQuery[K]) =>
    setQuery((q) => {
      const next = { ...q };
      if (value === undefined || value === '' || value === false) delete next[key];
      else next[key] = value;
      return next;
    });

  const patientNames = names?.patients ?? {};
  const doctorNames = names?.doctors ?? {};

  return (
    <div>
      <h1 tabIndex={-1}>Activity</h1>
      <p className="lead">
        Every request an AI assistant made to Eka through Eka MCP, newest first. Kept on this computer for{' '}
        {page?.retentionDays ?? 30} days, with Eka ids only.{' '}
        {signedIn
          ? 'Patient and doctor names are looked up from Eka for the rows you see.'
          : 'Sign in with your Eka account to see names instead of ids.'}
      </p>

      <form className="filters" aria-label="Filter the activity" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Assistant</span>
          <select value={query.client ?? ''} onChange={(e) => set('client', e.target.value || undefined)}>
            <option value="">All assistants</option>
            {(page?.clients ?? []).map((name) => (
              <option key={name} value={name}>
                {name === 'claude-ai' ? 'Claude Desktop' : name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Tool</span>
          <select value={query.tool ?? ''} onChange={(e) => set('tool', e.target.value || undefined)}>
            <option value="">All tools</option>
            {(page?.tools ?? []).map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={query.changesOnly === true}
            onChange={(e) => set('changesOnly', e.target.checked)}
          />
          <span>Changes only</span>
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={query.failuresOnly === true}
            onChange={(e) => set('failuresOnly', e.target.checked)}
          />
          <span>Failures only</span>
        </label>
      </form>

      <div className="actions">
        <button type="button" className="secondary" onClick={() => exportCsv.run()} disabled={!rows.length}>
          Export CSV
        </button>
        <button type="button" className="secondary" onClick={load}>
          Refresh
        </button>
        <button
          type="button"
          className="secondary"
          onClick={() => setConfirmClear(true)}
          disabled={!rows.length}
        >
          Clear activity…
        </button>
      </div>
      <div className="status-area small" aria-live="polite">
        {confirmClear ? (
          <div className="notice" role="alertdialog" aria-labelledby="clear-confirm">
            <p id="clear-confirm">Delete the whole activity journal? This cannot be undone.</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => clear.run()} disabled={clear.pending}>
                Delete the journal
              </button>
              <button type="button" className="secondary" onClick={() => setConfirmClear(false)}>
                Keep it
              </button>
            </div>
          </div>
        ) : null}
        {(loadError ?? exportCsv.error ?? clear.error) ? (
          <p className="error" role="alert">
            {loadError ?? exportCsv.error ?? clear.error}
          </p>
        ) : message ? (
          <p className="muted">{message}</p>
        ) : null}
      </div>

      {page ? <RetentionForm eka={eka} days={page.retentionDays} onSaved={load} /> : null}

      {page === undefined ? (
        <p className="muted">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="card" data-testid="activity-empty">
          {Object.keys(query).length > 0
            ? 'No requests match these filters.'
            : 'No requests yet. Once an assistant uses Eka MCP, every request shows here.'}
        </p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
        <section className="table-wrap" tabIndex={0} aria-label="Activity table">
          <table className="activity" data-testid="activity-table">
            <caption className="visually-hidden">Requests to Eka, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Time (IST)</th>
                <th scope="col">Assistant</th>
                <th scope="col">What</th>
                <th scope="col">Outcome</th>
                <th scope="col">Records</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-testid="activity-row" data-tool={row.tool}>
                  <td>
                    <time dateTime={new Date(row.time).toISOString()}>{istDateTime(row.time)}</time>
                  </td>
                  <td>{clientLabel(row)}</td>
                  <td>
                    <span className={row.kind === 'change' ? 'kind-change' : undefined}>{row.toolLabel}</span>
                    <span className="tool-kind">{row.kind === 'change' ? 'change' : 'read'}</span>
                    <span className="muted block">{row.tool}</span>
                  </td>
                  <td className={row.outcome === 'ok' ? 'outcome-ok' : 'outcome-bad'}>
                    {OUTCOME_LABELS[row.outcome]}
                    {row.errorCode ? <span className="muted block">{row.errorCode}</span> : null}
                  </td>
                  <td>
                    {row.patientIds.length ? (
                      <span className="block">
                        Patient: {named(row.patientIds.slice(0, 3), patientNames)}
                      </span>
                    ) : null}
                    {row.patientIds.length > 3 ? (
                      <span className="muted block">and {row.patientIds.length - 3} more patients</span>
                    ) : null}
                    {row.doctorIds.length ? (
                      <span className="block">Doctor: {named(row.doctorIds.slice(0, 3), doctorNames)}</span>
                    ) : null}
                    {row.appointmentIds.length ? (
                      <span className="block">Appointment: {row.appointmentIds.slice(0, 3).join(', ')}</span>
                    ) : null}
                    {row.clinicIds.length ? (
                      <span className="block">Clinic: {row.clinicIds.slice(0, 3).join(', ')}</span>
                    ) : null}
                  </td>
                  <td>{row.durationMs} ms</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {rows.length >= limit ? (
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setLimit((n) => n + PAGE_SIZE)}>
            Show older requests
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** How many days the journal keeps (older days are deleted). */
function RetentionForm({ eka, days, onSaved }: { eka: EkaApi; days: number; onSaved: () => void }) {
  const [value, setValue] = useState(String(days));
  const [done, setDone] = useState<string>();
  const save = useAction(
    useCallback(async () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1 || n > 3650)
        throw new Error('Enter a whole number of days from 1 to 3650.');
      await eka.setActivityRetention({ days: n });
      setDone(`Activity is now kept for ${n} days.`);
      onSaved();
    }, [eka, value, onSaved]),
  );
  return (
    <form
      className="filters"
      aria-label="How long to keep activity"
      onSubmit={(e) => {
        e.preventDefault();
        void save.run();
      }}
    >
      <label className="field">
        <span>Keep activity for (days)</span>
        <input
          type="number"
          min={1}
          max={3650}
          inputMode="numeric"
          value={value}
          onChange={(e) => {
            setValue(e.target.value);
            setDone(undefined);
          }}
        />
      </label>
      <button type="submit" className="secondary" disabled={save.pending || value === String(days)}>
        Save
      </button>
      <span className="status-area small" aria-live="polite">
        {save.error ? (
          <span className="error" role="alert">
            {save.error}
          </span>
        ) : done ? (
          <span className="success">{done}</span>
        ) : null}
      </span>
    </form>
  );
}
