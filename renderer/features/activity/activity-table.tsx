import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef, type KeyboardEvent } from 'react';
import type { ActivityRow, ActivitySort, ActivitySortKey } from '../../../shared/activity';
import { formatBytes, formatCount, formatExact, formatRate, formatRelative } from '../../../shared/format';
import { progressOf, routeOf, statusLook } from './activity-format';
import { StatusBadge } from './status-badge';

export const rowHeight = 52;
/** Height of the sticky header row inside the scroller (matches activity.css). */
export const headerHeight = 34;

interface Column {
  readonly id: string;
  readonly title: string;
  readonly sortKey: ActivitySortKey;
  /** Shown in the compact table (the task detail open beside it); the detail shows the rest. */
  readonly key: boolean;
}

/** Columns, left to right; each header sorts by its key. */
export const columns: readonly Column[] = [
  { id: 'status', title: 'Status', sortKey: 'status', key: true },
  { id: 'label', title: 'Label', sortKey: 'label', key: true },
  { id: 'route', title: 'Source → destination', sortKey: 'source_name', key: false },
  { id: 'files', title: 'Files', sortKey: 'files_transferred', key: false },
  { id: 'speed', title: 'Speed', sortKey: 'effective_bytes_per_second', key: true },
  { id: 'requested', title: 'Requested', sortKey: 'request_time', key: true },
  { id: 'completed', title: 'Completed', sortKey: 'completion_time', key: true },
];

interface TableProps {
  readonly rows: readonly ActivityRow[];
  readonly sort: ActivitySort;
  readonly onSort: (key: ActivitySortKey) => void;
  readonly onOpen: (taskId: string) => void;
  readonly selectedId: string | null;
  readonly cancelledIds: Readonly<Record<string, true>>;
  readonly now: number;
  /** Only the key columns (status, label, speed, requested, completed): the detail is open beside it. */
  readonly compact?: boolean;
  /** Tasks that need attention (faults, an error as their newest event): marked in their status cell. */
  readonly attention?: ReadonlyMap<string, { readonly explanation: { readonly title: string } }>;
}

/** Only the rows in (and just around) the viewport are in the DOM; the rest is scroll height. */
export function ActivityTable({ rows, sort, onSort, onOpen, selectedId, cancelledIds, now, compact = false, attention }: TableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 6,
    scrollMargin: headerHeight,
    getItemKey: (index) => rows[index]?.task_id ?? index,
  });
  const items = virtualizer.getVirtualItems();

  return (
    <div className={`act-table${compact ? ' compact' : ''}`} role="table" aria-label="Transfer history" aria-rowcount={rows.length + 1}>
      {/* The header sits inside the scroller (sticky) so it scrolls sideways with the rows in a narrow window. */}
      <div ref={scrollRef} className="act-scroll" data-testid="activity-scroll">
        <div role="rowgroup" className="act-head">
          <div role="row" className="act-row act-head-row" aria-rowindex={1}>
            {columns
              .filter((c) => !compact || c.key)
              .map((c) => {
              const active = sort.key === c.sortKey;
              return (
                <div
                  key={c.id}
                  role="columnheader"
                  className={`act-cell act-col-${c.id}`}
                  aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  <button type="button" className="act-sort" onClick={() => onSort(c.sortKey)}>
                    {c.title}
                    <span aria-hidden="true" className="act-sort-mark">
                      {active ? (sort.direction === 'asc' ? '▲' : '▼') : ''}
                    </span>
                  </button>
                </div>
              );
            })}
          </div>
        </div>
        <div role="rowgroup" className="act-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            return (
              <TableRow
                key={item.key}
                row={row}
                index={item.index}
                top={item.start - headerHeight}
                selected={row.task_id === selectedId}
                cancelled={cancelledIds[row.task_id] === true}
                needs={attention?.get(row.task_id)?.explanation.title ?? null}
                now={now}
                compact={compact}
                onOpen={onOpen}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}

