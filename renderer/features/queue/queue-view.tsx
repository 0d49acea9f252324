import { useEffect, useMemo, useState } from 'react';
import { Chart, type ChartSeries } from '../../app/charts/chart';
import { appendQueueSample, queueSummary, type QueueSample } from '../../app/charts/series';
import type { QueueBatchRow, QueueDestinationStatus, QueueStatus } from '../../../shared/contract/queue';
import { formatBytes, formatCount, formatExact, formatRate, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import { queueSelectors } from './queue-slice';
import { ItemsTable } from './queue-items';
import { SendFilesForm } from './queue-send';
import './queue.css';

/** The batched send queue: what waits, what runs at Globus, per destination, and a way to send files. */
export function QueueView() {
  const status = useAppStore(queueSelectors.status);
  const loadError = useAppStore(queueSelectors.loadError);
  const actions = useAppStore(queueSelectors.actions);
  const names = useMemo(() => namesOf(status), [status]);

  if (!status) {
    return (
      <div className="empty-state">
        {loadError ? (
          <>
            <p className="field-error">The queue could not be loaded: {loadError}</p>
            <button type="button" onClick={() => void actions.load()}>
              Try again
            </button>
          </>
        ) : (
          <p className="muted">Loading the queue…</p>
        )}
      </div>
    );
  }

  return (
    <div className="q-view">
      <Summary status={status} />
      <QueueProgress status={status} />
      <Destinations status={status} />
      <Batches status={status} names={names} />
      <section className="q-panel" aria-labelledby="q-items-title">
        <h2 id="q-items-title">Items</h2>
        <ItemsTable names={names} destinations={status.destinations} />
      </section>
      <SendFilesForm names={names} />
      <ReconciliationLog status={status} />
    </div>
  );
}

export function namesOf(status: QueueStatus | null): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const d of status?.destinations ?? []) if (d.name) out.set(d.collection, d.name);
  return out;
}

const countLabels = [
  ['queued', 'Queued'],
  ['batched', 'Batched'],
  ['submitted', 'At Globus'],
  ['succeeded', 'Succeeded'],
  ['failed', 'Failed'],
] as const;

function holdText(status: QueueStatus): string {
  if (status.hold === 'signed-out') return 'Waiting for Globus sign-in: files wait here and go once you sign in.';
  if (status.hold === 'paused') return 'Paused: no new tasks start; tasks already at Globus run on.';
  if (status.backoffUntil !== null) return `Globus asked Ferry to slow down; sending again ${formatRelative(status.backoffUntil)}.`;
  return 'Sending.';
}

function Summary({ status }: { status: QueueStatus }) {
  const actions = useAppStore(queueSelectors.actions);
  const busy = useAppStore(queueSelectors.busy);
  const failed = status.counts.failed;
  const fraction = status.maxActiveTasks > 0 ? Math.min(1, status.activeTasks / status.maxActiveTasks) : 0;
  return (
    <section className="q-panel" aria-labelledby="q-summary-title">
      <div className="q-bar">
        <h2 id="q-summary-title">Overview</h2>
        <div className="q-actions">
          {status.paused ? (
            <button type="button" className="primary" disabled={busy.resume === true} onClick={() => void actions.resume()}>
              Resume sending
            </button>
          ) : (
            <button type="button" disabled={busy.pause === true} onClick={() => void actions.pause()}>
              Pause sending
            </button>
          )}
          <button type="button" disabled={failed === 0 || busy.retry === true} onClick={() => void actions.retryFailed()}>
            Retry failed{failed > 0 ? ` (${formatCount(failed)})` : ''}
          </button>
        </div>
      </div>
      <p role="status" className={`q-hold${status.hold ? ' q-hold-on' : ''}`}>
        {holdText(status)}
      </p>
      {status.lastError && <p className="field-error">Last problem: {status.lastError}</p>}
      <div className="q-counts" aria-label="Items by state">
        {countLabels.map(([key, label]) => (
          <div key={key} role="group" aria-label={label} className={`q-count q-count-${key}`}>
            <span className="q-count-label">{label}</span> <strong className="q-count-value">{formatCount(status.counts[key])}</strong>
          </div>
        ))}
      </div>
      <div className="q-meter-row">
        <span id="q-meter-label">Active Globus tasks</span>
        <div
          role="meter"
          aria-labelledby="q-meter-label"
          aria-valuemin={0}
          aria-valuemax={status.maxActiveTasks}
          aria-valuenow={status.activeTasks}
          aria-valuetext={`${status.activeTasks} of ${status.maxActiveTasks}`}
          className="q-meter"
        >
          <div className="q-meter-fill" style={{ width: `${Math.round(fraction * 100)}%` }} />
        </div>
        <span className="q-meter-text">
          {status.activeTasks} of {status.maxActiveTasks}
          {status.inactiveTasks > 0 && <span className="q-warn"> · {status.inactiveTasks} need attention (inactive)</span>}
        </span>
      </div>
      <OptionsForm status={status} />
    </section>
  );
}

