import type { DeleteSubmission, TaskDocument, TaskStatus, TaskType, TransferSubmission } from '../../../shared/globus-types';
import { taskStatuses } from '../../../shared/globus-types';
import { assertNever } from '../../../shared/assert-never';
import type { SqliteDatabase } from '../store';
import type {
  ActivityCounts,
  ActivityFilter,
  ActivityOrigin,
  ActivityPage,
  ActivityPageQuery,
  ActivityRow,
  ActivitySort,
  ActivitySortKey,
  SubmittedTask,
  TaskEnded,
} from './types';
import { activityOrigins } from './types';

type Submission = TransferSubmission | DeleteSubmission;

export const activeStatuses: readonly TaskStatus[] = ['ACTIVE', 'INACTIVE'];

export function isActiveStatus(status: TaskStatus): boolean {
  return status === 'ACTIVE' || status === 'INACTIVE';
}

export function isDeleteSubmission(s: Submission): s is DeleteSubmission {
  return 'endpoint' in s;
}

/** `/a → /b (+3 more)` for a transfer, `/a (+3 more)` for a delete. */
export function summarizePaths(submission: Submission): string | null {
  if (isDeleteSubmission(submission)) {
    const first = submission.DATA[0];
    if (!first) return null;
    return first.path + more(submission.DATA.length);
  }
  const first = submission.DATA[0];
  if (!first) return null;
  return `${first.source_path} → ${first.destination_path}${more(submission.DATA.length)}`;
}

function more(n: number): string {
  return n > 1 ? ` (+${n - 1} more)` : '';
}

