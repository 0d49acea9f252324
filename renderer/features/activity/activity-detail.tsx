import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ActivityRow } from '../../../shared/activity';
import type { FileRecord } from '../../../shared/globus-types';
import { copyText } from '../../app/copy-text';
import { useAppStore } from '../../app/store-context';
import { Tooltip } from '../../app/ui/tooltip';
import { formatBytes, formatCount, formatExact, formatNumber, formatRate } from '../../../shared/format';
import { folderTargets, progressOf, routeOf, statusLook, type FolderTarget } from './activity-format';
import { activitySelectors, type FileList } from './activity-slice';
import { StatusBadge } from './status-badge';
import { AttentionBox } from './attention-box';
import { ThroughputChart } from './throughput-chart';
import { selectTimerForTask } from '../timers/timers-selectors';

/** Opens a folder of a collection in the collections browser. */
export type OpenFolder = (target: FolderTarget & { readonly collectionName: string | null }) => void;

/** One line that ellipsizes, the whole text on hover, and a button that copies it. */
function Copyable({ text, what, mono = false, onCopied }: { readonly text: string; readonly what: string; readonly mono?: boolean; readonly onCopied: (message: string) => void }) {
  return (
    <div className="act-copyable">
      <span className={`act-line act-sub${mono ? ' act-mono' : ''}`} title={text}>
        {text}
      </span>
      <Tooltip text={`Copy the ${what}`}>
        <button
          type="button"
          className="act-copy"
          aria-label={`Copy ${what}`}
          onClick={() => void copyText(text).then((ok) => onCopied(ok ? `Copied the ${what}.` : `Could not copy: select the ${what} and copy it by hand.`))}
        >
          Copy
        </button>
      </Tooltip>
    </div>
  );
}

function fieldValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && /_time$|^deadline$/.test(key)) return `${formatExact(value)} (${value})`;
  if (typeof value === 'number' && /bytes_per_second$/.test(key)) return formatRate(value);
  if (typeof value === 'number' && /bytes/.test(key)) return `${formatBytes(value)} (${formatNumber(value)} bytes)`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isActive(row: ActivityRow | null): boolean {
  return row?.status === 'ACTIVE' || row?.status === 'INACTIVE';
}

