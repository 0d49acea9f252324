/**
 * Transfer API task queries: the task document, `GET /task/{id}`, `GET /task_list` with its
 * filters and ordering, `POST /task/{id}/cancel`, and the event, successful-transfer and
 * skipped-error pages of one task.
 */
import { EMULATOR_DEFAULT_USER } from './constants';
import { isoTime, newRequestId, sendJson, transferError } from './http-util';
import type { TaskRow } from './state';
import { intParam, type TransferApiOptions, type TransferCtx } from './transfer-api-context';

const TASK_ORDER_FIELDS: ReadonlySet<string> = new Set([
  'task_id', 'type', 'status', 'label', 'request_time', 'completion_time', 'deadline', 'files', 'directories',
  'files_transferred', 'files_skipped', 'bytes_transferred', 'faults', 'source_endpoint_id', 'destination_endpoint_id',
]);

const TASK_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The caller's task (live or stored), or 404 TaskNotFound: tasks of other users stay invisible.
 * A task id that is not a UUID is a 400, as the real Transfer service answers (ProxyStore's
 * GlobusConnector reads a 400 there as "no such key").
 */
function ownedTask(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): TaskRow {
  if (!TASK_ID_RE.test(taskId)) throw transferError(400, 'ClientError.BadRequest', `Invalid task_id '${taskId}'`, ctx.resource);
  const row = opts.engine.live(taskId) ?? opts.store.get(taskId);
  if (!row || row.owner_id !== ctx.token.sub) throw transferError(404, 'TaskNotFound', `Task ${taskId} not found`, ctx.resource);
  return row;
}

/** The task-wide options a transfer was submitted with, echoed as Globus does (kept on each item). */
function submittedOptions(row: TaskRow): { encrypt_data: boolean; delete_destination_extra: boolean; fail_on_quota_errors: boolean; filter_rules: unknown[] | null } {
  const none = { encrypt_data: false, delete_destination_extra: false, fail_on_quota_errors: false, filter_rules: null };
  if (row.type !== 'TRANSFER') return none;
  const [first] = JSON.parse(row.items) as Record<string, unknown>[];
  if (!first) return none;
  const rules = first['filter_rules'];
  return {
    encrypt_data: first['encrypt_data'] === true,
    delete_destination_extra: first['delete_destination_extra'] === true,
    fail_on_quota_errors: first['fail_on_quota_errors'] === true,
    filter_rules: Array.isArray(rules) ? rules.map((r) => ({ DATA_TYPE: 'filter_rule', ...(r as object) })) : null,
  };
}

export function taskDocument(opts: TransferApiOptions, row: TaskRow): Record<string, unknown> {
  const src = row.source_endpoint_id ? opts.collection(row.source_endpoint_id) : undefined;
  const dst = row.destination_endpoint_id ? opts.collection(row.destination_endpoint_id) : undefined;
  const end = row.completion_time ?? Date.now();
  const seconds = Math.max(1, (end - row.request_time) / 1000);
  const unfinished = row.status === 'ACTIVE' || row.status === 'INACTIVE';
  const niceError = row.nice_status !== null && !['OK', 'Queued'].includes(row.nice_status);
  const options = submittedOptions(row);
  return {
    DATA_TYPE: 'task',
    task_id: row.task_id,
    type: row.type,
    status: row.status,
    label: row.label,
    owner_id: row.owner_id,
    username: EMULATOR_DEFAULT_USER.username,
    command: 'API 0.10',
    request_time: isoTime(row.request_time),
    completion_time: row.completion_time === null ? null : isoTime(row.completion_time),
    deadline: isoTime(row.deadline),
    source_endpoint: row.source_endpoint_id,
    source_endpoint_id: row.source_endpoint_id,
    source_endpoint_display_name: src?.display_name ?? null,
    destination_endpoint: row.destination_endpoint_id,
    destination_endpoint_id: row.destination_endpoint_id,
    destination_endpoint_display_name: dst?.display_name ?? null,
    sync_level: row.sync_level,
    verify_checksum: row.verify_checksum === 1,
    preserve_timestamp: row.preserve_timestamp === 1,
    encrypt_data: options.encrypt_data,
    delete_destination_extra: options.delete_destination_extra,
    skip_source_errors: row.skip_source_errors === 1,
    fail_on_quota_errors: options.fail_on_quota_errors,
    recursive_symlinks: 'ignore',
    files: row.files,
    directories: row.directories,
    symlinks: 0,
    files_transferred: row.files_transferred,
    files_skipped: row.files_skipped,
    bytes_transferred: row.bytes_transferred,
    bytes_checksummed: row.bytes_checksummed,
    effective_bytes_per_second: Math.floor(row.bytes_transferred / seconds),
    faults: row.faults,
    subtasks_total: row.subtasks_total,
    subtasks_pending: row.subtasks_pending,
    subtasks_retrying: row.subtasks_retrying,
    subtasks_succeeded: row.subtasks_succeeded,
    subtasks_failed: row.subtasks_failed,
    subtasks_canceled: row.subtasks_canceled,
    subtasks_expired: row.subtasks_expired,
    subtasks_skipped_errors: row.subtasks_skipped_errors,
    nice_status: unfinished ? row.nice_status : null,
    nice_status_short_description: unfinished && row.nice_status ? row.nice_status.toLowerCase().replace(/_/g, ' ') : null,
    nice_status_details: null,
    nice_status_expires_in: unfinished && niceError ? 900 : -1,
    is_ok: unfinished ? !niceError : null,
    is_paused: false,
    history_deleted: false,
    canceled_by_admin: null,
    canceled_by_admin_message: null,
    fatal_error: row.fatal_error === null ? null : (JSON.parse(row.fatal_error) as unknown),
    filter_rules: options.filter_rules,
    source_local_user: null,
    source_local_user_status: null,
    destination_local_user: null,
    destination_local_user_status: null,
  };
}

