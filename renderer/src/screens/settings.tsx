import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { AppState, CredentialsTest, EkaApi, Environment, Mode } from '../../../app/ipc/contract';
import { PermissionsSection } from '../components/permissions-section';
import { ENVIRONMENT_LABELS, MODE_LABELS } from '../format';
import { useAction } from '../use-action';

const MODE_HELP: Record<Mode, string> = {
  oidc: 'Sign in with your Eka.care account. Recommended for clinicians.',
  'client-credentials': 'Use the client id, secret and API key your IT team received from Eka.',
  open: 'No sign-in: requests to Eka carry no token. For development and internal servers only.',
};

interface Draft {
  mode: Mode;
  environment: Environment;
  apiBaseUrl: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  apiKey: string;
  launchAtLogin: boolean;
  signInFromTools: boolean;
  autoUpdate: boolean;
}

function draftFrom(state: AppState): Draft {
  const s = state.settings;
  return {
    mode: s.mode,
    environment: s.environment,
    apiBaseUrl: s.apiBaseUrl,
    issuer: s.issuer,
    clientId: s.clientId,
    clientSecret: '',
    apiKey: '',
    launchAtLogin: s.launchAtLogin,
    signInFromTools: s.signInFromTools,
    autoUpdate: s.autoUpdate,
  };
}

function sameDraft(a: Draft, b: Draft): boolean {
  return (
    a.mode === b.mode &&
    a.environment === b.environment &&
    a.apiBaseUrl.trim() === b.apiBaseUrl.trim() &&
    a.issuer.trim() === b.issuer.trim() &&
    (a.mode !== 'client-credentials' || a.clientId.trim() === b.clientId.trim()) &&
    a.launchAtLogin === b.launchAtLogin &&
    a.clientSecret === '' &&
    a.apiKey === ''
  );
}