export function ActivityDetail({ onOpenFolder }: { readonly onOpenFolder?: OpenFolder | undefined }) {
  const detail = useAppStore(activitySelectors.detail);
  const row = useAppStore(activitySelectors.detailRow);
  const cancelledIds = useAppStore(activitySelectors.cancelledIds);
  const actions = useAppStore(
    useShallow((s) => ({
      close: s.activity.closeDetail,
      reload: s.activity.reloadDetail,
      moreEvents: s.activity.loadMoreEvents,
      loadFiles: s.activity.loadFiles,
      cancel: s.activity.cancel,
      resubmit: s.activity.resubmit,
    })),
  );
  const [copied, setCopied] = useState<string>('');
  // A run of a Globus timer links back to it (the timers slice knows the runs it has read).
  const fromTimer = useAppStore(useShallow((s) => (detail?.taskId ? selectTimerForTask(s, detail.taskId) : null)));
  const openTimer = useAppStore(useShallow((s) => ({ go: s.nav.go, select: s.timers.select })));
  const headingRef = useRef<HTMLHeadingElement>(null);
  const taskId = detail?.taskId ?? null;

  useEffect(() => {
    setCopied('');
    if (taskId) headingRef.current?.focus();
  }, [taskId]);

  if (!detail || !taskId) return null;
  /** Closes the detail and gives the focus back to the task's row, where the keyboard left off. */
  const close = () => {
    actions.close();
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`[role="row"][data-task-id="${CSS.escape(taskId)}"]`)?.focus());
  };
  const look = row ? statusLook(row, cancelledIds[taskId] === true) : null;
  const folders = folderTargets(detail.data);
  const fields: readonly (readonly [string, unknown])[] = detail.data?.task ? Object.entries(detail.data.task) : row ? Object.entries(row) : [];


  return (
    <aside
      className="act-detail"
      aria-labelledby="act-detail-title"
      onKeyDown={(e) => {
        if (e.key === 'Escape') close();
      }}
    >
      <header className="act-detail-head">
        <h2 id="act-detail-title" ref={headingRef} tabIndex={-1}>
          Task details
        </h2>
        <Tooltip text="Close (Escape)">
          <button type="button" className="icon-button" aria-label="Close task details" onClick={close}>
            ×
          </button>
        </Tooltip>
      </header>
      <div className="act-detail-title-row">
        {look && <StatusBadge look={look} title={row?.nice_status ?? undefined} />}
        <strong className="act-line" title={row?.label ?? undefined}>
          {row?.label ?? '(no label)'}
        </strong>
      </div>
      <Copyable text={taskId} what="task id" mono onCopied={setCopied} />
      {row && (
        <p className="act-sub act-line" title={routeOf(row)}>
          {routeOf(row)}
        </p>
      )}
      {row?.paths && <Copyable text={row.paths} what="paths" onCopied={setCopied} />}
      {row && <FilesLine row={row} />}
      {fromTimer && (
        <p className="act-sub">
          A run of the Globus timer{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => {
              openTimer.go('timers');
              void openTimer.select(fromTimer.id);
            }}
          >
            {fromTimer.name}
          </button>
        </p>
      )}

      <div className="act-detail-actions">
        <button type="button" onClick={() => void actions.cancel(taskId)} disabled={!isActive(row) || detail.busy !== null}>
          {detail.busy === 'cancel' ? 'Cancelling…' : 'Cancel task'}
        </button>
        <button type="button" onClick={() => void actions.resubmit(taskId)} disabled={!detail.data?.canResubmit || detail.busy !== null}>
          {detail.busy === 'resubmit' ? 'Resubmitting…' : 'Resubmit'}
        </button>
        {onOpenFolder && folders.source && (
          <button type="button" onClick={() => folders.source && onOpenFolder({ ...folders.source, collectionName: row?.source_name ?? null })}>
            Open source folder
          </button>
        )}
        {onOpenFolder && folders.destination && (
          <button
            type="button"
            onClick={() => folders.destination && onOpenFolder({ ...folders.destination, collectionName: row?.destination_name ?? null })}
          >
            Open destination folder
          </button>
        )}
        <button type="button" onClick={() => void actions.reload()} disabled={detail.loading}>
          Reload
        </button>
      </div>
      <p role="status" className="act-sub">
        {copied || detail.message || (detail.loading ? 'Loading task…' : '')}
        {detail.data?.stale ? ' Globus could not be reached: showing the stored copy.' : ''}
      </p>
      {detail.error && (
        <p className="field-error" role="alert">
          {detail.error}
        </p>
      )}
      <AttentionBox />

      {row && row.type === 'TRANSFER' && <ThroughputChart row={row} samples={detail.samples} />}

      <section aria-labelledby="act-events-title">
        <h3 id="act-events-title">
          Event log{' '}
          <span className="act-sub">
            {formatCount(detail.events.items.length)}
            {detail.events.total !== null ? ` of ${formatCount(detail.events.total)}` : ''}
          </span>
        </h3>
        <ol className="act-events" aria-label="Event log">
          {detail.events.items.map((e, i) => (
            <li key={`${e.time}-${i}`} className={e.is_error ? 'act-event error' : 'act-event'}>
              <span className="act-sub" title={e.time}>
                {formatExact(e.time)}
              </span>
              <span className="act-strong">{e.code}</span> {e.description}
              {e.details && <span className="act-block act-sub act-break">{e.details}</span>}
            </li>
          ))}
        </ol>
        {detail.events.items.length === 0 && !detail.events.loading && <p className="act-sub">No events.</p>}
        {detail.events.error && <p className="field-error">{detail.events.error}</p>}
        {detail.events.hasMore && (
          <button type="button" onClick={() => void actions.moreEvents()} disabled={detail.events.loading}>
            {detail.events.loading ? 'Loading…' : 'Load more events'}
          </button>
        )}
      </section>

      <FileSection title="Transferred files" list={detail.files.successful} onLoad={() => void actions.loadFiles('successful')} />
      <FileSection title="Skipped or failed files" list={detail.files.skipped} onLoad={() => void actions.loadFiles('skipped')} />
      <details className="act-all-fields">
        <summary>All task fields ({fields.length})</summary>
        <dl className="act-fields">
          {fields.map(([key, value]) => (
            <div key={key} className="act-field">
              <dt>{key}</dt>
              <dd className="act-break">{fieldValue(key, value)}</dd>
            </div>
          ))}
          {row && (
            <>
              <div className="act-field">
                <dt>ferry origin</dt>
                <dd>{row.origin}</dd>
              </div>
              <div className="act-field">
                <dt>paths</dt>
                <dd className="act-break">{row.paths ?? '—'}</dd>
              </div>
            </>
          )}
        </dl>
      </details>

    </aside>
  );
}

/** The Files column of the table, which the compact table beside the detail leaves out. */
function FilesLine({ row }: { readonly row: ActivityRow }) {
  const p = progressOf(row);
  return (
    <p className="act-sub">
      {formatCount(p.done)} of {formatCount(p.total, 'file')} · {formatBytes(row.bytes_transferred)}
      {row.effective_bytes_per_second > 0 ? ` · ${formatRate(row.effective_bytes_per_second)}` : ''}
    </p>
  );
}

function FileSection({ title, list, onLoad }: { readonly title: string; readonly list: FileList; readonly onLoad: () => void }) {
  return (
    <section aria-label={title}>
      <h3>
        {title} {list.loaded && <span className="act-sub">{list.items.length}{list.nextMarker ? '+' : ''}</span>}
      </h3>
      {list.loaded && list.items.length === 0 && <p className="act-sub">None.</p>}
      {list.items.length > 0 && (
        <ul className="act-files" aria-label={title}>
          {list.items.map((f: FileRecord, i) => (
            <li key={`${f.source_path ?? ''}-${i}`} className={f.error_code ? 'error' : undefined}>
              <span className="act-break">
                {f.source_path ?? '?'} → {f.destination_path ?? '?'}
              </span>
              {f.error_code && (
                <span className="act-line act-sub">
                  {f.error_code}
                  {f.error_details ? `: ${f.error_details}` : ''}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {list.error && <p className="field-error">{list.error}</p>}
      {(!list.loaded || list.nextMarker !== null) && (
        <button type="button" onClick={onLoad} disabled={list.loading}>
          {list.loading ? 'Loading…' : list.loaded ? 'Load more' : 'Show files'}
        </button>
      )}
    </section>
  );
}
