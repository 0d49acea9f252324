/**
 * Pure row operations of the Activity view: apply a delta, filter and sort in memory (the same
 * rules core uses for CSV export, so the export holds exactly what the table shows).
 */
import type { ActivityDelta, ActivityFilter, ActivityRow, ActivitySort, ActivitySortKey } from '../../../shared/activity';
import { assertNever } from '../../../shared/assert-never';
import type { TaskStatus } from '../../../shared/globus-types';

export const timeRanges = ['all', '1h', '24h', '7d', '30d', 'custom'] as const;
export type TimeRange = (typeof timeRanges)[number];

export const timeRangeMs: Readonly<Record<Exclude<TimeRange, 'all' | 'custom'>, number>> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

/** What the person chose in the filter bar. */
export interface ActivityViewFilter {
  readonly statuses: readonly TaskStatus[];
  readonly text: string;
  readonly range: TimeRange;
  /** ISO bounds over `request_time` the range resolved to when it was chosen; '' = open. */
  readonly from: string;
  readonly to: string;
}

export const emptyFilter: ActivityViewFilter = { statuses: [], text: '', range: 'all', from: '', to: '' };
export const defaultSort: ActivitySort = { key: 'request_time', direction: 'desc' };

/** The filter as the contract's export call takes it. */
export function toApiFilter(filter: ActivityViewFilter): ActivityFilter {
  const text = filter.text.trim();
  return {
    ...(filter.statuses.length > 0 ? { statuses: [...filter.statuses] } : {}),
    ...(text ? { text } : {}),
    ...(filter.from ? { from: filter.from } : {}),
    ...(filter.to ? { to: filter.to } : {}),
  };
}

export function isFiltered(filter: ActivityViewFilter): boolean {
  return filter.statuses.length > 0 || filter.text.trim() !== '' || filter.from !== '' || filter.to !== '';
}

/** Upserts by task id and removes ids; returns the same array when nothing changed. */
export function applyDelta(rows: readonly ActivityRow[], delta: Pick<ActivityDelta, 'upserted' | 'removed'>): readonly ActivityRow[] {
  if (delta.upserted.length === 0 && delta.removed.length === 0) return rows;
  const updates = new Map<string, ActivityRow>();
  for (const row of delta.upserted) updates.set(row.task_id, row);
  const removed = new Set(delta.removed);
  const next: ActivityRow[] = [];
  const added: ActivityRow[] = [];
  for (const row of rows) {
    if (removed.has(row.task_id)) continue;
    const update = updates.get(row.task_id);
    if (update) {
      next.push(update);
      updates.delete(row.task_id);
    } else {
      next.push(row);
    }
  }
  for (const row of updates.values()) if (!removed.has(row.task_id)) added.push(row);
  return added.length > 0 ? [...added, ...next] : next;
}

interface RowKeys {
  readonly search: string;
  readonly requestMs: number;
  readonly completionMs: number;
}

const keyCache = new WeakMap<ActivityRow, RowKeys>();

function timeMs(iso: string | null): number {
  if (!iso) return Number.NEGATIVE_INFINITY;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : Number.NEGATIVE_INFINITY;
}

function keysOf(row: ActivityRow): RowKeys {
  let keys = keyCache.get(row);
  if (!keys) {
    keys = {
      search: [row.label, row.paths, row.source_name, row.destination_name, row.task_id]
        .filter((v): v is string => typeof v === 'string' && v.length > 0)
        .join('\u0001')
        .toLowerCase(),
      requestMs: timeMs(row.request_time),
      completionMs: timeMs(row.completion_time),
    };
    keyCache.set(row, keys);
  }
  return keys;
}

export function matches(row: ActivityRow, filter: ActivityViewFilter): boolean {
  if (filter.statuses.length > 0 && !filter.statuses.includes(row.status)) return false;
  const keys = keysOf(row);
  const text = filter.text.trim().toLowerCase();
  if (text && !keys.search.includes(text)) return false;
  if (filter.from) {
    const from = Date.parse(filter.from);
    if (Number.isFinite(from) && keys.requestMs < from) return false;
  }
  if (filter.to) {
    const to = Date.parse(filter.to);
    if (Number.isFinite(to) && keys.requestMs > to) return false;
  }
  return true;
}

function compareText(a: string | null, b: string | null): number {
  const x = (a ?? '').toLowerCase();
  const y = (b ?? '').toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareBy(key: ActivitySortKey, a: ActivityRow, b: ActivityRow): number {
  switch (key) {
    case 'status':
    case 'type':
    case 'origin':
      return a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
    case 'label':
    case 'source_name':
    case 'destination_name':
    case 'paths':
      return compareText(a[key], b[key]);
    case 'files':
    case 'files_transferred':
    case 'bytes_transferred':
    case 'effective_bytes_per_second':
    case 'faults':
      return a[key] - b[key];
    case 'request_time':
      return keysOf(a).requestMs - keysOf(b).requestMs;
    case 'completion_time': {
      const x = keysOf(a).completionMs;
      const y = keysOf(b).completionMs;
      return x === y ? 0 : x < y ? -1 : 1;
    }
    default:
      return assertNever(key, 'sort key');
  }
}

/** Filters then sorts into a new array (ties broken by task id, in the same direction). */
export function filterAndSort(rows: readonly ActivityRow[], filter: ActivityViewFilter, sort: ActivitySort): readonly ActivityRow[] {
  const out = isFiltered(filter) ? rows.filter((r) => matches(r, filter)) : rows.slice();
  const sign = sort.direction === 'asc' ? 1 : -1;
  out.sort((a, b) => {
    const c = compareBy(sort.key, a, b);
    if (c !== 0) return c * sign;
    return (a.task_id < b.task_id ? -1 : a.task_id > b.task_id ? 1 : 0) * sign;
  });
  return out;
}

export type StatusCounts = { readonly [S in TaskStatus]: number } & { readonly total: number };

export function countByStatus(rows: readonly ActivityRow[]): StatusCounts {
  const c = { ACTIVE: 0, INACTIVE: 0, SUCCEEDED: 0, FAILED: 0 };
  for (const r of rows) c[r.status] += 1;
  return { ...c, total: rows.length };
}
