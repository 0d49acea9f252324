import { useMemo } from 'react';
import { useAppStore } from '../../app/store-context';
import { appSelectors } from '../../store/app-slice';
import { effectiveSettings, sourceWords, type EffectiveGlobus } from '../../store/effective-settings';
import { navSelectors } from '../../store/nav-slice';
import { settingsSelectors } from '../../store/settings-slice';
import { accountSelectors } from '../account/account-slice';
import './welcome.css';
import { SignInWaitingActions } from '../account/sign-in-waiting';

/** Which Globus this Ferry talks to, when it is not globus.org (the demo: a local emulator). */
function globusLine(globus: EffectiveGlobus): string | null {
  if (globus.source === 'default') return null;
  const where = globus.local && globus.transferUrl ? `a local Globus emulator at ${globus.transferUrl}` : `another Globus (${globus.value})`;
  return `This Ferry talks to ${where}, not globus.org — ${sourceWords(globus)}. You sign in and transfer there.`;
}

/**
 * The first-run page: what Ferry does in three lines, and signing in first. Shown while nobody is
 * signed in and no area was picked; once signed in, the person lands where the work is.
 */
export function WelcomeView() {
  const status = useAppStore(accountSelectors.status);
  const busy = useAppStore(accountSelectors.busy);
  const actions = useAppStore(accountSelectors.actions);
  const info = useAppStore(appSelectors.info);
  const settings = useAppStore(settingsSelectors.data);
  const go = useAppStore(navSelectors.go);
  const effective = useMemo(() => (settings ? effectiveSettings(settings, info) : null), [settings, info]);

  const environment = effective ? globusLine(effective.globus) : null;
  const noClientId = effective?.clientId?.source === 'default' && effective.clientId.value === '';
  const waiting = status?.state === 'signing-in';

  return (
    <section className="welcome" aria-label="Welcome">
      <p className="welcome-lead">Ferry moves research data with Globus, from your desktop.</p>
      <ul className="welcome-points">
        <li>
          <strong>Browse and transfer</strong> between your Globus collections, and follow every transfer in Activity.
        </li>
        <li>
          <strong>Queue and sync</strong> thousands of files in batches, or keep a folder in step with a collection on a schedule.
        </li>
        <li>
          <strong>Stage objects</strong> through ProxyStore connectors and object stores by dropping files on the window.
        </li>
      </ul>
      {environment && (
        <p className="note welcome-environment" role="note" aria-label="Globus in use">
          {environment}
        </p>
      )}

      <div className="panel welcome-sign-in">
        <h2>Sign in with your Globus account first</h2>
        {waiting ? (
          <>
            <p role="status">Waiting for Globus… Allow Ferry in the Globus page that opened; this page moves on by itself.</p>
            <SignInWaitingActions loginUrl={status.loginUrl} onCancel={() => void actions.cancelSignIn()} />
          </>
        ) : (
          <>
            <p>Ferry works as you at Globus: it lists your collections and starts transfers in your name. Your password never reaches Ferry.</p>
            {status?.message && (
              <p className="field-error" role="alert">
                {status.message}
              </p>
            )}
            {noClientId && (
              <p className="note warn" role="note">
                Ferry needs a Globus client id before anyone can sign in: register a “native app” at app.globus.org/settings/developers and paste its
                client id in Settings.
              </p>
            )}
            <div className="form-actions welcome-actions">
              <button type="button" className="primary" onClick={() => void actions.signIn()} disabled={busy || noClientId}>
                Sign in with Globus
              </button>
              <button
                type="button"
                className="link-button"
                disabled={busy || noClientId}
                onClick={() => {
                  go('account');
                  void actions.beginPasteSignIn();
                }}
              >
                No browser on this machine? Sign in with a code
              </button>
              <span className="welcome-spacer" />
              <button type="button" className="link-button" onClick={() => go('settings')}>
                {noClientId ? 'Open Settings' : 'Look at Settings first'}
              </button>
            </div>
          </>
        )}
      </div>
    </section>
  );
}
