import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PollStatus } from '../../../shared/activity';
import { taskStatuses, type TaskStatus } from '../../../shared/globus-types';
import { useAppStore } from '../../app/store-context';
import { ActivityDetail, type OpenFolder } from './activity-detail';
import { formatCount, formatExact, formatRelative } from '../../../shared/format';
import { isFiltered, timeRanges, type TimeRange } from './activity-rows';
import { activitySelectors } from './activity-slice';
import { ActivityTable } from './activity-table';
import { AlertsPanel } from './alerts-panel';
import { attentionSelectors } from './attention-slice';
import { BytesPerDay } from './bytes-per-day';
import './activity.css';

const statusNames: Readonly<Record<TaskStatus, string>> = {
  ACTIVE: 'Active',
  INACTIVE: 'Inactive',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
};

const rangeNames: Readonly<Record<TimeRange, string>> = {
  all: 'Any time',
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  custom: 'Between…',
};

/** Re-renders every `ms` so relative times stay true. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** `datetime-local` value (local time, no zone) <-> ISO. */
function localInputToIso(value: string): string {
  if (!value) return '';
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}
function isoToLocalInput(iso: string): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (!Number.isFinite(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Widths the task detail beside the table may take; the table keeps its key columns either way. */
export const detailWidth = { min: 300, max: 640, initial: 380, step: 24 } as const;

const clampWidth = (w: number): number => Math.round(Math.min(detailWidth.max, Math.max(detailWidth.min, w)));

/** A vertical splitter: drag it, or focus it and press ←/→ (Home/End for the ends). */
function DetailResizer({ width, onWidth }: { readonly width: number; readonly onWidth: (w: number) => void }) {
  const drag = useRef<{ x: number; w: number } | null>(null);
  const onPointerDown = (e: ReactPointerEvent<HTMLDivElement>) => {
    drag.current = { x: e.clientX, w: width };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: ReactPointerEvent<HTMLDivElement>) => {
    if (drag.current) onWidth(clampWidth(drag.current.w + drag.current.x - e.clientX));
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    const next =
      e.key === 'ArrowLeft' ? width + detailWidth.step : e.key === 'ArrowRight' ? width - detailWidth.step : e.key === 'Home' ? detailWidth.max : e.key === 'End' ? detailWidth.min : null;
    if (next === null) return;
    e.preventDefault();
    onWidth(clampWidth(next));
  };
  return (
    <div
      className="act-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Width of task details"
      aria-valuemin={detailWidth.min}
      aria-valuemax={detailWidth.max}
      aria-valuenow={width}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={() => (drag.current = null)}
      onPointerCancel={() => (drag.current = null)}
      onKeyDown={onKeyDown}
    />
  );
}

function downloadCsv(csv: string): void {
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `ferry-activity-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function pollLine(status: PollStatus | null, now: number): string {
  if (!status) return 'Waiting for the first refresh from Globus.';
  const parts: string[] = [];
  parts.push(status.lastPollAt === null ? 'Not refreshed yet' : `Refreshed ${formatRelative(status.lastPollAt, now)}`);
  if (!status.running) parts.push('live refresh is off (sign in to Globus)');
  else parts.push(status.mode === 'fast' ? `${status.activeCount} active, checking every few seconds` : 'nothing active, checking now and then');
  return parts.join(' · ');
}

export function ActivityView({ onOpenFolder }: { readonly onOpenFolder?: OpenFolder } = {}) {
  const rows = useAppStore(activitySelectors.visibleRows);
  const counts = useAppStore(activitySelectors.counts);
  const loaded = useAppStore(activitySelectors.loaded);
  const loadError = useAppStore(activitySelectors.loadError);
  const filter = useAppStore(activitySelectors.filter);
  const sort = useAppStore(activitySelectors.sort);
  const status = useAppStore(activitySelectors.status);
  const refreshing = useAppStore(activitySelectors.refreshing);
  const exporting = useAppStore(activitySelectors.exporting);
  const cancelledIds = useAppStore(activitySelectors.cancelledIds);
  const detailId = useAppStore(activitySelectors.detailId);
  const canEnableNotifications = useAppStore(activitySelectors.canEnableNotifications);
  const attention = useAppStore(attentionSelectors.attentionById);
  const a = useAppStore(
    useShallow((s) => ({
      refresh: s.activity.refresh,
      load: s.activity.load,
      toggleStatus: s.activity.toggleStatus,
      setText: s.activity.setText,
      setRange: s.activity.setRange,
      clearFilters: s.activity.clearFilters,
      sortBy: s.activity.sortBy,
      openDetail: s.activity.openDetail,
      exportCsv: s.activity.exportCsv,
      enableNotifications: s.activity.enableNotifications,
    })),
  );
  const openInBrowser = useAppStore(useShallow((s) => ({ open: s.collections.open, go: s.nav.go })));
  const openFolder: OpenFolder =
    onOpenFolder ??
    ((target) => {
      // Source in the left pane, destination in the right, as the collections browser lays out a transfer.
      void openInBrowser.open(target.side === 'source' ? 0 : 1, { id: target.collectionId, display_name: target.collectionName }, target.path);
      openInBrowser.go('collections');
    });
  const now = useNow(15_000);
  const [exportNote, setExportNote] = useState('');
  const [panelWidth, setPanelWidth] = useState<number>(detailWidth.initial);

  const exportRows = async () => {
    const result = await a.exportCsv();
    if (!result) return;
    downloadCsv(result.csv);
    setExportNote(`Exported ${formatCount(result.rows, 'task')}.`);
  };

  return (
    <div className={`act-view${detailId ? ' with-detail' : ''}`} style={{ ['--act-detail-w' as string]: `${panelWidth}px` }}>
      <div className="act-main">
        <div className="act-toolbar">
          <p className="act-poll" role="status" aria-label="Refresh status">
            <span title={status?.lastPollAt ? formatExact(status.lastPollAt) : undefined}>{pollLine(status, now)}</span>
            {status?.lastError && (
              <span className="act-poll-error">
                {' '}
                · Last refresh failed: {status.lastError.message} ({status.lastError.code})
              </span>
            )}
          </p>
          <div className="act-toolbar-actions">
            {canEnableNotifications && (
              <button type="button" onClick={() => void a.enableNotifications()}>
                Enable notifications
              </button>
            )}
            <button type="button" onClick={() => void exportRows()} disabled={exporting || rows.length === 0}>
              {exporting ? 'Exporting…' : 'Export CSV'}
            </button>
            <button type="button" className="primary" onClick={() => void a.refresh()} disabled={refreshing}>
              {refreshing ? 'Refreshing…' : 'Refresh'}
            </button>
          </div>
        </div>

        <div className="act-filters" role="search" aria-label="Filter tasks">
          <div className="act-status-filters" role="group" aria-label="Status">
            {taskStatuses.map((s) => (
              <button
                key={s}
                type="button"
                className={`act-chip tone-${s.toLowerCase()}`}
                aria-pressed={filter.statuses.includes(s)}
                onClick={() => a.toggleStatus(s)}
              >
                {statusNames[s]} <span className="act-chip-count">{formatCount(counts[s])}</span>
              </button>
            ))}
          </div>
          <input
            type="search"
            className="act-search"
            aria-label="Search label, path or collection"
            placeholder="Search label, path, collection, task id"
            value={filter.text}
            onChange={(e) => a.setText(e.target.value)}
          />
          <select aria-label="Requested" value={filter.range} onChange={(e) => a.setRange(e.target.value as TimeRange)}>
            {timeRanges.map((r) => (
              <option key={r} value={r}>
                {rangeNames[r]}
              </option>
            ))}
          </select>
          {filter.range === 'custom' && (
            <>
              <input
                type="datetime-local"
                aria-label="Requested from"
                value={isoToLocalInput(filter.from)}
                onChange={(e) => a.setRange('custom', { from: localInputToIso(e.target.value) })}
              />
              <input
                type="datetime-local"
                aria-label="Requested until"
                value={isoToLocalInput(filter.to)}
                onChange={(e) => a.setRange('custom', { to: localInputToIso(e.target.value) })}
              />
            </>
          )}
          {isFiltered(filter) && (
            <button type="button" className="link-like" onClick={a.clearFilters}>
              Clear filters
            </button>
          )}
          <span className="act-sub act-count" aria-live="polite">
            {formatCount(rows.length)} of {formatCount(counts.total, 'task')}
            {exportNote ? ` · ${exportNote}` : ''}
          </span>
        </div>

        <AlertsPanel now={now} />

        {loaded && counts.total > 0 && <BytesPerDay />}

        {loadError && (
          <div className="field-error act-load-error" role="alert">
            The history could not be read: {loadError}{' '}
            <button type="button" onClick={() => void a.load()}>
              Try again
            </button>
          </div>
        )}
        {!loaded ? (
          <p className="muted">Reading the transfer history…</p>
        ) : counts.total === 0 ? (
          <div className="empty-state">
            <p>No transfers yet.</p>
            <p className="muted">Tasks you submit from Ferry, and recent tasks on your Globus account once you sign in, appear here live.</p>
          </div>
        ) : (
          <ActivityTable
            rows={rows}
            sort={sort}
            onSort={a.sortBy}
            onOpen={a.openDetail}
            selectedId={detailId}
            cancelledIds={cancelledIds}
            now={now}
            compact={detailId !== null}
            attention={attention}
          />
        )}
      </div>
      {detailId && <DetailResizer width={panelWidth} onWidth={setPanelWidth} />}
      {detailId && <ActivityDetail onOpenFolder={openFolder} />}
    </div>
  );
}
