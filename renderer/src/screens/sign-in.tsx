import { useCallback } from 'react';
import type { AppState, EkaApi } from '../../../app/ipc/contract';
import { ENVIRONMENT_LABELS } from '../format';
import { useAction } from '../use-action';

/** "Sign in with Eka": the button, the waiting state while the browser is open, Cancel, errors. */
export function SignInScreen({
  eka,
  state,
  onSettings,
}: {
  eka: EkaApi;
  state: AppState;
  onSettings: () => void;
}) {
  const signIn = useAction(useCallback(() => eka.signIn(), [eka]));
  const someoneElse = useAction(useCallback(() => eka.signInAsSomeoneElse(), [eka]));
  const cancel = useAction(useCallback(() => eka.cancelSignIn(), [eka]));
  const waiting = state.signIn.state === 'waiting';
  const error = signIn.error ?? someoneElse.error ?? state.signIn.error ?? state.session.lastError;

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>Sign in to Eka</h1>
      <p className="lead">
        Sign in with your Eka.care account so Claude and other assistants can look up your patients and
        appointments. Your password is entered only on Eka's own page in your browser.
      </p>
      <section className="card" aria-labelledby="signin-heading">
        <h2 id="signin-heading">{waiting ? 'Continue in your browser' : 'Your Eka account'}</h2>
        <p className="muted">Environment: {ENVIRONMENT_LABELS[state.settings.environment]}</p>
        <div className="status-area" aria-live="polite">
          {waiting ? (
            <div className="waiting">
              <span className="spinner" aria-hidden="true" />
              <p>
                Waiting for you to sign in on the Eka page that opened in your browser.{' '}
                {state.signIn.url ? (
                  <a href={state.signIn.url} target="_blank" rel="noopener noreferrer">
                    Open the sign-in page again
                  </a>
                ) : null}
              </p>
            </div>
          ) : error ? (
            <p className="error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
        <div className="actions">
          {waiting ? (
            <button
              type="button"
              className="secondary"
              onClick={() => cancel.run()}
              disabled={cancel.pending}
            >
              Cancel
            </button>
          ) : (
            <>
              <button
                type="button"
                className="primary"
                onClick={() => signIn.run()}
                disabled={signIn.pending || someoneElse.pending}
              >
                Sign in with Eka
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => someoneElse.run()}
                disabled={signIn.pending || someoneElse.pending}
              >
                Sign in as someone else
              </button>
            </>
          )}
        </div>
        {waiting ? null : (
          <p className="muted">
            On a shared computer, “Sign in as someone else” asks Eka for its sign-in page even if the browser
            still remembers the last account.
          </p>
        )}
      </section>
      <p className="muted">
        Have client credentials from your IT team, or running locally without sign-in?{' '}
        <button type="button" className="link" onClick={onSettings}>
          Choose another mode in Settings
        </button>
      </p>
    </div>
  );
}