function OptionsForm({ status }: { status: QueueStatus }) {
  const actions = useAppStore(queueSelectors.actions);
  const busy = useAppStore(queueSelectors.busy);
  const [batchSize, setBatchSize] = useState(String(status.batchSize));
  const [maxActive, setMaxActive] = useState(String(status.maxActiveTasks));
  useEffect(() => setBatchSize(String(status.batchSize)), [status.batchSize]);
  useEffect(() => setMaxActive(String(status.maxActiveTasks)), [status.maxActiveTasks]);
  const n = Number(batchSize);
  const m = Number(maxActive);
  const nError = Number.isInteger(n) && n >= 1 && n <= 10_000 ? null : 'Files per task is a whole number from 1 to 10,000.';
  const mError = Number.isInteger(m) && m >= 1 && m <= 100 ? null : 'Active tasks is a whole number from 1 to 100 (the Globus limit).';
  const changed = n !== status.batchSize || m !== status.maxActiveTasks;
  return (
    <form
      className="q-options"
      aria-label="Queue limits"
      onSubmit={(e) => {
        e.preventDefault();
        if (nError || mError) return;
        void actions.updateOptions({ batchSize: n, maxActiveTasks: m });
      }}
    >
      <label>
        Files per task (N)
        <input type="number" min={1} max={10_000} value={batchSize} aria-invalid={nError !== null} onChange={(e) => setBatchSize(e.target.value)} />
      </label>
      <label>
        Most active tasks (M)
        <input type="number" min={1} max={100} value={maxActive} aria-invalid={mError !== null} onChange={(e) => setMaxActive(e.target.value)} />
      </label>
      <button type="submit" disabled={!changed || nError !== null || mError !== null || busy.options === true}>
        Save limits
      </button>
      {(nError ?? mError) && <p className="field-error q-options-error">{nError ?? mError}</p>}
      <p className="help q-options-help">
        Globus e-mails for queue tasks are {status.notifyGlobus ? 'on' : 'off'} (Settings → Notifications).
      </p>
    </form>
  );
}

function destinationLabel(d: QueueDestinationStatus): string {
  return d.name ?? d.collection;
}

