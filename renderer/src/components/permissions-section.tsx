import { useCallback, useEffect, useState } from 'react';
import type { EkaApi, PermissionsView, PresetName } from '../../../app/ipc/contract';

const PRESETS: { name: PresetName; label: string; help: string }[] = [
  { name: 'read-only', label: 'Read only', help: 'Look things up; never add, change or cancel anything.' },
  {
    name: 'appointments',
    label: 'Read and manage appointments',
    help: 'Look things up, and book, complete or cancel appointments.',
  },
  {
    name: 'all',
    label: 'Everything',
    help: 'Every Eka tool, including adding, updating and archiving patients.',
  },
];

/**
 * "What assistants may do": a preset, then a switch per tool, and "ask first"
 * for tools that cannot be undone. Each change is saved at once and running
 * assistants see it at once.
 */
export function PermissionsSection({ eka }: { eka: EkaApi }) {
  const [view, setView] = useState<PermissionsView>();
  const [status, setStatus] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  useEffect(() => {
    eka
      .getPermissions()
      .then(setView)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [eka]);

  const apply = useCallback(
    async (
      shown: (current: PermissionsView) => PermissionsView,
      change: () => Promise<PermissionsView>,
      done: string,
    ) => {
      // Show the choice at once; the saved state replaces it (or the old one comes back on failure).
      let before: PermissionsView | undefined;
      setView((current) => {
        before = current;
        return current ? shown(current) : current;
      });
      setPending(true);
      setError(undefined);
      try {
        setView(await change());
        setStatus(`${done} Assistants that are running see this at once.`);
      } catch (e) {
        setView(before);
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setPending(false);
      }
    },
    [],
  );

  return (
    <section className="card form" aria-labelledby="permissions-heading" data-testid="permissions">
      <h2 id="permissions-heading">What assistants may do</h2>
      <p className="muted">
        Choose what Claude and other assistants may do in your Eka practice. A tool that is off is hidden from
        assistants, and a request for it is refused.
      </p>
      {view === undefined ? (
        error ? null : (
          <p className="muted">Loading…</p>
        )
      ) : (
        <>
          <fieldset disabled={pending}>
            <legend>Preset</legend>
            {PRESETS.map((preset) => (
              <label key={preset.name} className="radio">
                <input
                  type="radio"
                  name="preset"
                  value={preset.name}
                  checked={view.preset === preset.name}
                  aria-describedby={`preset-help-${preset.name}`}
                  onChange={() =>
                    void apply(
                      (v) => ({ ...v, preset: preset.name }),
                      () => eka.setToolPreset({ preset: preset.name }),
                      `Preset set to ${preset.label}.`,
                    )
                  }
                />
                <span>
                  <strong>{preset.label}</strong>
                  <span className="muted block" id={`preset-help-${preset.name}`}>
                    {preset.help}
                  </span>
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset disabled={pending}>
            <legend>Each tool</legend>
            <ul className="tool-list">
              {view.tools.map((tool) => (
                <li key={tool.name} data-tool={tool.name}>
                  <label className="checkbox">
                    <input
                      type="checkbox"
                      role="switch"
                      checked={tool.enabled}
                      aria-checked={tool.enabled}
                      onChange={(e) =>
                        void apply(
                          (v) => ({
                            ...v,
                            tools: v.tools.map((t) =>
                              t.name === tool.name ? { ...t, enabled: !tool.enabled } : t,
                            ),
                          }),
                          () => eka.setToolEnabled({ name: tool.name, enabled: e.target.checked }),
                          `${tool.label}: ${e.target.checked ? 'on' : 'off'}.`,
                        )
                      }
                    />
                    <span>
                      {tool.label}
                      <span className="tool-kind">{tool.kind === 'read' ? 'reads' : 'changes'}</span>
                    </span>
                  </label>
                  {tool.destructive ? (
                    <label className="checkbox">
                      <input
                        type="checkbox"
                        checked={tool.askFirst}
                        disabled={!tool.enabled}
                        onChange={(e) =>
                          void apply(
                            (v) => ({
                              ...v,
                              tools: v.tools.map((t) =>
                                t.name === tool.name ? { ...t, askFirst: !tool.askFirst } : t,
                              ),
                            }),
                            () => eka.setToolAskFirst({ name: tool.name, askFirst: e.target.checked }),
                            `${tool.label}: ${e.target.checked ? 'asks first' : 'no longer asks first'}.`,
                          )
                        }
                      />
                      <span>Ask me first</span>
                    </label>
                  ) : null}
                </li>
              ))}
            </ul>
            <p className="muted">
              “Ask me first”: the assistant must get your yes in its own window before Eka MCP sends the
              request (in assistants that can ask).
            </p>
          </fieldset>
        </>
      )}
      <div className="status-area small" aria-live="polite">
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : status ? (
          <p className="success" data-testid="permissions-status">
            {status}
          </p>
        ) : null}
      </div>
    </section>
  );
}
