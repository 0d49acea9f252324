import type { SyncJobSummary, SyncPreview, SyncProgress } from '../../../shared/contract/syncs';
import { formatBytes, formatCount, formatDuration, formatExact, formatNumber, formatRelative } from '../../../shared/format';
import { useAppStore } from '../../app/store-context';
import { ConfirmDialog } from '../../app/ui/confirm-dialog';
import { accountSelectors } from '../account/account-slice';
import { RunOnGlobusEntry } from '../timers/run-on-globus';
import { RunFiles } from './run-files';
import { LogViewer, RunHistory } from './run-history';
import { describeSchedule } from './sync-form';
import { SyncJobForm } from './sync-job-form';
import { StatusBadge, useNow } from './sync-status';
import { syncsSelectors } from './syncs-slice';
import './syncs.css';

/** Scheduled directory syncs: jobs, their schedule and last result, previews, runs with progress, history, logs and the files each run sent. */
export function SyncsView() {
  const ready = useAppStore(syncsSelectors.ready);
  const loadError = useAppStore(syncsSelectors.loadError);
  const jobs = useAppStore(syncsSelectors.jobs);
  const editor = useAppStore(syncsSelectors.editor);
  const actions = useAppStore(syncsSelectors.actions);
  const signedIn = useAppStore(accountSelectors.signedIn);
  const editing = editor?.mode === 'edit' ? (jobs.find((j) => j.job.id === editor.jobId)?.job ?? null) : null;

  if (!ready) return <p className="muted">Loading sync jobs…</p>;
  if (loadError && jobs.length === 0) {
    return (
      <div className="empty-state">
        <p className="field-error">Sync jobs could not be loaded: {loadError}</p>
        <button type="button" onClick={() => void actions.load()}>
          Try again
        </button>
      </div>
    );
  }

  return (
    <div className="sy-view">
      {!signedIn && (
        <p className="note sy-note" role="status">
          Not signed in to Globus: scheduled runs wait until you sign in (Account), and nothing is lost meanwhile. Previews work now.
        </p>
      )}
      <section className="sy-panel" aria-labelledby="sy-jobs-title">
        <div className="sy-bar">
          <h2 id="sy-jobs-title">Sync jobs</h2>
          {editor?.mode !== 'create' && (
            <button type="button" className="primary" onClick={() => actions.startCreate()}>
              New sync job
            </button>
          )}
        </div>
        {jobs.length === 0 ? (
          <p className="muted">
            No sync jobs yet. A job sends what was added or changed in a folder on this machine to a Globus collection, on a schedule.
          </p>
        ) : (
          <JobsTable jobs={jobs} signedIn={signedIn} />
        )}
      </section>
      {editor && <SyncJobForm key={editor.mode === 'edit' ? editor.jobId : 'new'} job={editing} />}
      <JobDetail />
    </div>
  );
}

function jobState(s: SyncJobSummary): string {
  if (s.running) return 'Running';
  if (!s.job.enabled) return 'Disabled';
  if (s.job.paused) return 'Paused';
  return 'Enabled';
}