function Destinations({ status }: { status: QueueStatus }) {
  const actions = useAppStore(queueSelectors.actions);
  const busy = useAppStore(queueSelectors.busy);
  return (
    <section className="q-panel" aria-labelledby="q-dest-title">
      <h2 id="q-dest-title">Destinations</h2>
      {status.destinations.length === 0 ? (
        <p className="muted">No destinations yet. Files you send appear here per destination collection.</p>
      ) : (
        <table className="q-table">
          <thead>
            <tr>
              <th scope="col">Destination</th>
              <th scope="col">Sending</th>
              <th scope="col">Waiting</th>
              <th scope="col">Active tasks</th>
              <th scope="col">Throughput</th>
            </tr>
          </thead>
          <tbody>
            {status.destinations.map((d) => {
              const label = destinationLabel(d);
              return (
                <tr key={d.collection} data-collection={d.collection}>
                  <th scope="row">
                    <span className="q-name">{label}</span>
                    {d.name && <span className="q-sub mono">{d.collection}</span>}
                  </th>
                  <td>
                    <label className="q-switch">
                      <input
                        type="checkbox"
                        role="switch"
                        aria-label={`Send to ${label}`}
                        checked={d.enabled}
                        disabled={busy[`destination:${d.collection}`] === true}
                        onChange={(e) => void actions.setDestinationEnabled(d.collection, e.target.checked)}
                      />
                      <span>{d.enabled ? 'On' : 'Off'}</span>
                    </label>
                  </td>
                  <td>
                    {formatCount(d.queued)}
                    {!d.enabled && d.queued > 0 && <span className="q-held"> held</span>}
                  </td>
                  <td>{d.activeTasks}</td>
                  <td>{formatRate(d.bytesPerSecond)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Batches({ status, names }: { status: QueueStatus; names: ReadonlyMap<string, string> }) {
  const batches = useAppStore(queueSelectors.batches);
  const actions = useAppStore(queueSelectors.actions);
  const busy = useAppStore(queueSelectors.busy);
  const active = batches.filter((b) => b.state === 'active');
  const now = status.at;
  return (
    <section className="q-panel" aria-labelledby="q-batches-title">
      <h2 id="q-batches-title">Tasks at Globus</h2>
      {active.length === 0 ? (
        <p className="muted">No queue task is running at Globus.</p>
      ) : (
        <table className="q-table" aria-label="Running batches">
          <thead>
            <tr>
              <th scope="col">Batch</th>
              <th scope="col">Destination</th>
              <th scope="col">Files</th>
              <th scope="col">Moved</th>
              <th scope="col">Submitted</th>
              <th scope="col">Task</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {active.map((b) => (
              <BatchRow key={b.id} batch={b} names={names} now={now} busy={busy[`cancel:${b.id}`] === true} onCancel={() => void actions.cancelBatch(b.id)} />
            ))}
          </tbody>
        </table>
      )}
      {status.blocked.length > 0 && (
        <>
          <h3>Blocked batches</h3>
          <p className="help">Globus refused these because an unfinished task moves the same paths; each is tried again when that task ends.</p>
          <ul className="q-list" aria-label="Blocked batches">
            {status.blocked.map((b) => (
              <li key={b.batchId}>
                Batch {b.batchId} to {names.get(b.destination) ?? b.destination} waits for task <span className="mono">{b.blockedBy}</span>; next try{' '}
                {formatRelative(b.retryAt, now)}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function BatchRow({ batch, names, now, busy, onCancel }: { batch: QueueBatchRow; names: ReadonlyMap<string, string>; now: number; busy: boolean; onCancel: () => void }) {
  return (
    <tr data-batch-id={batch.id}>
      <td>{batch.id}</td>
      <td>{names.get(batch.destination) ?? batch.destination}</td>
      <td>{formatCount(batch.files)}</td>
      <td>
        {formatBytes(batch.bytesTransferred)}
        {batch.bytes > 0 ? ` of ${formatBytes(batch.bytes)}` : ''}
      </td>
      <td title={batch.submittedAt ? formatExact(batch.submittedAt) : undefined}>{batch.submittedAt ? formatRelative(batch.submittedAt, now) : '—'}</td>
      <td className="mono q-task">{batch.taskId ?? '—'}</td>
      <td>
        <ConfirmDialog
          title={batch.taskId ? `Cancel Globus task ${batch.taskId}?` : `Cancel batch ${batch.id}?`}
          confirmLabel={`Cancel batch ${batch.id}`}
          cancelLabel="Keep it running"
          onConfirm={onCancel}
          trigger={
            <button type="button" disabled={busy} aria-label={`Cancel batch ${batch.id} and requeue its files`}>
              Cancel
            </button>
          }
        >
          <p>
            Batch {batch.id} to {names.get(batch.destination) ?? batch.destination} stops; its {formatCount(batch.files, 'file')} not yet moved go back to the queue.
          </p>
        </ConfirmDialog>
      </td>
    </tr>
  );
}

const kindLabels: Readonly<Record<string, string>> = {
  'duplicate-resolved': 'Already submitted',
  'missed-completion': 'Missed completion',
  'task-unknown': 'Task unknown to Globus',
  'cancelled-stalled': 'Stalled: cancelled',
  'cancelled-aged': 'Too old: cancelled',
  'cancel-found-complete': 'Had already ended',
  'conflict-blocked': 'Blocked by same paths',
  'cancelled-by-user': 'Cancelled by you',
};

function ReconciliationLog({ status }: { status: QueueStatus }) {
  return (
    <section className="q-panel" aria-labelledby="q-log-title">
      <h2 id="q-log-title">Reconciliation log</h2>
      <p className="help">What Ferry corrected after checking tasks again at Globus (stalled, unknown or missed tasks).</p>
      {status.reconciliations.length === 0 ? (
        <p className="muted">Nothing needed correcting.</p>
      ) : (
        <ul className="q-list" aria-label="Reconciliations">
          {status.reconciliations.map((r) => (
            <li key={r.id}>
              <span className="q-log-time" title={formatExact(r.at)}>
                {formatRelative(r.at, status.at)}
              </span>{' '}
              <strong>{kindLabels[r.kind] ?? r.kind}</strong>
              {r.batchId !== null ? ` · batch ${r.batchId}` : ''}: {r.detail}
              {r.taskId && <span className="q-sub mono"> task {r.taskId}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Items finished (succeeded or failed) out of all the queue holds, sampled as its status arrives. */
export function queueProgressOf(status: QueueStatus): QueueSample {
  const c = status.counts;
  const done = c.succeeded + c.failed;
  return { t: status.at, done, total: c.queued + c.batched + c.submitted + done };
}

const wholeItems = (v: number) => (Number.isInteger(v) ? formatCount(v) : '');

/** The queue's progress over time while this view is open. */
function QueueProgress({ status }: { status: QueueStatus }) {
  const [samples, setSamples] = useState<readonly QueueSample[]>([]);
  useEffect(() => {
    setSamples((s) => appendQueueSample(s, queueProgressOf(status)));
  }, [status]);
  const x = useMemo(() => samples.map((s) => s.t / 1000), [samples]);
  const series = useMemo<readonly ChartSeries[]>(
    () => [
      { label: 'Done', values: samples.map((s) => s.done), colorVar: '--success' },
      { label: 'In the queue', values: samples.map((s) => s.total), colorVar: '--accent' },
    ],
    [samples],
  );
  if (samples.length === 0 || (samples[samples.length - 1]?.total ?? 0) === 0) return null;
  return (
    <section className="q-panel" aria-labelledby="q-progress-title">
      <h2 id="q-progress-title">Progress</h2>
      <Chart testId="queue-progress" summary={queueSummary(samples, 'item')} x={samples.length >= 2 ? x : []} series={series} time formatLeft={wholeItems} height={120} />
    </section>
  );
}
