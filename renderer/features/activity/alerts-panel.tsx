import { useShallow } from 'zustand/react/shallow';
import { formatCount, formatExact, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { attentionSelectors } from './attention-slice';

/**
 * The alerts list above the history: watchdog alarms (a sync job, timer or queue destination
 * that moved nothing for the watchdog period), tasks that need attention, expiring consents.
 * Each can be dismissed; a dismissed alarm stays quiet until its condition clears.
 */
export function AlertsPanel({ now }: { readonly now: number }) {
  const alerts = useAppStore(attentionSelectors.alerts);
  const a = useAppStore(useShallow((s) => ({ dismiss: s.activity.dismissAlert, openDetail: s.activity.openDetail, go: s.nav.go })));
  if (alerts.length === 0) return null;
  return (
    <section className="act-alerts" aria-labelledby="act-alerts-title" tabIndex={0}>
      <h2 id="act-alerts-title" className="act-alerts-title">
        Alerts <span className="act-sub">{formatCount(alerts.length, 'alert')}</span>
      </h2>
      <ul className="act-alert-list" aria-label="Alerts">
        {alerts.map((alert) => (
          <li key={alert.id} className={`act-alert severity-${alert.severity}`}>
            <div className="act-alert-text">
              <span className="act-strong">{alert.title}</span>
              <span className="act-block act-sub">{alert.body}</span>
              <time className="act-sub" dateTime={new Date(alert.raisedAt).toISOString()} title={formatExact(alert.raisedAt)}>
                {formatRelative(alert.raisedAt, Math.max(now, alert.raisedAt))}
              </time>
            </div>
            <div className="act-alert-actions">
              {alert.subject?.kind === 'task' && (
                <button type="button" onClick={() => alert.subject && void a.openDetail(alert.subject.id)}>
                  Open task
                </button>
              )}
              {alert.subject?.kind === 'sync' && (
                <button type="button" onClick={() => a.go('syncs')}>
                  Open Syncs
                </button>
              )}
              {alert.subject?.kind === 'queue' && (
                <button type="button" onClick={() => a.go('queue')}>
                  Open Queue
                </button>
              )}
              {alert.subject?.kind === 'timer' && (
                <button type="button" onClick={() => a.go('timers')}>
                  Open Timers
                </button>
              )}
              {alert.subject?.kind === 'account' && (
                <button type="button" onClick={() => a.go('account')}>
                  Fix in Account
                </button>
              )}
              {alert.subject?.kind === 'sharing' && (
                <button type="button" onClick={() => a.go('sharing')}>
                  Open Sharing
                </button>
              )}
              <button type="button" aria-label={`Dismiss: ${alert.title}`} onClick={() => void a.dismiss(alert.id)}>
                Dismiss
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