function JobsTable({ jobs, signedIn }: { jobs: readonly SyncJobSummary[]; signedIn: boolean }) {
  const actions = useAppStore(syncsSelectors.actions);
  const selectedId = useAppStore(syncsSelectors.selectedJobId);
  const busy = useAppStore(syncsSelectors.busy);
  const previewing = useAppStore(syncsSelectors.previewing);
  const now = useNow();
  return (
    <table className="sy-table" aria-label="Sync jobs">
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Schedule</th>
          <th scope="col">Next run</th>
          <th scope="col">Last result</th>
          <th scope="col">Files per run</th>
          <th scope="col">State</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((s) => {
          const { job } = s;
          const last = s.lastRun;
          return (
            <tr key={job.id} className={selectedId === job.id ? 'sy-selected' : undefined}>
              <th scope="row">
                <button type="button" className="link-button sy-name" aria-pressed={selectedId === job.id} onClick={() => actions.selectJob(job.id)}>
                  {job.name}
                </button>
                <span className="sy-sub mono" title={`${job.source.localPath} → ${job.destination.collectionId}:${job.destination.path}`}>
                  {job.source.localPath} → {job.destination.path}
                </span>
              </th>
              <td>{describeSchedule(job)}</td>
              <td>
                {s.nextRunAt ? (
                  <span title={formatExact(s.nextRunAt)}>
                    {formatRelative(Date.parse(s.nextRunAt), now)}
                    {!signedIn && <span className="sy-sub"> (after sign-in)</span>}
                  </span>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                {last ? (
                  <span className="sy-last">
                    <StatusBadge run={last} />{' '}
                    <span className="sy-sub" title={formatExact(last.startedAt)}>
                      {formatRelative(Date.parse(last.startedAt), now)} · {formatCount(last.stats.changedFiles, 'file')}
                    </span>
                  </span>
                ) : (
                  <span className="muted">Never run</span>
                )}
              </td>
              <td>
                <Sparkline values={s.recentChangedFiles} />
              </td>
              <td>
                <span className={`sy-state sy-state-${jobState(s).toLowerCase()}`}>{jobState(s)}</span>
              </td>
              <td>
                <div className="sy-row-actions">
                  <button type="button" aria-label={`Preview ${job.name}`} disabled={previewing !== null} onClick={() => void actions.previewJob(job.id)}>
                    Preview
                  </button>
                  <button
                    type="button"
                    aria-label={`Run ${job.name} now`}
                    disabled={!signedIn || s.running || busy[`run:${job.id}`] === true}
                    title={signedIn ? undefined : 'Sign in to Globus to run'}
                    onClick={() => void actions.runNow(job.id)}
                  >
                    Run now
                  </button>
                  {job.paused ? (
                    <button type="button" aria-label={`Resume ${job.name}`} disabled={busy[`pause:${job.id}`] === true} onClick={() => void actions.resume(job.id)}>
                      Resume
                    </button>
                  ) : (
                    <button type="button" aria-label={`Pause ${job.name}`} disabled={busy[`pause:${job.id}`] === true} onClick={() => void actions.pause(job.id)}>
                      Pause
                    </button>
                  )}
                  <button type="button" aria-label={`Edit ${job.name}`} onClick={() => actions.startEdit(job.id)}>
                    Edit
                  </button>
                  <ConfirmDialog
                    title={`Delete the sync job ${job.name}?`}
                    confirmLabel={`Delete ${job.name}`}
                    cancelLabel="Keep it"
                    onConfirm={() => actions.remove(job.id)}
                    trigger={
                      <button type="button" aria-label={`Delete ${job.name}`}>
                        Delete
                      </button>
                    }
                  >
                    <p>Its settings and run history go; files it already sent are not touched.</p>
                  </ConfirmDialog>
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Files per run as a tiny line (inline SVG), oldest left. */
export function Sparkline({ values, width = 96, height = 24 }: { values: readonly number[]; width?: number; height?: number }) {
  if (values.length === 0) return <span className="muted">—</span>;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(2 + i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`);
  const last = points[points.length - 1] ?? '0,0';
  const [lx, ly] = last.split(',');
  return (
    <svg className="sy-spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Files per run: ${values.join(', ')}`}>
      {values.length > 1 && <polyline points={points.join(' ')} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />}
      <circle cx={lx} cy={ly} r="2.2" fill="currentColor" />
    </svg>
  );
}

function JobDetail() {
  const selected = useAppStore(syncsSelectors.selected);
  const progress = useAppStore(syncsSelectors.progress);
  const preview = useAppStore(syncsSelectors.preview);
  const previewing = useAppStore(syncsSelectors.previewing);
  const openRunId = useAppStore(syncsSelectors.openRunId);
  if (!selected) return null;
  const job = selected.job;
  const p = progress[job.id];
  return (
    <section className="sy-panel" aria-labelledby="sy-detail-title">
      <h2 id="sy-detail-title">{job.name}</h2>
      <p className="sy-sub mono">
        {job.source.localPath} ({job.source.collectionId}:{job.source.collectionPath}) → {job.destination.collectionId}:{job.destination.path}
      </p>
      <RunOnGlobusEntry job={job} />
      {p && <ProgressBar progress={p} expected={selected.lastRun?.stats.filesScanned ?? 0} />}
      {previewing === job.id && !p && <p className="muted" role="status">Previewing…</p>}
      {preview?.jobId === job.id && <PreviewResult preview={preview} />}
      <RunHistory />
      <LogViewer />
      <RunFiles key={openRunId ?? ''} />
    </section>
  );
}

const phaseLabels: Record<SyncProgress['phase'], string> = {
  scan: 'Scanning',
  mkdir: 'Creating empty folders',
  submit: 'Submitting',
  transfer: 'Waiting for Globus',
  commit: 'Saving',
};

function ProgressBar({ progress, expected }: { progress: SyncProgress; expected: number }) {
  const what = progress.runId === null ? 'Preview' : 'Run';
  const submitting = progress.phase === 'submit' && progress.total !== undefined && progress.total > 0;
  const max = submitting ? (progress.total ?? 0) : Math.max(expected, progress.filesScanned);
  const value = submitting ? (progress.done ?? 0) : progress.filesScanned;
  const determinate = max > 0 && (submitting || expected > 0);
  const text =
    progress.phase === 'scan'
      ? `${formatCount(progress.filesScanned, 'file')} scanned in ${formatCount(progress.dirsScanned, 'folder')}, ${formatNumber(progress.changedFiles)} changed (${formatBytes(progress.changedBytes)})`
      : submitting
        ? `${formatNumber(value)} of ${formatCount(max, 'item')} submitted`
        : progress.phase === 'transfer'
          ? `Globus is transferring ${formatCount(progress.changedFiles, 'file')} (${formatBytes(progress.changedBytes)})`
          : formatCount(progress.changedFiles, 'file');
  return (
    <div className="sy-progress">
      <span className="sy-progress-label">
        {what}: {phaseLabels[progress.phase]}
      </span>
      <div
        role="progressbar"
        aria-label={`${what} progress`}
        aria-valuemin={0}
        {...(determinate ? { 'aria-valuemax': max, 'aria-valuenow': Math.min(value, max) } : {})}
        aria-valuetext={text}
        className={`sy-meter${determinate ? '' : ' sy-meter-busy'}`}
      >
        <div className="sy-meter-fill" style={determinate ? { width: `${Math.round((Math.min(value, max) / max) * 100)}%` } : undefined} />
      </div>
      <span className="sy-progress-text" aria-live="polite">
        {text}
      </span>
    </div>
  );
}

function PreviewResult({ preview }: { preview: SyncPreview }) {
  return (
    <section className="sy-sub-panel" aria-label="Preview">
      <h3>Preview</h3>
      <p role="status">
        {preview.changedFiles === 0 && preview.emptyDirs === 0
          ? `Nothing to send: ${formatCount(preview.filesScanned, 'file')} scanned, none added or changed.`
          : `${formatNumber(preview.changedFiles)} of ${formatCount(preview.filesScanned, 'file')} would be sent (${formatBytes(preview.changedBytes)})` +
            (preview.emptyDirs ? `, ${formatCount(preview.emptyDirs, 'empty folder')} created` : '') +
            '.'}{' '}
        <span className="sy-sub">
          Scanned {formatCount(preview.dirsScanned, 'folder')} in {formatDuration(preview.scanMs)}.
        </span>
      </p>
      {preview.symlinksSkipped > 0 && <p className="sy-warn">{formatCount(preview.symlinksSkipped, 'symbolic link')} skipped (policy: skip).</p>}
      {preview.symlinkLoops.map((l) => (
        <p key={l} className="sy-warn">
          Symbolic link loop not followed: <span className="mono">{l}</span>
        </p>
      ))}
      {preview.warnings.length > 0 && (
        <ul className="sy-list sy-warn" aria-label="Preview warnings">
          {preview.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
          {preview.warningCount > preview.warnings.length && <li>… and {(preview.warningCount - preview.warnings.length).toLocaleString()} more.</li>}
        </ul>
      )}
      {preview.sample.length > 0 && (
        <table className="sy-table sy-compact" aria-label="Files that would be sent">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Size</th>
              <th scope="col">Modified</th>
            </tr>
          </thead>
          <tbody>
            {preview.sample.map((f) => (
              <tr key={f.path}>
                <td className="mono">{f.path}</td>
                <td>{formatBytes(f.size)}</td>
                <td>{formatExact(f.mtime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {preview.changedFiles > preview.sample.length && (
        <p className="sy-sub">… and {(preview.changedFiles - preview.sample.length).toLocaleString()} more.</p>
      )}
    </section>
  );
}

