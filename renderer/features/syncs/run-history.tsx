import { useMemo } from 'react';
import type { SyncRun } from '../../../shared/contract/syncs';
import { FilesAndBytesPerRun } from '../../app/charts/runs-chart';
import { runBars, runBarsSummary } from '../../app/charts/series';
import { formatBytes, formatCount, formatDuration, formatExact, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { runStatusLabels, StatusBadge, downloadText, useNow } from './sync-status';
import { isFinished, syncsSelectors } from './syncs-slice';

/** The selected job's runs, newest first; a run's details (log, files it sent) open below. */
export function RunHistory() {
  const runs = useAppStore(syncsSelectors.runs);
  const loading = useAppStore(syncsSelectors.runsLoading);
  const openRunId = useAppStore(syncsSelectors.openRunId);
  const busy = useAppStore(syncsSelectors.busy);
  const actions = useAppStore(syncsSelectors.actions);
  const now = useNow();
  return (
    <section className="sy-sub-panel" aria-labelledby="sy-history-title">
      <h3 id="sy-history-title">Run history</h3>
      {runs.length === 0 ? (
        <p className="muted">{loading ? 'Loading runs…' : 'No runs yet.'}</p>
      ) : (
        <>
        <RunsChart runs={runs} />
        <table className="sy-table" aria-label="Run history">
          <thead>
            <tr>
              <th scope="col">Started</th>
              <th scope="col">Result</th>
              <th scope="col">Scanned</th>
              <th scope="col">Sent</th>
              <th scope="col">Time per phase</th>
              <th scope="col">Tasks</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <RunRow key={run.id} run={run} now={now} open={openRunId === run.id} cancelling={busy[`cancel:${run.id}`] === true} actions={actions} />
            ))}
          </tbody>
        </table>
        </>
      )}
    </section>
  );
}


/** Files (bars) and bytes (line) each of the job's runs sent, oldest first. */
function RunsChart({ runs }: { readonly runs: readonly SyncRun[] }) {
  const bars = useMemo(() => runBars(runs), [runs]);
  return <FilesAndBytesPerRun bars={bars} summary={runBarsSummary(bars)} testId="sync-runs-chart" verb="sent" />;
}

function RunRow({
  run,
  now,
  open,
  cancelling,
  actions,
}: {
  run: SyncRun;
  now: number;
  open: boolean;
  cancelling: boolean;
  actions: { openRun(id: string | null): Promise<void>; cancelRun(id: string): Promise<void> };
}) {
  const s = run.stats;
  const ph = s.phases;
  const name = run.label ?? runStatusLabels[run.status];
  return (
    <tr className={open ? 'sy-selected' : undefined}>
      <td>
        <span title={formatExact(run.startedAt)}>{formatRelative(Date.parse(run.startedAt), now)}</span>
        <span className="sy-sub"> · {run.trigger}</span>
        {run.label && <span className="sy-sub mono sy-block">{run.label}</span>}
      </td>
      <td>
        <StatusBadge run={run} />
        {run.message && <span className="sy-sub sy-block">{run.message}</span>}
      </td>
      <td className="sy-nowrap">
        {formatCount(s.filesScanned, 'file')}
        <span className="sy-sub sy-block">{formatCount(s.dirsScanned, 'folder')}</span>
      </td>
      <td className="sy-nowrap">
        {formatCount(s.changedFiles, 'file')}
        <span className="sy-sub sy-block">{formatBytes(s.changedBytes)}</span>
      </td>
      <td className="sy-phases">
        scan {formatDuration(ph.scanMs)}
        {ph.mkdirMs > 0 && ` · mkdir ${formatDuration(ph.mkdirMs)}`}
        {ph.submitMs > 0 && ` · submit ${formatDuration(ph.submitMs)}`}
        {ph.transferMs > 0 && ` · transfer ${formatDuration(ph.transferMs)}`}
        {ph.commitMs > 0 && ` · save ${formatDuration(ph.commitMs)}`}
      </td>
      <td>
        {run.tasks.length === 0 ? (
          <span className="muted">—</span>
        ) : (
          <ul className="sy-list">
            {run.tasks.map((t) => (
              <li key={t.chunk}>
                <span className="mono" title={t.taskId ?? t.submissionId}>
                  {t.taskId ?? 'not submitted'}
                </span>{' '}
                <span className="sy-sub">
                  {formatCount(t.items, 'item')} · {t.status}
                  {t.error ? ` · ${t.error}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </td>
      <td>
        <div className="sy-row-actions">
          <button type="button" aria-label={`Details of ${name}`} aria-pressed={open} onClick={() => void actions.openRun(open ? null : run.id)}>
            {open ? 'Hide details' : 'Details'}
          </button>
          {!isFinished(run) && (
            <button type="button" aria-label={`Cancel ${name}`} disabled={cancelling} onClick={() => void actions.cancelRun(run.id)}>
              Cancel
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** The open run's log, with an export. */
export function LogViewer() {
  const log = useAppStore(syncsSelectors.log);
  const openRunId = useAppStore(syncsSelectors.openRunId);
  const runs = useAppStore(syncsSelectors.runs);
  const busy = useAppStore(syncsSelectors.busy);
  const actions = useAppStore(syncsSelectors.actions);
  if (!openRunId) return null;
  const run = runs.find((r) => r.id === openRunId);
  return (
    <section className="sy-sub-panel" aria-labelledby="sy-log-title">
      <div className="sy-bar">
        <h3 id="sy-log-title">Log of {run?.label ?? 'this run'}</h3>
        <div className="sy-row-actions">
          <button
            type="button"
            disabled={busy[`export:${openRunId}`] === true}
            onClick={() => {
              void actions.exportLog(openRunId).then((file) => {
                if (file) downloadText(file.text, file.fileName);
              });
            }}
          >
            Export log
          </button>
          <button type="button" onClick={() => void actions.openRun(null)}>
            Close
          </button>
        </div>
      </div>
      <pre className="sy-log" role="log" aria-label="Run log" tabIndex={0}>
        {log ? log.lines.join('\n') : 'Loading…'}
      </pre>
    </section>
  );
}
