import { useCallback, useEffect, useRef, useState } from 'react';
import type { EkaApi, Screen } from '../../app/ipc/contract';
import { getEka } from './eka';
import { ActivityScreen } from './screens/activity';
import { HomeScreen } from './screens/home';
import { LoadingScreen } from './screens/loading';
import { LogsScreen } from './screens/logs';
import { SettingsScreen } from './screens/settings';
import { SignInScreen } from './screens/sign-in';
import { useAppState } from './use-app-state';

const NAV: { screen: Screen; label: string }[] = [
  { screen: 'home', label: 'Home' },
  { screen: 'activity', label: 'Activity' },
  { screen: 'settings', label: 'Settings' },
  { screen: 'logs', label: 'Logs' },
];

/** The app: a header with navigation and one screen. */
export function App() {
  const eka = getEka();
  if (!eka) {
    return (
      <main className="shell">
        <div className="card" role="alert">
          <h1>Eka MCP cannot start</h1>
          <p>This page must be opened from the Eka MCP app or its demo.</p>
        </div>
      </main>
    );
  }
  return <Connected eka={eka} />;
}

function Connected({ eka }: { eka: EkaApi }) {
  const { state, loadError } = useAppState(eka);
  const [screen, setScreen] = useState<Screen>('home');
  const [announcement, setAnnouncement] = useState('');
  const heading = useRef<HTMLDivElement>(null);
  /** Settings registers whether it holds unsaved edits; leaving then asks first. */
  const unsaved = useRef(false);
  const setUnsaved = useCallback((dirty: boolean) => {
    unsaved.current = dirty;
  }, []);

  const focusHeading = useCallback(
    () => requestAnimationFrame(() => heading.current?.querySelector('h1')?.focus()),
    [],
  );

  const go = (next: Screen) => {
    if (next === screen) return;
    if (
      unsaved.current &&
      !window.confirm('You have changes in Settings that are not saved. Leave without saving them?')
    ) {
      return;
    }
    unsaved.current = false;
    setScreen(next);
    focusHeading();
  };

  useEffect(
    () =>
      eka.on('navigate', ({ screen: next }) => {
        setScreen(next);
        focusHeading();
      }),
    [eka, focusHeading],
  );

  // The browser or the window closing with unsaved edits asks too.
  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (unsaved.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const needsSignIn = state?.settings.mode === 'oidc' && !state.session.signedIn;

  // After sign-in: focus the Home heading and tell screen readers who is signed in.
  const wasSignedIn = useRef<boolean | undefined>(undefined);
  const signedIn = state?.session.signedIn;
  const who = state?.session.name ?? state?.session.email;
  useEffect(() => {
    if (signedIn === undefined) return;
    if (wasSignedIn.current === false && signedIn) {
      setAnnouncement(`Signed in to Eka${who ? ` as ${who}` : ''}.`);
      if (screen === 'home') focusHeading();
    }
    if (wasSignedIn.current === true && !signedIn) setAnnouncement('Signed out of Eka.');
    wasSignedIn.current = signedIn;
  }, [signedIn, who, screen, focusHeading]);
  const homeLabel = needsSignIn ? 'Sign in' : 'Home';

  return (
    <div className="shell">
      <a className="skip" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            e
          </span>
          <span>Eka MCP</span>
        </div>
        <nav aria-label="Main">
          <ul>
            {NAV.map((item) => (
              <li key={item.screen}>
                <button
                  type="button"
                  className="nav-link"
                  aria-current={screen === item.screen ? 'page' : undefined}
                  onClick={() => go(item.screen)}
                >
                  {item.screen === 'home' ? homeLabel : item.label}
                </button>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <output className="visually-hidden" aria-live="polite" data-testid="announcer">
        {announcement}
      </output>
      <main id="content" ref={heading} tabIndex={-1}>
        {loadError ? (
          <div className="card" role="alert">
            <h1 tabIndex={-1}>Eka MCP is not responding</h1>
            <p>{loadError}</p>
          </div>
        ) : !state ? (
          <LoadingScreen />
        ) : screen === 'settings' ? (
          <SettingsScreen eka={eka} state={state} onUnsavedChange={setUnsaved} />
        ) : screen === 'activity' ? (
          <ActivityScreen eka={eka} state={state} />
        ) : screen === 'logs' ? (
          <LogsScreen eka={eka} />
        ) : needsSignIn ? (
          <SignInScreen eka={eka} state={state} onSettings={() => go('settings')} />
        ) : (
          <HomeScreen eka={eka} state={state} />
        )}
      </main>
    </div>
  );
}
