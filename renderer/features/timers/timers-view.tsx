import { useEffect } from 'react';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import type { TimerDetail, TimerSummary } from '../../../shared/contract/timers';
import { formatCount, formatExact, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { TimerRunsChart } from './run-chart';
import { TimerFormView } from './timer-form-view';
import { describeEnd, describeInterval, stateLabels, stateTone, timersNeedingAttention, timersSelectors } from './timers-selectors';
import './timers.css';

/** Globus Timers: transfers Globus runs on a schedule, whether or not this machine is on. */
export function TimersView() {
  const snapshot = useAppStore(timersSelectors.snapshot);
  const loadError = useAppStore(timersSelectors.loadError);
  const editor = useAppStore(timersSelectors.editor);
  const detail = useAppStore(timersSelectors.detail);
  const actions = useAppStore(timersSelectors.actions);
  const busy = useAppStore(timersSelectors.busy);
  const waiting = useAppStore(timersSelectors.waiting);

  if (!snapshot) {
    return (
      <div className="empty-state">
        {loadError ? (
          <>
            <p className="field-error">Timers could not be loaded: {loadError}</p>
            <button type="button" onClick={() => void actions.load()}>
              Try again
            </button>
          </>
        ) : (
          <p className="muted">Loading timers…</p>
        )}
      </div>
    );
  }
  if (snapshot.access === 'signed-out') {
    return (
      <div className="empty-state">
        <p className="muted">Sign in to Globus (Account) to see and create timers.</p>
      </div>
    );
  }
  if (snapshot.access === 'consent-needed') {
    return (
      <div className="tm-view">
        <section className="tm-panel" aria-labelledby="tm-connect-title">
          <h2 id="tm-connect-title">Globus Timers</h2>
          <p>
            A timer is a transfer Globus starts on a schedule — every hour, every night — whether or not this computer is on. Ferry needs your permission to
            manage timers for you; Globus asks for it on its consent page.
          </p>
          <button type="button" className="primary" disabled={busy.connect === true || waiting?.action === 'connect'} onClick={() => void actions.connect()}>
            Allow Ferry to use Globus Timers
          </button>
          {waiting?.action === 'connect' && (
            <p className="muted" role="status">
              Waiting for your consent on the Globus page that opened…
            </p>
          )}
        </section>
      </div>
    );
  }

  const attention = timersNeedingAttention(snapshot.timers);
  const editing = editor?.mode === 'edit' ? (detail?.id === editor.timerId ? detail : null) : null;
  return (
    <div className="tm-view">
      {snapshot.error && (
        <p className="note" role="status">
          Globus Timers did not answer the last refresh ({snapshot.error}); showing what Ferry last saw.
        </p>
      )}
      <section className="tm-panel" aria-labelledby="tm-list-title">
        <div className="tm-bar">
          <h2 id="tm-list-title">Timers</h2>
          {attention.length > 0 && (
            <span className="tm-attention" role="status">
              {formatCount(attention.length, 'timer')} need{attention.length === 1 ? 's' : ''} you
            </span>
          )}
          {editor?.mode !== 'create' && (
            <button type="button" className="primary" onClick={() => actions.startCreate()}>
              New timer
            </button>
          )}
        </div>
        {snapshot.timers.length === 0 ? (
          <p className="muted">No timers yet. A timer copies from one collection to another on a schedule, run by Globus even while this computer is off.</p>
        ) : (
          <TimersTable timers={snapshot.timers} />
        )}
      </section>
      {editor?.mode === 'create' && <TimerFormView key="new" timer={null} prefill={editor.prefill} />}
      {editor?.mode === 'edit' && editing && <TimerFormView key={editing.id} timer={editing} prefill={null} />}
      <TimerDetailPanel />
    </div>
  );
}

function TimersTable({ timers }: { timers: readonly TimerSummary[] }) {
  const actions = useAppStore(timersSelectors.actions);
  const selectedId = useAppStore(timersSelectors.selectedId);
  return (
    <table className="tm-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Route</th>
          <th scope="col">Interval</th>
          <th scope="col">Next run</th>
          <th scope="col">Last run</th>
          <th scope="col">State</th>
        </tr>
      </thead>
      <tbody>
        {timers.map((t) => (
          <tr key={t.id} className={selectedId === t.id ? 'tm-selected' : undefined}>
            <td>
              <button type="button" className="link-button" aria-pressed={selectedId === t.id} onClick={() => void actions.select(t.id)}>
                {t.name}
              </button>
            </td>
            <td className="mono tm-route" title={`${t.source}:${t.items[0]?.sourcePath ?? ''} → ${t.destination}:${t.items[0]?.destinationPath ?? ''}`}>
              {route(t)}
            </td>
            <td>{describeInterval(t.intervalSeconds)}</td>
            <td title={formatExact(t.nextRunAt)}>{t.nextRunAt !== null && (t.state === 'scheduled' || t.state === 'running') ? formatRelative(t.nextRunAt) : '—'}</td>
            <td title={formatExact(t.lastRunAt)}>{t.lastRunAt !== null ? formatRelative(t.lastRunAt) : 'Not yet'}</td>
            <td>
              <StateBadge timer={t} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function route(t: TimerSummary): string {
  const first = t.items[0];
  if (!first) return '—';
  const more = t.items.length > 1 ? ` (+${t.items.length - 1})` : '';
  return `${first.sourcePath} → ${first.destinationPath}${more}`;
}

function StateBadge({ timer }: { timer: TimerSummary }) {
  return <span className={`tm-badge tm-badge-${stateTone(timer.state)}`}>{stateLabels[timer.state]}</span>;
}

function TimerDetailPanel() {
  const selectedId = useAppStore(timersSelectors.selectedId);
  const detail = useAppStore(timersSelectors.detail);
  const detailError = useAppStore(timersSelectors.detailError);
  const actions = useAppStore(timersSelectors.actions);
  const names = useAppStore(timersSelectors.names);
  useEffect(() => {
    if (!detail) return;
    void actions.lookUpCollection(detail.source);
    void actions.lookUpCollection(detail.destination);
  }, [actions, detail]);
  const nameOf = (id: string) => names[id.toLowerCase()] ?? id;
  if (!selectedId) return null;
  if (!detail) {
    return <section className="tm-panel">{detailError ? <p className="field-error">{detailError}</p> : <p className="muted">Loading the timer…</p>}</section>;
  }
  return (
    <section className="tm-panel" aria-labelledby="tm-detail-title">
      <div className="tm-bar">
        <h2 id="tm-detail-title">{detail.name}</h2>
        <StateBadge timer={detail} />
        <button type="button" aria-label="Close timer" onClick={() => void actions.select(null)}>
          Close
        </button>
      </div>
      <ConsentFix timer={detail} />
      <dl className="tm-facts">
        <dt>From</dt>
        <dd>
          {nameOf(detail.source)} <span className="mono">{detail.items.map((i) => i.sourcePath).join(', ')}</span>
        </dd>
        <dt>To</dt>
        <dd>
          {nameOf(detail.destination)} <span className="mono">{detail.items.map((i) => i.destinationPath).join(', ')}</span>
        </dd>
        <dt>Schedule</dt>
        <dd>
          {describeInterval(detail.intervalSeconds)}
          {detail.startAt !== null ? `, from ${formatExact(detail.startAt)}` : ''}; {describeEnd(detail.end)}
        </dd>
        <dt>Runs</dt>
        <dd>
          {formatCount(detail.runCount, 'run')}, {formatCount(detail.errorCount, 'error')}
        </dd>
        {detail.inactiveReason && detail.inactiveReason.cause !== 'globus_auth_requirements' && (
          <>
            <dt>Why it is not running</dt>
            <dd>{detail.inactiveReason.cause === 'user' ? 'Paused by you' : (detail.inactiveReason.message ?? 'Globus stopped it')}</dd>
          </>
        )}
      </dl>
      <TimerActions timer={detail} />
      <TimerRunsChart timerId={detail.id} hasRuns={detail.runs.length > 0} />
      <RunsTable timer={detail} />
    </section>
  );
}

function ConsentFix({ timer }: { timer: TimerDetail }) {
  const actions = useAppStore(timersSelectors.actions);
  const busy = useAppStore(timersSelectors.busy);
  const waiting = useAppStore(timersSelectors.waiting);
  if (timer.state !== 'needs-consent') return null;
  const fixing = busy[`fix:${timer.id}`] === true || (waiting?.action === 'fix-consent' && waiting.timerId === timer.id);
  const reason = timer.inactiveReason;
  return (
    <div className="tm-consent" role="alert">
      <p>
        <strong>Needs consent.</strong> Globus stopped this timer because a permission it runs with is missing or has expired
        {reason?.message ? ` (${reason.message})` : ''}. Grant it again and the timer resumes with your new consent.
      </p>
      <button type="button" className="primary" disabled={fixing} onClick={() => void actions.fixConsent(timer.id)}>
        {fixing ? 'Waiting for Globus…' : 'Grant consent and resume'}
      </button>
    </div>
  );
}

function TimerActions({ timer }: { timer: TimerDetail }) {
  const actions = useAppStore(timersSelectors.actions);
  const busy = useAppStore(timersSelectors.busy);
  const live = timer.state !== 'ended' && timer.state !== 'deleting';
  return (
    <div className="tm-actions">
      {(timer.state === 'scheduled' || timer.state === 'running') && (
        <button type="button" disabled={busy[`pause:${timer.id}`] === true} onClick={() => void actions.pause(timer.id)}>
          Pause
        </button>
      )}
      {(timer.state === 'paused' || timer.state === 'inactive') && (
        <button type="button" disabled={busy[`resume:${timer.id}`] === true} onClick={() => void actions.resume(timer.id)}>
          Resume
        </button>
      )}
      {live && (
        <button type="button" onClick={() => actions.startEdit(timer.id)}>
          Edit
        </button>
      )}
      <ConfirmDialog
        title={`Delete the timer ${timer.name}?`}
        confirmLabel="Delete timer"
        cancelLabel="Keep it"
        onConfirm={() => void actions.remove(timer.id)}
        trigger={
          <button type="button" disabled={busy[`delete:${timer.id}`] === true}>
            Delete…
          </button>
        }
      >
        Globus stops running it and forgets its schedule; transfers it already started are not affected.
      </ConfirmDialog>
    </div>
  );
}

function RunsTable({ timer }: { timer: TimerDetail }) {
  const actions = useAppStore(timersSelectors.actions);
  if (timer.runs.length === 0) return <p className="muted">No runs yet.</p>;
  return (
    <table className="tm-table" aria-label="Runs">
      <thead>
        <tr>
          <th scope="col">Ran</th>
          <th scope="col">Result</th>
          <th scope="col">Task</th>
        </tr>
      </thead>
      <tbody>
        {timer.runs.map((r, i) => (
          <tr key={`${r.ranAt}-${i}`}>
            <td title={formatExact(r.ranAt)}>{formatRelative(r.ranAt)}</td>
            <td>
              {r.status.toLowerCase()}
              {r.error ? <span className="field-error"> — {r.error}</span> : null}
            </td>
            <td>
              {r.taskId ? (
                <button type="button" className="link-button mono" onClick={() => actions.openRun(r.taskId ?? '')}>
                  Show task in Activity
                </button>
              ) : (
                <span className="muted">no task</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