export function getTask(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): void {
  sendJson(ctx.res, 200, taskDocument(opts, ownedTask(opts, ctx, taskId)));
}

/** `GET /task/{id}/pause_info`: no pause rules here (the emulator has no collection administrators pausing tasks). */
export function getPauseInfo(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): void {
  ownedTask(opts, ctx, taskId);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'pause_info_limited',
    pause_rules: [],
    source_pause_message: null,
    source_pause_message_share: null,
    destination_pause_message: null,
    destination_pause_message_share: null,
  });
}

export function listTasks(opts: TransferApiOptions, ctx: TransferCtx): void {
  const limit = intParam(ctx, 'limit', 10, 1000);
  const offset = intParam(ctx, 'offset', 0, 100_000);
  const where = ['owner_id = @owner'];
  const params: Record<string, unknown> = { owner: ctx.token.sub };
  const filter = ctx.url.searchParams.get('filter') ?? '';
  let n = 0;
  for (const clause of filter.split('/').filter(Boolean)) {
    const colon = clause.indexOf(':');
    const field = colon === -1 ? clause : clause.slice(0, colon);
    const value = colon === -1 ? '' : clause.slice(colon + 1);
    const name = (): string => `p${n++}`;
    switch (field) {
      case 'status':
      case 'type':
      case 'task_id': {
        const values = value.split(',').filter(Boolean).map((v) => (field === 'task_id' ? v : v.toUpperCase()));
        const names = values.map((v) => {
          const p = name();
          params[p] = v;
          return `@${p}`;
        });
        where.push(names.length ? `${field} IN (${names.join(', ')})` : '0');
        break;
      }
      case 'label': {
        const p = name();
        if (value.startsWith('~')) {
          params[p] = `%${value.slice(1)}%`;
          where.push(`label LIKE @${p}`);
        } else {
          params[p] = value;
          where.push(`label = @${p}`);
        }
        break;
      }
      case 'request_time':
      case 'completion_time': {
        const [from, to] = value.split(',');
        for (const [bound, op] of [[from, '>='], [to, '<']] as const) {
          if (!bound) continue;
          const ms = Date.parse(bound);
          if (Number.isNaN(ms)) throw transferError(400, 'ClientError.BadRequest', `Invalid ${field} filter: ${bound}`, ctx.resource);
          const p = name();
          params[p] = ms;
          where.push(`${field} ${op} @${p}`);
        }
        break;
      }
      default:
        throw transferError(400, 'ClientError.BadRequest', `Invalid filter field '${field}'`, ctx.resource);
    }
  }
  const order: string[] = [];
  for (const part of (ctx.url.searchParams.get('orderby') ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const [field = '', dir = 'ASC'] = part.split(/\s+/);
    if (!TASK_ORDER_FIELDS.has(field) || !['ASC', 'DESC'].includes(dir.toUpperCase())) {
      throw transferError(400, 'ClientError.BadRequest', `Invalid orderby: ${part}`, ctx.resource);
    }
    order.push(`${field} ${dir.toUpperCase()}`);
  }
  if (order.length === 0) order.push('request_time DESC');
  order.push('rowid DESC');
  opts.engine.flush();
  const whereSql = where.join(' AND ');
  const total = (opts.db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE ${whereSql}`).get(params) as { n: number }).n;
  const rows = opts.db
    .prepare(`SELECT * FROM tasks WHERE ${whereSql} ORDER BY ${order.join(', ')} LIMIT @limit OFFSET @offset`)
    .all({ ...params, limit, offset }) as TaskRow[];
  const data = rows.map((r) => taskDocument(opts, opts.engine.live(r.task_id) ?? r));
  sendJson(ctx.res, 200, { DATA_TYPE: 'task_list', length: data.length, limit, offset, total, has_next_page: offset + data.length < total, DATA: data });
}

export function cancelTask(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): void {
  const row = ownedTask(opts, ctx, taskId);
  const code = opts.engine.cancel(row);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'result',
    code,
    message: code === 'Canceled' ? 'The task has been cancelled successfully.' : 'The task completed before the cancel request was processed.',
    request_id: newRequestId(),
    resource: ctx.resource,
  });
}

export function listTaskEvents(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): void {
  ownedTask(opts, ctx, taskId);
  const limit = intParam(ctx, 'limit', 10, 1000);
  const offset = intParam(ctx, 'offset', 0, 100_000);
  const filter = ctx.url.searchParams.get('filter') ?? '';
  const m = /^is_error:(1|0|true|false)$/.exec(filter);
  if (filter && !m) throw transferError(400, 'ClientError.BadRequest', `Invalid filter '${filter}'`, ctx.resource);
  const errorClause = m ? ` AND is_error = ${m[1] === '1' || m[1] === 'true' ? 1 : 0}` : '';
  const total = (opts.db.prepare(`SELECT COUNT(*) AS n FROM task_events WHERE task_id = ?${errorClause}`).get(taskId) as { n: number }).n;
  const rows = opts.db
    .prepare(`SELECT * FROM task_events WHERE task_id = ?${errorClause} ORDER BY seq DESC LIMIT ? OFFSET ?`)
    .all(taskId, limit, offset) as { code: string; is_error: number; description: string; details: string; time: number }[];
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'event_list',
    length: rows.length,
    limit,
    offset,
    total,
    has_next_page: offset + rows.length < total,
    DATA: rows.map((r) => ({ DATA_TYPE: 'event', code: r.code, is_error: r.is_error === 1, description: r.description, details: r.details, time: isoTime(r.time) })),
  });
}

function markerPage<T extends { seq: number }>(opts: TransferApiOptions, ctx: TransferCtx, taskId: string, table: 'task_successes' | 'task_skipped'): { rows: T[]; marker: number; next: number | null } {
  ownedTask(opts, ctx, taskId);
  opts.engine.flush();
  const limit = intParam(ctx, 'limit', 100, 1000);
  const marker = intParam(ctx, 'marker', 0, Number.MAX_SAFE_INTEGER);
  const rows = opts.db.prepare(`SELECT * FROM ${table} WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?`).all(taskId, marker, limit + 1) as T[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, marker, next: rows.length > limit && last ? last.seq : null };
}

export function listSuccessfulTransfers(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): void {
  const { rows, marker, next } = markerPage<{ seq: number; source_path: string | null; destination_path: string }>(opts, ctx, taskId, 'task_successes');
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'successful_transfers',
    marker,
    next_marker: next,
    DATA: rows.map((r) => ({ DATA_TYPE: 'successful_transfer', source_path: r.source_path, destination_path: r.destination_path })),
  });
}

export function listSkippedErrors(opts: TransferApiOptions, ctx: TransferCtx, taskId: string): void {
  const { rows, marker, next } = markerPage<{
    seq: number; source_path: string; destination_path: string; error_code: string; error_details: string; error_time: number; is_directory: number;
  }>(opts, ctx, taskId, 'task_skipped');
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'skipped_errors',
    marker,
    next_marker: next,
    DATA: rows.map((r) => ({
      DATA_TYPE: 'skipped_error',
      source_path: r.source_path,
      destination_path: r.destination_path,
      error_code: r.error_code,
      error_details: r.error_details,
      error_time: isoTime(r.error_time),
      is_directory: r.is_directory === 1,
      is_symlink: false,
      is_delete_destination_extra: false,
      checksum_algorithm: null,
      external_checksum: null,
    })),
  });
}