function parseMs(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

function searchText(row: ActivityRow): string {
  return [row.label, row.paths, row.source_name, row.destination_name, row.task_id]
    .filter((v): v is string => typeof v === 'string' && v.length > 0)
    .join('\u0001')
    .toLowerCase();
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** Fields outside the row that still make a stored document worth rewriting when they change. */
function docKey(doc: TaskDocument): string {
  return [
    doc.directories,
    doc.subtasks_total,
    doc.subtasks_pending,
    doc.subtasks_retrying,
    doc.subtasks_succeeded,
    doc.subtasks_failed,
    doc.subtasks_canceled,
    doc.subtasks_expired,
    doc.bytes_checksummed,
    doc.is_ok,
    doc.fatal_error?.code,
    doc.deadline,
    doc.nice_status_short_description,
  ].join('|');
}

const rowKeys = [
  'task_id',
  'status',
  'type',
  'label',
  'source_id',
  'source_name',
  'destination_id',
  'destination_name',
  'paths',
  'files',
  'files_transferred',
  'files_skipped',
  'bytes_transferred',
  'effective_bytes_per_second',
  'faults',
  'nice_status',
  'request_time',
  'completion_time',
  'submitted_by_ferry',
  'origin',
] as const satisfies readonly (keyof ActivityRow)[];

export function sameRow(a: ActivityRow, b: ActivityRow): boolean {
  for (const k of rowKeys) if (a[k] !== b[k]) return false;
  return true;
}

function sortColumn(key: ActivitySortKey): string {
  switch (key) {
    case 'status':
    case 'type':
    case 'origin':
    case 'files':
    case 'files_transferred':
    case 'bytes_transferred':
    case 'effective_bytes_per_second':
    case 'faults':
      return key;
    case 'label':
    case 'source_name':
    case 'destination_name':
    case 'paths':
      return `${key} COLLATE NOCASE`;
    case 'request_time':
      return 'request_ms';
    case 'completion_time':
      return 'completion_ms';
    default:
      return assertNever(key, 'sort key');
  }
}

interface DbRow {
  task_id: string;
  status: string;
  type: string;
  label: string | null;
  source_id: string | null;
  source_name: string | null;
  destination_id: string | null;
  destination_name: string | null;
  paths: string | null;
  files: number;
  files_transferred: number;
  files_skipped: number;
  bytes_transferred: number;
  effective_bytes_per_second: number;
  faults: number;
  nice_status: string | null;
  request_time: string;
  completion_time: string | null;
  submitted_by_ferry: number;
  origin: string;
}

const rowColumns = rowKeys.join(', ');

function toStatus(s: string): TaskStatus {
  return (taskStatuses as readonly string[]).includes(s) ? (s as TaskStatus) : 'ACTIVE';
}

function toOrigin(s: string): ActivityOrigin {
  return (activityOrigins as readonly string[]).includes(s) ? (s as ActivityOrigin) : 'account';
}

function fromDb(r: DbRow): ActivityRow {
  return {
    task_id: r.task_id,
    status: toStatus(r.status),
    type: r.type === 'DELETE' ? 'DELETE' : 'TRANSFER',
    label: r.label,
    source_id: r.source_id,
    source_name: r.source_name,
    destination_id: r.destination_id,
    destination_name: r.destination_name,
    paths: r.paths,
    files: r.files,
    files_transferred: r.files_transferred,
    files_skipped: r.files_skipped,
    bytes_transferred: r.bytes_transferred,
    effective_bytes_per_second: r.effective_bytes_per_second,
    faults: r.faults,
    nice_status: r.nice_status,
    request_time: r.request_time,
    completion_time: r.completion_time,
    submitted_by_ferry: r.submitted_by_ferry === 1,
    origin: toOrigin(r.origin),
  };
}

export interface ApplyResult {
  readonly upserted: readonly ActivityRow[];
  readonly ended: readonly TaskEnded[];
}

/**
 * The history table and an in-memory copy of every row (so diffs and snapshots never hit the
 * disk). All writes go through here.
 */
export class HistoryStore {
  private readonly rows = new Map<string, ActivityRow>();
  private readonly docKeys = new Map<string, string>();
  private readonly names = new Map<string, string | null>();
  private readonly upsertStmt;
  private readonly now: () => number;

  constructor(
    private readonly db: SqliteDatabase,
    now: () => number,
  ) {
    this.now = now;
    for (const r of db.prepare(`SELECT ${rowColumns} FROM tasks ORDER BY request_ms DESC, task_id`).all() as DbRow[]) {
      this.rows.set(r.task_id, fromDb(r));
    }
    for (const n of db.prepare('SELECT id, display_name FROM collection_names').all() as { id: string; display_name: string | null }[]) {
      this.names.set(n.id, n.display_name);
    }
    const writeColumns = [...rowKeys, 'request_ms', 'completion_ms', 'search_text', 'raw_json', 'submission_json', 'updated_ms'];
    const keep = new Set(['raw_json', 'submission_json']);
    // Positional parameters: binding by name costs about twice as much per row at 10,000 rows.
    this.upsertStmt = db.prepare(`
      INSERT INTO tasks (${writeColumns.join(', ')}) VALUES (${writeColumns.map(() => '?').join(', ')})
      ON CONFLICT(task_id) DO UPDATE SET ${writeColumns
        .slice(1)
        .map((c) => (keep.has(c) ? `${c} = COALESCE(excluded.${c}, tasks.${c})` : `${c} = excluded.${c}`))
        .join(', ')}
    `);
  }

  get size(): number {
    return this.rows.size;
  }

  get(taskId: string): ActivityRow | undefined {
    return this.rows.get(taskId);
  }

  /** Every row, in no particular order. */
  all(): ActivityRow[] {
    return [...this.rows.values()];
  }

  activeIds(): string[] {
    const ids: string[] = [];
    for (const r of this.rows.values()) if (isActiveStatus(r.status)) ids.push(r.task_id);
    return ids;
  }

  hasActive(): boolean {
    for (const r of this.rows.values()) if (isActiveStatus(r.status)) return true;
    return false;
  }

  /** True while a task Ferry submitted (any origin but the account's own history) is running. */
  hasFerryActive(): boolean {
    for (const r of this.rows.values()) if (isActiveStatus(r.status) && r.submitted_by_ferry) return true;
    return false;
  }

  collectionName(id: string): string | null | undefined {
    return this.names.get(id);
  }

  /** Remembers collection display names and fills them into rows that lack them. Returns changed rows. */
  setCollectionNames(names: ReadonlyMap<string, string | null>): ActivityRow[] {
    const now = this.now();
    const stmt = this.db.prepare(
      'INSERT INTO collection_names (id, display_name, fetched_ms) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name, fetched_ms = excluded.fetched_ms',
    );
    const changed: ActivityRow[] = [];
    this.db.transaction(() => {
      for (const [id, name] of names) {
        stmt.run(id, name, now);
        this.names.set(id, name);
      }
      for (const row of this.rows.values()) {
        const s = row.source_id && row.source_name === null ? names.get(row.source_id) : undefined;
        const d = row.destination_id && row.destination_name === null ? names.get(row.destination_id) : undefined;
        if (s == null && d == null) continue;
        const next: ActivityRow = { ...row, source_name: s ?? row.source_name, destination_name: d ?? row.destination_name };
        this.write(next, undefined, undefined);
        changed.push(next);
      }
    })();
    return changed;
  }

  /** Collection ids seen in rows whose display name is neither known nor cached. */
  unnamedCollections(): string[] {
    const ids = new Set<string>();
    for (const r of this.rows.values()) {
      if (r.source_id && r.source_name === null && !this.names.has(r.source_id)) ids.add(r.source_id);
      if (r.destination_id && r.destination_name === null && !this.names.has(r.destination_id)) ids.add(r.destination_id);
    }
    return [...ids];
  }

  private rowFromDoc(doc: TaskDocument, existing: ActivityRow | undefined): ActivityRow {
    const sourceId = doc.source_endpoint_id ?? existing?.source_id ?? null;
    const destId = doc.destination_endpoint_id ?? existing?.destination_id ?? null;
    return {
      task_id: doc.task_id,
      status: toStatus(doc.status),
      type: doc.type === 'DELETE' ? 'DELETE' : 'TRANSFER',
      label: doc.label ?? existing?.label ?? null,
      source_id: sourceId,
      source_name:
        doc.source_endpoint_display_name ?? existing?.source_name ?? (sourceId ? (this.names.get(sourceId) ?? null) : null),
      destination_id: destId,
      destination_name:
        doc.destination_endpoint_display_name ?? existing?.destination_name ?? (destId ? (this.names.get(destId) ?? null) : null),
      paths: existing?.paths ?? null,
      files: num(doc.files),
      files_transferred: num(doc.files_transferred),
      files_skipped: num(doc.files_skipped),
      bytes_transferred: num(doc.bytes_transferred),
      effective_bytes_per_second: num(doc.effective_bytes_per_second),
      faults: num(doc.faults),
      nice_status: doc.nice_status ?? (doc.status === 'FAILED' ? (doc.fatal_error?.code ?? null) : null),
      request_time: doc.request_time || existing?.request_time || new Date(this.now()).toISOString(),
      completion_time: doc.completion_time ?? null,
      submitted_by_ferry: existing?.submitted_by_ferry ?? false,
      origin: existing?.origin ?? 'account',
    };
  }

  private write(row: ActivityRow, rawJson: string | undefined, submissionJson: string | undefined): void {
    this.upsertStmt.run(
      row.task_id,
      row.status,
      row.type,
      row.label,
      row.source_id,
      row.source_name,
      row.destination_id,
      row.destination_name,
      row.paths,
      row.files,
      row.files_transferred,
      row.files_skipped,
      row.bytes_transferred,
      row.effective_bytes_per_second,
      row.faults,
      row.nice_status,
      row.request_time,
      row.completion_time,
      row.submitted_by_ferry ? 1 : 0,
      row.origin,
      parseMs(row.request_time) ?? 0,
      parseMs(row.completion_time),
      searchText(row),
      rawJson ?? null,
      submissionJson ?? null,
      this.now(),
    );
    this.rows.set(row.task_id, row);
  }

  /**
   * Applies task documents from Globus as a diff: rows whose visible fields changed are written
   * and returned; documents that changed only in hidden fields are written silently.
   */
  applyDocs(docs: readonly TaskDocument[]): ApplyResult {
    const upserted: ActivityRow[] = [];
    const ended: TaskEnded[] = [];
    this.db.transaction(() => {
      for (const doc of docs) {
        const existing = this.rows.get(doc.task_id);
        const next = this.rowFromDoc(doc, existing);
        const key = docKey(doc);
        const rowChanged = !existing || !sameRow(existing, next);
        if (!rowChanged && this.docKeys.get(doc.task_id) === key) continue;
        this.write(next, JSON.stringify(doc), undefined);
        this.docKeys.set(doc.task_id, key);
        if (!rowChanged) continue;
        upserted.push(next);
        if (next.submitted_by_ferry && !isActiveStatus(next.status) && (!existing || isActiveStatus(existing.status))) {
          ended.push({ row: next, previousStatus: existing?.status ?? null });
        }
      }
    })();
    return { upserted, ended };
  }

  /** Records a task Ferry submitted (before or after Globus reported it). */
  recordSubmitted(
    task: TaskDocument | SubmittedTask,
    origin: ActivityOrigin,
    submission: Submission | undefined,
  ): ApplyResult {
    const existing = this.rows.get(task.task_id);
    const sub = submission ?? ('submission' in task ? task.submission : undefined);
    const isDoc = 'status' in task && 'request_time' in task && typeof task.status === 'string';
    let base: ActivityRow;
    let raw: string | undefined;
    if (isDoc) {
      const doc = task as TaskDocument;
      base = this.rowFromDoc(doc, existing);
      raw = JSON.stringify(doc);
      this.docKeys.set(doc.task_id, docKey(doc));
    } else {
      const t = task as SubmittedTask;
      const type: TaskType = t.type ?? (sub && isDeleteSubmission(sub) ? 'DELETE' : 'TRANSFER');
      const sourceId = t.source_endpoint_id ?? (sub ? (isDeleteSubmission(sub) ? sub.endpoint : sub.source_endpoint) : null);
      const destId = t.destination_endpoint_id ?? (sub && !isDeleteSubmission(sub) ? sub.destination_endpoint : null);
      base = existing ?? {
        task_id: t.task_id,
        status: 'ACTIVE',
        type,
        label: t.label ?? sub?.label ?? null,
        source_id: sourceId,
        source_name: t.source_endpoint_display_name ?? (sourceId ? (this.names.get(sourceId) ?? null) : null),
        destination_id: destId,
        destination_name: t.destination_endpoint_display_name ?? (destId ? (this.names.get(destId) ?? null) : null),
        paths: null,
        files: 0,
        files_transferred: 0,
        files_skipped: 0,
        bytes_transferred: 0,
        effective_bytes_per_second: 0,
        faults: 0,
        nice_status: 'Queued',
        request_time: t.request_time ?? new Date(this.now()).toISOString(),
        completion_time: null,
        submitted_by_ferry: true,
        origin,
      };
    }
    const next: ActivityRow = {
      ...base,
      paths: sub ? summarizePaths(sub) : base.paths,
      submitted_by_ferry: true,
      origin,
    };
    const wasFerry = existing?.submitted_by_ferry ?? false;
    this.db.transaction(() => this.write(next, raw, sub ? JSON.stringify(sub) : undefined))();
    const changed = !existing || !sameRow(existing, next);
    const ended: TaskEnded[] =
      !wasFerry && !isActiveStatus(next.status) ? [{ row: next, previousStatus: existing?.status ?? null }] : [];
    return { upserted: changed ? [next] : [], ended };
  }

  raw(taskId: string): TaskDocument | null {
    const r = this.db.prepare('SELECT raw_json FROM tasks WHERE task_id = ?').get(taskId) as { raw_json: string | null } | undefined;
    return r?.raw_json ? (JSON.parse(r.raw_json) as TaskDocument) : null;
  }

  submission(taskId: string): Submission | null {
    const r = this.db.prepare('SELECT submission_json FROM tasks WHERE task_id = ?').get(taskId) as
      | { submission_json: string | null }
      | undefined;
    return r?.submission_json ? (JSON.parse(r.submission_json) as Submission) : null;
  }

  /** Sets the paths summary of a task found on the account once its files are known. */
  setPaths(taskId: string, paths: string): ActivityRow | null {
    const row = this.rows.get(taskId);
    if (!row || row.paths === paths) return null;
    const next = { ...row, paths };
    this.db.transaction(() => this.write(next, undefined, undefined))();
    return next;
  }

  remove(ids: readonly string[]): string[] {
    const stmt = this.db.prepare('DELETE FROM tasks WHERE task_id = ?');
    const removed: string[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        if (stmt.run(id).changes > 0) removed.push(id);
        this.rows.delete(id);
        this.docKeys.delete(id);
      }
    })();
    return removed;
  }

  getMeta(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return r?.value ?? null;
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- queries -------------------------------------------------------------------------------

  private where(filter: ActivityFilter | undefined, withStatus: boolean): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const statuses = withStatus ? (filter?.statuses ?? []) : [];
    if (statuses.length > 0) {
      clauses.push(`status IN (${statuses.map(() => '?').join(', ')})`);
      params.push(...statuses);
    }
    const text = filter?.text?.trim().toLowerCase();
    if (text) {
      clauses.push('instr(search_text, ?) > 0');
      params.push(text);
    }
    const from = parseMs(filter?.from);
    if (from !== null) {
      clauses.push('request_ms >= ?');
      params.push(from);
    }
    const to = parseMs(filter?.to);
    if (to !== null) {
      clauses.push('request_ms <= ?');
      params.push(to);
    }
    if (filter?.submittedByFerry !== undefined) {
      clauses.push('submitted_by_ferry = ?');
      params.push(filter.submittedByFerry ? 1 : 0);
    }
    return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  private orderBy(sort: ActivitySort | undefined): string {
    const s = sort ?? { key: 'request_time', direction: 'desc' };
    const dir = s.direction === 'asc' ? 'ASC' : 'DESC';
    return `ORDER BY ${sortColumn(s.key)} ${dir}, task_id ${dir}`;
  }

  page(query: ActivityPageQuery): ActivityPage {
    const offset = Math.max(0, Math.floor(query.offset ?? 0));
    const limit = Math.min(10_000, Math.max(1, Math.floor(query.limit ?? 100)));
    const w = this.where(query.filter, true);
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM tasks ${w.sql}`).get(...w.params) as { n: number }).n;
    const rows = (
      this.db.prepare(`SELECT ${rowColumns} FROM tasks ${w.sql} ${this.orderBy(query.sort)} LIMIT ? OFFSET ?`).all(...w.params, limit, offset) as DbRow[]
    ).map((r) => this.rows.get(r.task_id) ?? fromDb(r));
    return { rows, total, offset };
  }

  /** Every matching row in order (for export). */
  select(filter: ActivityFilter | undefined, sort: ActivitySort | undefined): ActivityRow[] {
    const w = this.where(filter, true);
    return (this.db.prepare(`SELECT ${rowColumns} FROM tasks ${w.sql} ${this.orderBy(sort)}`).all(...w.params) as DbRow[]).map(
      (r) => this.rows.get(r.task_id) ?? fromDb(r),
    );
  }

  /** Counts per status under the filter's text/time conditions (the status set itself is ignored). */
  counts(filter: ActivityFilter | undefined): ActivityCounts {
    const w = this.where(filter, false);
    const byStatus = { ACTIVE: 0, INACTIVE: 0, SUCCEEDED: 0, FAILED: 0 };
    let total = 0;
    for (const r of this.db.prepare(`SELECT status, COUNT(*) AS n FROM tasks ${w.sql} GROUP BY status`).all(...w.params) as {
      status: string;
      n: number;
    }[]) {
      byStatus[toStatus(r.status)] += r.n;
      total += r.n;
    }
    return { total, byStatus };
  }
}
