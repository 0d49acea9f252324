import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/store-context';
import { formatExact, formatRelative } from '../../../shared/format';
import { appSelectors } from '../../store/app-slice';
import { accountSelectors } from './account-slice';
import './account.css';
import { HealthPanel } from './health-panel';
import { SignInWaitingActions } from './sign-in-waiting';

export function AccountView() {
  const status = useAppStore(accountSelectors.status);
  const pasteUrl = useAppStore(accountSelectors.pasteUrl);
  const busy = useAppStore(accountSelectors.busy);
  const actions = useAppStore(accountSelectors.actions);
  const info = useAppStore(appSelectors.info);
  const names = useAppStore(accountSelectors.collectionNames);
  const [code, setCode] = useState('');

  if (!status) return <p className="muted">Reading your sign-in state…</p>;

  const storageNote =
    status.secretStorage === 'file-0600' ? (
      <p className="note warn" role="note">
        On this host your Globus tokens are kept in a file only your user can read (mode 0600), but they are <strong>not encrypted</strong>:
        there is no OS keychain here. Use the desktop app for encrypted storage.
      </p>
    ) : (
      <p className="note">Your Globus tokens are encrypted with your operating system's keychain and never reach this window.</p>
    );

  const submitCode = async (event: FormEvent) => {
    event.preventDefault();
    if (await actions.completePasteSignIn(code)) setCode('');
  };

  if (status.state === 'signed-in' && status.identity) {
    const id = status.identity;
    return (
      <div className="account">
        <section className="panel">
          <p className="muted">Signed in as</p>
          <h2 className="identity-name">{id.name ?? id.username ?? id.sub}</h2>
          <dl className="facts">
            {id.username && (
              <>
                <dt>Username</dt>
                <dd>{id.username}</dd>
              </>
            )}
            {id.email && (
              <>
                <dt>E-mail</dt>
                <dd>{id.email}</dd>
              </>
            )}
            <dt>Identity id</dt>
            <dd className="mono">{id.sub}</dd>
            <dt>Globus</dt>
            <dd>
              {status.environment === 'custom'
                ? 'Custom service URLs (Settings)'
                : info?.globusOverride
                  ? `Set by this machine's environment: ${info.globusOverride}`
                  : 'globus.org'}
            </dd>
            {status.accessTokenExpiresAt !== null && (
              <>
                <dt>Access token</dt>
                <dd title={formatExact(status.accessTokenExpiresAt)}>
                  expires {formatRelative(status.accessTokenExpiresAt)}; renewed automatically
                </dd>
              </>
            )}
          </dl>
          {status.refreshTokenWarning && (
            <p className="note warn" role="alert">
              {status.refreshTokenWarning}
            </p>
          )}
          {storageNote}
          <button type="button" onClick={() => void actions.signOut()} disabled={busy}>
            Sign out
          </button>
        </section>
        <section className="panel">
          <h3>Collections with data access consent</h3>
          {status.consentedCollections.length === 0 ? (
            <p className="muted">None yet. When a collection asks for consent, Ferry will prompt you and then retry.</p>
          ) : (
            <ul className="plain-list">
              {status.consentedCollections.map((c) => (
                <li key={c}>
                  {names[c] ? <strong>{names[c]}</strong> : null} <span className="mono small">{c}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <HealthPanel />
      </div>
    );
  }

  if (status.state === 'signing-in' && !pasteUrl && status.pendingLogin?.mode !== 'paste') {
    return (
      <section className="panel account">
        <h2>Waiting for Globus…</h2>
        <p>Allow Ferry in the Globus page that opened in your browser. This page updates by itself when you are done.</p>
        <SignInWaitingActions loginUrl={status.loginUrl} onCancel={() => void actions.cancelSignIn()} />
      </section>
    );
  }

  return (
    <section className="panel account">
      <h2>{status.state === 'expired' ? 'Your Globus session ended' : 'Sign in to Globus'}</h2>
      {status.message && (
        <p className={status.state === 'expired' ? 'note warn' : 'field-error'} role="alert">
          {status.message}
        </p>
      )}
      <p>
        Ferry uses your Globus account to browse collections and run transfers. {status.state === 'expired' && 'Nothing queued was lost: sign in again and it carries on.'}
      </p>
      {pasteUrl ? (
        <form onSubmit={submitCode} className="form paste-form" aria-label="Sign in with a code">
          <p>
            1. Open{' '}
            <a href={pasteUrl} target="_blank" rel="noopener noreferrer">
              this Globus sign-in page
            </a>{' '}
            in any browser and allow Ferry.
          </p>
          <p className="mono small break">{pasteUrl}</p>
          <label htmlFor="auth-code-input">2. Paste the code Globus shows</label>
          <input id="auth-code-input" value={code} onChange={(e) => setCode(e.target.value)} spellCheck={false} autoComplete="off" />
          <div className="form-actions">
            <button type="submit" className="primary" disabled={busy || code.trim() === ''}>
              Finish sign-in
            </button>
            <button type="button" onClick={() => void actions.cancelSignIn()}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="form-actions">
          <button type="button" className="primary" onClick={() => void actions.signIn()} disabled={busy}>
            Sign in with Globus
          </button>
          <button type="button" className="link-button" onClick={() => void actions.beginPasteSignIn()} disabled={busy}>
            No browser on this machine? Sign in with a code
          </button>
        </div>
      )}
      {storageNote}
    </section>
  );
}