/** How Eka MCP signs in, Advanced addresses and open mode, launch at login, and what assistants may do. */
export function SettingsScreen({
  eka,
  state,
  onUnsavedChange,
}: {
  eka: EkaApi;
  state: AppState;
  onUnsavedChange?: (dirty: boolean) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftFrom(state));
  const [saved, setSaved] = useState<string>();
  const [test, setTest] = useState<CredentialsTest>();
  const { settings } = state;
  const baseline = draftFrom(state);
  const dirty = !sameDraft(draft, baseline);

  useEffect(() => {
    onUnsavedChange?.(dirty);
  }, [dirty, onUnsavedChange]);
  useEffect(() => () => onUnsavedChange?.(false), [onUnsavedChange]);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(undefined);
    setTest(undefined);
  };

  const persist = useCallback(async () => {
    if (draft.mode === 'client-credentials') {
      await eka.saveCredentials({
        clientId: draft.clientId,
        clientSecret: draft.clientSecret || undefined,
        apiKey: draft.apiKey || undefined,
      });
    }
    const result = await eka.saveSettings({
      mode: draft.mode,
      environment: draft.environment,
      apiBaseUrl: draft.apiBaseUrl.trim() || undefined,
      issuer: draft.issuer.trim() || undefined,
      clientId: draft.mode === 'client-credentials' ? draft.clientId : undefined,
      launchAtLogin: draft.launchAtLogin,
      signInFromTools: draft.signInFromTools,
      autoUpdate: draft.autoUpdate,
    });
    setDraft((d) => ({ ...d, clientSecret: '', apiKey: '' }));
    return result;
  }, [eka, draft]);

  const save = useAction(persist);
  // Tests exactly what is typed; saves and switches nothing.
  const testCredentials = useAction(
    useCallback(async () => {
      setTest(undefined);
      const result = await eka.testCredentials({
        clientId: draft.clientId,
        clientSecret: draft.clientSecret || undefined,
        apiKey: draft.apiKey || undefined,
      });
      setTest(result);
      return result;
    }, [eka, draft.clientId, draft.clientSecret, draft.apiKey]),
  );

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setTest(undefined);
    const result = await save.run();
    if (result) setSaved('Settings saved. Assistants use them from their next start.');
  };

  const busy = save.pending || testCredentials.pending;
  const cc = draft.mode === 'client-credentials';
  const open = draft.mode === 'open';

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>Settings</h1>
      <form className="card form" onSubmit={onSubmit} noValidate aria-labelledby="signin-settings">
        <h2 id="signin-settings">Signing in to Eka</h2>
        <fieldset>
          <legend>How Eka MCP signs in to Eka</legend>
          {(['oidc', 'client-credentials'] as const).map((mode) => (
            <label key={mode} className="radio">
              <input
                type="radio"
                name="mode"
                value={mode}
                checked={draft.mode === mode}
                onChange={() => set('mode', mode)}
                aria-describedby={`mode-help-${mode}`}
              />
              <span>
                <strong>{MODE_LABELS[mode]}</strong>
                <span className="muted block" id={`mode-help-${mode}`}>
                  {MODE_HELP[mode]}
                </span>
              </span>
            </label>
          ))}
          {open ? (
            <p className="notice">Open mode is on (under Advanced): Eka will refuse most requests.</p>
          ) : null}
        </fieldset>

        {cc ? (
          <fieldset>
            <legend>Client credentials</legend>
            <label className="field">
              <span>Client id</span>
              <input
                name="clientId"
                autoComplete="off"
                spellCheck={false}
                value={draft.clientId}
                onChange={(e) => set('clientId', e.target.value)}
              />
            </label>
            <label className="field">
              <span>Client secret</span>
              <input
                name="clientSecret"
                type="password"
                autoComplete="new-password"
                value={draft.clientSecret}
                placeholder={settings.hasClientSecret ? 'Saved in the keychain; type to replace' : ''}
                onChange={(e) => set('clientSecret', e.target.value)}
              />
            </label>
            <label className="field">
              <span>API key (optional)</span>
              <input
                name="apiKey"
                type="password"
                autoComplete="new-password"
                value={draft.apiKey}
                placeholder={settings.hasApiKey ? 'Saved in the keychain; type to replace' : ''}
                onChange={(e) => set('apiKey', e.target.value)}
              />
            </label>
            <p className="muted">
              The secret and API key are kept in your system keychain, never in a file. “Test credentials”
              checks what you typed with Eka without saving it.
            </p>
          </fieldset>
        ) : null}

        {draft.mode === 'oidc' ? (
          <label className="checkbox">
            <input
              type="checkbox"
              name="signInFromTools"
              checked={draft.signInFromTools}
              onChange={(e) => set('signInFromTools', e.target.checked)}
            />
            <span>
              Let my assistant start "Sign in with Eka" when it needs it (turn off on a shared computer)
            </span>
          </label>
        ) : null}

        <label className="checkbox">
          <input
            type="checkbox"
            name="launchAtLogin"
            checked={draft.launchAtLogin}
            onChange={(e) => set('launchAtLogin', e.target.checked)}
          />
          <span>Start Eka MCP when I log in to this computer</span>
        </label>

        <label className="checkbox">
          <input
            type="checkbox"
            name="autoUpdate"
            checked={draft.autoUpdate}
            onChange={(e) => set('autoUpdate', e.target.checked)}
          />
          <span>Update automatically</span>
        </label>

        <details className="advanced" open={open || undefined}>
          <summary>Advanced</summary>
          <fieldset>
            <legend>Eka environment and addresses</legend>
            <label className="field">
              <span>Environment</span>
              <select
                name="environment"
                value={draft.environment}
                onChange={(e) => {
                  // A new environment starts from its own default addresses.
                  setDraft((d) => ({
                    ...d,
                    environment: e.target.value as Environment,
                    apiBaseUrl: '',
                    issuer: '',
                  }));
                  setSaved(undefined);
                }}
              >
                {(Object.keys(ENVIRONMENT_LABELS) as Environment[]).map((env) => (
                  <option key={env} value={env}>
                    {ENVIRONMENT_LABELS[env]}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>API base URL</span>
              <input
                name="apiBaseUrl"
                type="url"
                spellCheck={false}
                value={draft.apiBaseUrl}
                placeholder={`Default for ${ENVIRONMENT_LABELS[draft.environment]}`}
                onChange={(e) => set('apiBaseUrl', e.target.value)}
              />
            </label>
            <label className="field">
              <span>Sign-in issuer URL</span>
              <input
                name="issuer"
                type="url"
                spellCheck={false}
                value={draft.issuer}
                placeholder={`Default for ${ENVIRONMENT_LABELS[draft.environment]}`}
                onChange={(e) => set('issuer', e.target.value)}
              />
            </label>
            <label className="checkbox">
              <input
                type="checkbox"
                name="openMode"
                checked={open}
                onChange={(e) => set('mode', e.target.checked ? 'open' : 'oidc')}
                aria-describedby="mode-help-open"
              />
              <span>
                <strong>{MODE_LABELS.open}</strong>
                <span className="muted block" id="mode-help-open">
                  {MODE_HELP.open}
                </span>
              </span>
            </label>
          </fieldset>
        </details>

        <div className="status-area" aria-live="polite">
          {(save.error ?? testCredentials.error) ? (
            <p className="error" role="alert">
              {save.error ?? testCredentials.error}
            </p>
          ) : test ? (
            <p className={test.ok ? 'success' : 'error'} data-testid="credentials-result">
              {test.message}
            </p>
          ) : saved ? (
            <p className="success">{saved}</p>
          ) : dirty ? (
            <p className="muted" data-testid="unsaved">
              You have changes that are not saved yet.
            </p>
          ) : null}
        </div>

        <div className="actions">
          <button type="submit" className="primary" disabled={busy || !dirty}>
            {save.pending ? 'Saving…' : 'Save'}
          </button>
          {cc ? (
            <button
              type="button"
              className="secondary"
              disabled={busy || draft.clientId.trim() === ''}
              onClick={() => testCredentials.run()}
            >
              {testCredentials.pending ? 'Testing…' : 'Test credentials'}
            </button>
          ) : null}
          {dirty ? (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                setDraft(draftFrom(state));
                setTest(undefined);
              }}
            >
              Discard changes
            </button>
          ) : null}
        </div>
      </form>

      <PermissionsSection eka={eka} />
    </div>
  );
}
