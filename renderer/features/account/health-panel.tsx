import { useMemo } from 'react';
import type { HealthCheck } from '../../../shared/contract/health';
import { formatExact, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { healthSelectors, sortChecks } from './health-slice';

const statusLabels = { ok: 'OK', warning: 'Will fail soon', failing: 'Failing' } as const;

function failsText(check: HealthCheck, now: number): string {
  if (check.failsAt === null) return 'Nothing foreseen';
  const at = Date.parse(check.failsAt);
  return at <= now ? `Since ${formatExact(at)}` : `${formatExact(at)} (${formatRelative(at, now)})`;
}

function fixLabel(check: HealthCheck): string {
  if (!check.fix) return '';
  return check.fix.kind === 'consent' ? `Grant consent for ${check.title}` : check.kind === 'refresh-token' || check.kind === 'account' ? 'Sign in again' : `Sign in again for ${check.title}`;
}

/** Account › Health: what will stop working (consents, login timeouts, the sign-in itself), when, and the fix. */
export function HealthPanel() {
  const report = useAppStore(healthSelectors.report);
  const checking = useAppStore(healthSelectors.checking);
  const fixing = useAppStore(healthSelectors.fixing);
  const actions = useAppStore(healthSelectors.actions);
  const checks = useMemo(() => (report ? sortChecks(report.checks) : []), [report]);
  const now = report ? Date.parse(report.checkedAt) : Date.now();
  return (
    <section className="panel health" aria-labelledby="health-title">
      <div className="health-bar">
        <h2 id="health-title">Health</h2>
        <button type="button" onClick={() => void actions.checkNow()} disabled={checking}>
          {checking ? 'Checking…' : 'Check now'}
        </button>
      </div>
      <p className="help">
        Consents and logins the collections Ferry uses need, and when each stops working. Ferry checks daily and warns{' '}
        {report ? `${report.warnDaysBefore} days` : 'some days'} before.
        {report && <> Last checked {formatRelative(now)}.</>}
      </p>
      {!report ? (
        <p className="muted">Not checked yet.</p>
      ) : checks.length === 0 ? (
        <p className="muted">Ferry uses no collection yet.</p>
      ) : (
        <ul className="health-list" aria-label="Health checks">
          {checks.map((c) => (
            <li key={c.subject} className={`health-item health-${c.status}`} data-subject={c.subject} aria-label={`${c.title}: ${statusLabels[c.status]}`}>
              <div className="health-head">
                <strong>{c.title}</strong>
                <span className="health-kind">{c.kind === 'consent' ? 'Consent' : c.kind === 'session' ? 'Login' : c.kind === 'refresh-token' ? 'Sign-in' : 'Account'}</span>
                <span className={`health-status health-status-${c.status}`}>{statusLabels[c.status]}</span>
              </div>
              <p className="health-text">{c.explanation}</p>
              <p className="help">
                Starts failing: {failsText(c, now)}
                {c.usedBy.length > 0 && <> · Used by {c.usedBy.join(', ')}</>}
              </p>
              {c.fix && (
                <button type="button" className="primary" disabled={fixing !== null} onClick={() => void actions.fix(c)}>
                  {fixLabel(c)}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {report && report.problems.length > 0 && (
        <div role="note" className="note warn">
          <p>Some collections could not be checked:</p>
          <ul>
            {report.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