interface RowProps {
  readonly row: ActivityRow;
  readonly index: number;
  readonly top: number;
  readonly selected: boolean;
  readonly cancelled: boolean;
  /** Set when the task needs attention: what the error explainer calls it. */
  readonly needs: string | null;
  readonly now: number;
  readonly compact: boolean;
  readonly onOpen: (taskId: string) => void;
}

const TableRow = memo(function TableRow({ row, index, top, selected, cancelled, needs, now, compact, onOpen }: RowProps) {
  const look = statusLook(row, cancelled);
  const progress = progressOf(row);
  const open = () => onOpen(row.task_id);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open();
    }
  };
  const percent = progress.fraction === null ? null : Math.round(progress.fraction * 100);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-current={selected ? 'true' : undefined}
      data-task-id={row.task_id}
      className={`act-row act-body-row${selected ? ' selected' : ''}`}
      style={{ transform: `translateY(${top}px)`, height: rowHeight }}
      tabIndex={0}
      onClick={open}
      onKeyDown={onKeyDown}
    >
      <div role="cell" className="act-cell act-col-status">
        <StatusBadge look={look} title={row.nice_status ?? undefined} />
        {needs !== null && (
          <span className="act-line act-attention" title={`Needs attention: ${needs}`}>
            <span aria-hidden="true">⚠ </span>
            <span className="visually-hidden">Needs </span>
            Attention
          </span>
        )}
      </div>
      <div role="cell" className="act-cell act-col-label">
        <span className="act-line act-strong" title={row.label ?? undefined}>
          {row.label ?? <span className="muted">(no label)</span>}
        </span>
        <span className="act-line act-sub act-mono" title={row.task_id}>
          {row.task_id}
        </span>
      </div>
      {!compact && (
        <div role="cell" className="act-cell act-col-route">
          <span className="act-line" title={routeOf(row)}>
            {routeOf(row)}
          </span>
          <span className="act-line act-sub" title={row.paths ?? undefined}>
            {row.paths ?? '—'}
          </span>
        </div>
      )}
      {!compact && <FilesCell row={row} tone={look.tone} progress={progress} percent={percent} />}
      <div role="cell" className="act-cell act-col-speed">
        {row.effective_bytes_per_second > 0 ? formatRate(row.effective_bytes_per_second) : '—'}
        {row.faults > 0 && <span className="act-line act-sub act-faults">{formatCount(row.faults, 'fault')}</span>}
      </div>
      <div role="cell" className="act-cell act-col-requested">
        <time dateTime={row.request_time} title={formatExact(row.request_time)}>
          {formatRelative(row.request_time, now)}
        </time>
      </div>
      <div role="cell" className="act-cell act-col-completed">
        {row.completion_time ? (
          <time dateTime={row.completion_time} title={formatExact(row.completion_time)}>
            {formatRelative(row.completion_time, now)}
          </time>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
    </div>
  );
});

interface FilesCellProps {
  readonly row: ActivityRow;
  readonly tone: string;
  readonly progress: ReturnType<typeof progressOf>;
  readonly percent: number | null;
}

function FilesCell({ row, tone, progress, percent }: FilesCellProps) {
  return (
    <div role="cell" className="act-cell act-col-files">
        <span className="act-line">
          {formatCount(progress.done)} of {formatCount(progress.total, 'file')} · {formatBytes(row.bytes_transferred)}
        </span>
        <div
          className={`act-progress tone-${tone}${percent === null ? ' indeterminate' : ''}`}
          role="progressbar"
          aria-label="Files done"
          aria-valuemin={0}
          aria-valuemax={progress.total}
          aria-valuenow={percent === null ? undefined : progress.done}
          aria-valuetext={percent === null ? 'Waiting for the file count' : `${progress.done} of ${formatCount(progress.total, 'file')} (${percent}%)`}
        >
          <div className="act-progress-fill" style={{ width: `${percent ?? 100}%` }} />
        </div>
      </div>
  );
}
