/**
 * Transfer API v0.10 routes: submission, task monitoring, collections and file operations, with
 * the JSON shapes and error documents of the real service.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorDatabase } from './database';
import type { TokenInfo } from './auth';
import {
  DEFAULT_DEADLINE_MS,
  EMULATOR_DEFAULT_USER,
  PENDING_TASK_LIMIT,
  PENDING_TASK_LIMIT_CODE,
  transferScopeWithDataAccess,
} from './constants';
import type { TaskEngine } from './engine';
import { diskPath, listDirectory, lstatOrNull, normalizeGlobusPath, statOrNull, type LsEntry } from './fs-ops';
import { isoTime, lsTime, newRequestId, parseJsonObject, readBody, sendJson, transferError } from './http-util';
import type { CollectionRow, TaskRow, TaskStore, TaskType, TransferItemRow } from './state';

export interface TransferApiOptions {
  readonly db: EmulatorDatabase;
  readonly store: TaskStore;
  readonly engine: TaskEngine;
  readonly collection: (id: string) => CollectionRow | undefined;
  readonly collections: () => readonly CollectionRow[];
  readonly consentRequired: (collectionId: string) => boolean;
}

interface Ctx {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path below /v0.10, e.g. `/task_list`; also the `resource` of error documents. */
  readonly resource: string;
  readonly token: TokenInfo;
}

const TASK_ORDER_FIELDS: ReadonlySet<string> = new Set([
  'task_id', 'type', 'status', 'label', 'request_time', 'completion_time', 'deadline', 'files', 'directories',
  'files_transferred', 'files_skipped', 'bytes_transferred', 'faults', 'source_endpoint_id', 'destination_endpoint_id',
]);

function intParam(ctx: Ctx, name: string, fallback: number, max: number): number {
  const raw = ctx.url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    throw transferError(400, 'ClientError.BadRequest', `Invalid ${name}: must be an integer between 0 and ${max}`, ctx.resource);
  }
  return n;
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

export class TransferApi {
  constructor(private readonly opts: TransferApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, resource: string, token: TokenInfo): Promise<void> {
    const ctx: Ctx = { req, res, url, resource, token };
    const method = req.method ?? 'GET';
    const parts = resource.split('/').filter(Boolean);
    const [a, b, c, d] = parts;
    if (method === 'GET' && resource === '/submission_id') return this.submissionId(ctx);
    if (method === 'POST' && resource === '/transfer') return this.submit(ctx, 'TRANSFER');
    if (method === 'POST' && resource === '/delete') return this.submit(ctx, 'DELETE');
    if (method === 'GET' && resource === '/task_list') return this.taskList(ctx);
    if (a === 'task' && b && parts.length === 2 && method === 'GET') return this.getTask(ctx, b);
    if (a === 'task' && b && parts.length === 3) {
      if (method === 'POST' && c === 'cancel') return this.cancel(ctx, b);
      if (method === 'GET' && c === 'event_list') return this.eventList(ctx, b);
      if (method === 'GET' && c === 'successful_transfers') return this.successful(ctx, b);
      if (method === 'GET' && c === 'skipped_errors') return this.skipped(ctx, b);
    }
    if (method === 'GET' && a === 'endpoint' && b && parts.length === 2) return this.endpoint(ctx, b);
    if (method === 'GET' && resource === '/endpoint_search') return this.endpointSearch(ctx);
    if (a === 'operation' && b === 'endpoint' && c && parts.length === 4) {
      if (method === 'GET' && d === 'ls') return this.ls(ctx, c);
      if (method === 'GET' && d === 'stat') return this.stat(ctx, c);
      if (method === 'POST' && d === 'mkdir') return this.mkdir(ctx, c);
      if (method === 'POST' && d === 'rename') return this.rename(ctx, c);
    }
    throw transferError(404, 'ClientError.NotFound', `No such resource: ${method} ${resource}`, resource);
  }

  private submissionId(ctx: Ctx): void {
    sendJson(ctx.res, 200, { DATA_TYPE: 'submission_id', value: randomUUID() });
  }

  private requireCollection(ctx: Ctx, id: unknown): CollectionRow {
    const col = typeof id === 'string' ? this.opts.collection(id.toLowerCase()) : undefined;
    if (!col) throw transferError(404, 'EndpointNotFound', `No such collection '${String(id)}'`, ctx.resource);
    return col;
  }

  /** 403 ConsentRequired when the collection needs data_access consent the token lacks. */
  private requireConsent(ctx: Ctx, col: CollectionRow): void {
    if (!this.opts.consentRequired(col.id) || ctx.token.dataAccess.has(col.id)) return;
    const scopes = [transferScopeWithDataAccess(col.id)];
    const message = `Missing required data_access consent for collection '${col.display_name}' (${col.id})`;
    throw transferError(403, 'ConsentRequired', message, ctx.resource, {
      required_scopes: scopes,
      authorization_parameters: { session_message: message, required_scopes: scopes },
    });
  }

  private task(ctx: Ctx, taskId: string): TaskRow {
    const row = this.opts.engine.live(taskId) ?? this.opts.store.get(taskId);
    if (!row || row.owner_id !== ctx.token.sub) throw transferError(404, 'TaskNotFound', `Task ${taskId} not found`, ctx.resource);
    return row;
  }

  private async submit(ctx: Ctx, type: TaskType): Promise<void> {
    const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
    const expected = type === 'TRANSFER' ? 'transfer' : 'delete';
    const bad = (message: string): never => {
      throw transferError(400, 'ClientError.BadRequest', message, ctx.resource);
    };
    if (body['DATA_TYPE'] !== expected) bad(`DATA_TYPE must be '${expected}'`);
    const submissionId = body['submission_id'];
    if (typeof submissionId !== 'string' || submissionId === '') bad('submission_id is required');
    const owner = ctx.token.sub;
    const resultType = `${expected}_result`;

    const existing = this.opts.store.bySubmission(owner, submissionId as string);
    if (existing) {
      sendJson(ctx.res, 200, {
        DATA_TYPE: resultType,
        code: 'Duplicate',
        message: `A ${expected} with id '${submissionId as string}' was already submitted`,
        request_id: newRequestId(),
        resource: ctx.resource,
        submission_id: submissionId,
        task_id: existing.task_id,
        task_link: taskLink(existing.task_id),
      });
      return;
    }

    const source = this.requireCollection(ctx, type === 'TRANSFER' ? body['source_endpoint'] : body['endpoint']);
    const destination = type === 'TRANSFER' ? this.requireCollection(ctx, body['destination_endpoint']) : null;
    const data = body['DATA'];
    if (!Array.isArray(data) || data.length === 0) bad('DATA must be a non-empty list');
    const label = body['label'];
    if (label !== undefined && label !== null && (typeof label !== 'string' || label.length > 128 || /[\r\n]/.test(label) || label.trim() !== label)) {
      bad('label must be at most 128 characters, without newlines or surrounding whitespace');
    }
    const syncLevel = body['sync_level'];
    if (syncLevel !== undefined && syncLevel !== null && (typeof syncLevel !== 'number' || ![0, 1, 2, 3].includes(syncLevel))) {
      bad('sync_level must be 0, 1, 2 or 3');
    }
    let deadline = Date.now() + DEFAULT_DEADLINE_MS;
    if (body['deadline'] !== undefined && body['deadline'] !== null) {
      const parsed = typeof body['deadline'] === 'string' ? Date.parse(body['deadline']) : NaN;
      if (Number.isNaN(parsed)) bad('deadline must be an ISO 8601 date and time');
      deadline = parsed;
    }

    let items: string;
    let pathsKey: string;
    if (type === 'TRANSFER') {
      const list: TransferItemRow[] = (data as unknown[]).map((raw, i) => {
        const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
        if (item['DATA_TYPE'] !== undefined && item['DATA_TYPE'] !== 'transfer_item') bad(`DATA[${i}]: only transfer_item is supported`);
        if (typeof item['source_path'] !== 'string' || typeof item['destination_path'] !== 'string') bad(`DATA[${i}]: source_path and destination_path are required`);
        return {
          source_path: normalizeGlobusPath(item['source_path'] as string),
          destination_path: normalizeGlobusPath(item['destination_path'] as string),
          recursive: bool(item['recursive'], false),
        };
      });
      items = JSON.stringify(list);
      const pairs = list.map((i) => `${i.source_path}\0${i.destination_path}`).sort();
      pathsKey = `${source.id}|${destination?.id ?? ''}|${pairs.join('\n')}`;
    } else {
      const list = (data as unknown[]).map((raw, i) => {
        const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
        if (typeof item['path'] !== 'string') bad(`DATA[${i}]: path is required`);
        return normalizeGlobusPath(item['path'] as string);
      });
      items = JSON.stringify(list);
      pathsKey = `delete|${randomUUID()}`;
    }

    this.requireConsent(ctx, source);
    if (destination) this.requireConsent(ctx, destination);
    if (this.opts.store.pendingCount(owner) >= PENDING_TASK_LIMIT) {
      throw transferError(
        409,
        PENDING_TASK_LIMIT_CODE,
        `Too many pending tasks: a user may have at most ${PENDING_TASK_LIMIT} ACTIVE or INACTIVE tasks. Wait for some to finish or cancel them.`,
        ctx.resource,
      );
    }
    if (type === 'TRANSFER' && this.opts.store.conflicting(owner, pathsKey)) {
      throw transferError(409, 'Conflict', 'A transfer with identical paths has not yet completed', ctx.resource);
    }

    const taskId = randomUUID();
    const row: TaskRow = {
      task_id: taskId,
      owner_id: owner,
      submission_id: submissionId as string,
      type,
      status: 'ACTIVE',
      label: typeof label === 'string' ? label : null,
      source_endpoint_id: source.id,
      destination_endpoint_id: destination?.id ?? null,
      request_time: Date.now(),
      completion_time: null,
      deadline,
      sync_level: type === 'TRANSFER' && typeof syncLevel === 'number' ? syncLevel : null,
      verify_checksum: bool(body['verify_checksum'], false) ? 1 : 0,
      preserve_timestamp: bool(body['preserve_timestamp'], false) ? 1 : 0,
      skip_source_errors: bool(body['skip_source_errors'], false) ? 1 : 0,
      recursive: bool(body['recursive'], false) ? 1 : 0,
      ignore_missing: bool(body['ignore_missing'], false) ? 1 : 0,
      items,
      paths_key: pathsKey,
      files: 0,
      directories: 0,
      files_transferred: 0,
      files_skipped: 0,
      bytes_transferred: 0,
      bytes_checksummed: 0,
      faults: 0,
      subtasks_total: 0,
      subtasks_pending: 0,
      subtasks_retrying: 0,
      subtasks_succeeded: 0,
      subtasks_failed: 0,
      subtasks_canceled: 0,
      subtasks_expired: 0,
      subtasks_skipped_errors: 0,
      nice_status: 'Queued',
      fatal_error: null,
      stalled: 0,
      inactive: 0,
    };
    this.opts.engine.submit(row);
    sendJson(ctx.res, 202, {
      DATA_TYPE: resultType,
      code: 'Accepted',
      message: `The ${expected} has been accepted and a task has been created and queued for execution`,
      request_id: newRequestId(),
      resource: ctx.resource,
      submission_id: submissionId,
      task_id: taskId,
      task_link: taskLink(taskId),
    });
  }

  taskDocument(row: TaskRow): Record<string, unknown> {
    const src = row.source_endpoint_id ? this.opts.collection(row.source_endpoint_id) : undefined;
    const dst = row.destination_endpoint_id ? this.opts.collection(row.destination_endpoint_id) : undefined;
    const end = row.completion_time ?? Date.now();
    const seconds = Math.max(1, (end - row.request_time) / 1000);
    const unfinished = row.status === 'ACTIVE' || row.status === 'INACTIVE';
    const niceError = row.nice_status !== null && !['OK', 'Queued'].includes(row.nice_status);
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
      encrypt_data: false,
      delete_destination_extra: false,
      skip_source_errors: row.skip_source_errors === 1,
      fail_on_quota_errors: false,
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
      filter_rules: null,
      source_local_user: null,
      source_local_user_status: null,
      destination_local_user: null,
      destination_local_user_status: null,
    };
  }

  private getTask(ctx: Ctx, taskId: string): void {
    sendJson(ctx.res, 200, this.taskDocument(this.task(ctx, taskId)));
  }

  private taskList(ctx: Ctx): void {
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
    this.opts.engine.flush();
    const whereSql = where.join(' AND ');
    const total = (this.opts.db.prepare(`SELECT COUNT(*) AS n FROM tasks WHERE ${whereSql}`).get(params) as { n: number }).n;
    const rows = this.opts.db
      .prepare(`SELECT * FROM tasks WHERE ${whereSql} ORDER BY ${order.join(', ')} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as TaskRow[];
    const data = rows.map((r) => this.taskDocument(this.opts.engine.live(r.task_id) ?? r));
    sendJson(ctx.res, 200, { DATA_TYPE: 'task_list', length: data.length, limit, offset, total, has_next_page: offset + data.length < total, DATA: data });
  }

  private cancel(ctx: Ctx, taskId: string): void {
    const row = this.task(ctx, taskId);
    const code = this.opts.engine.cancel(row);
    sendJson(ctx.res, 200, {
      DATA_TYPE: 'result',
      code,
      message: code === 'Canceled' ? 'The task has been cancelled successfully.' : 'The task completed before the cancel request was processed.',
      request_id: newRequestId(),
      resource: ctx.resource,
    });
  }

  private eventList(ctx: Ctx, taskId: string): void {
    this.task(ctx, taskId);
    const limit = intParam(ctx, 'limit', 10, 1000);
    const offset = intParam(ctx, 'offset', 0, 100_000);
    const filter = ctx.url.searchParams.get('filter') ?? '';
    const m = /^is_error:(1|0|true|false)$/.exec(filter);
    if (filter && !m) throw transferError(400, 'ClientError.BadRequest', `Invalid filter '${filter}'`, ctx.resource);
    const errorClause = m ? ` AND is_error = ${m[1] === '1' || m[1] === 'true' ? 1 : 0}` : '';
    const total = (this.opts.db.prepare(`SELECT COUNT(*) AS n FROM task_events WHERE task_id = ?${errorClause}`).get(taskId) as { n: number }).n;
    const rows = this.opts.db
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

  private markerPage<T extends { seq: number }>(ctx: Ctx, taskId: string, table: 'task_successes' | 'task_skipped'): { rows: T[]; marker: number; next: number | null } {
    this.task(ctx, taskId);
    this.opts.engine.flush();
    const limit = intParam(ctx, 'limit', 100, 1000);
    const marker = intParam(ctx, 'marker', 0, Number.MAX_SAFE_INTEGER);
    const rows = this.opts.db.prepare(`SELECT * FROM ${table} WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?`).all(taskId, marker, limit + 1) as T[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { rows: page, marker, next: rows.length > limit && last ? last.seq : null };
  }

  private successful(ctx: Ctx, taskId: string): void {
    const { rows, marker, next } = this.markerPage<{ seq: number; source_path: string | null; destination_path: string }>(ctx, taskId, 'task_successes');
    sendJson(ctx.res, 200, {
      DATA_TYPE: 'successful_transfers',
      marker,
      next_marker: next,
      DATA: rows.map((r) => ({ DATA_TYPE: 'successful_transfer', source_path: r.source_path, destination_path: r.destination_path })),
    });
  }

  private skipped(ctx: Ctx, taskId: string): void {
    const { rows, marker, next } = this.markerPage<{
      seq: number; source_path: string; destination_path: string; error_code: string; error_details: string; error_time: number; is_directory: number;
    }>(ctx, taskId, 'task_skipped');
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

  endpointDocument(col: CollectionRow): Record<string, unknown> {
    return {
      DATA_TYPE: 'endpoint',
      id: col.id,
      display_name: col.display_name,
      canonical_name: `${EMULATOR_DEFAULT_USER.username}#${col.id}`,
      owner_id: EMULATOR_DEFAULT_USER.sub,
      owner_string: col.owner_string,
      description: col.description,
      organization: EMULATOR_DEFAULT_USER.organization,
      department: null,
      keywords: null,
      contact_email: EMULATOR_DEFAULT_USER.email,
      contact_info: null,
      info_link: null,
      entity_type: 'GCSv5_mapped_collection',
      gcs_version: '5.4.80',
      non_functional: false,
      high_assurance: false,
      authentication_assurance_timeout: null,
      is_globus_connect: false,
      globus_connect_setup_key: null,
      host_endpoint_id: null,
      mapped_collection_id: null,
      public: true,
      activated: true,
      expires_in: -1,
      default_directory: '/~/',
      force_encryption: false,
      disable_verify: false,
      acl_available: false,
      local_user_info_available: true,
      network_use: 'normal',
      subscription_id: null,
      https_server: null,
      tlsftp_server: null,
      data_access_consent_required: this.opts.consentRequired(col.id),
    };
  }

  private endpoint(ctx: Ctx, id: string): void {
    sendJson(ctx.res, 200, this.endpointDocument(this.requireCollection(ctx, id)));
  }

  private endpointSearch(ctx: Ctx): void {
    const q = ctx.url.searchParams;
    const limit = intParam(ctx, 'limit', 25, 100);
    const offset = intParam(ctx, 'offset', 0, 999);
    const text = (q.get('filter_fulltext') ?? '').toLowerCase().trim();
    const words = text.split(/\s+/).filter(Boolean);
    const scope = q.get('filter_scope') ?? 'all';
    const all = this.opts.collections().filter((col) => {
      if (scope === 'shared-with-me' || scope === 'in-use') return false;
      const hay = `${col.display_name} ${col.description ?? ''} ${col.owner_string} ${col.id}`.toLowerCase();
      return words.every((w) => hay.includes(w));
    });
    const page = all.slice(offset, offset + limit);
    sendJson(ctx.res, 200, {
      DATA_TYPE: 'endpoint_list',
      length: page.length,
      limit,
      offset,
      has_next_page: offset + page.length < all.length,
      DATA: page.map((c) => this.endpointDocument(c)),
    });
  }

  private async ls(ctx: Ctx, id: string): Promise<void> {
    const col = this.requireCollection(ctx, id);
    this.requireConsent(ctx, col);
    const q = ctx.url.searchParams;
    const requested = q.get('path') ?? '/~/';
    const path = normalizeGlobusPath(requested);
    const disk = diskPath(col.root, path);
    const s = await statOrNull(disk);
    if (!s) throw transferError(404, 'ClientError.NotFound', `Directory '${requested}' not found on collection ${col.id}`, ctx.resource);
    if (!s.isDirectory()) {
      throw transferError(502, 'ExternalError.DirListingFailed.NotDirectory', `'${requested}' is not a directory on collection ${col.id}`, ctx.resource);
    }
    let entries: LsEntry[] = await listDirectory(disk);
    if (['false', '0'].includes((q.get('show_hidden') ?? 'true').toLowerCase())) entries = entries.filter((e) => !e.name.startsWith('.'));
    for (const clause of (q.get('filter') ?? '').split('/').filter(Boolean)) {
      const [field, value = ''] = clause.split(/:(.*)/s);
      if (field === 'name') {
        entries = value.startsWith('~') ? entries.filter((e) => e.name.includes(value.slice(1))) : entries.filter((e) => value.split(',').includes(e.name));
      } else if (field === 'type') {
        entries = entries.filter((e) => value.split(',').includes(e.type));
      } else {
        throw transferError(400, 'ClientError.BadRequest', `Invalid filter field '${field ?? ''}'`, ctx.resource);
      }
    }
    const orderby = (q.get('orderby') ?? '').trim();
    if (orderby) {
      const [field = 'name', dir = 'ASC'] = orderby.split(/\s+/);
      const key = (e: LsEntry): string | number => (field === 'size' ? e.size : field === 'last_modified' ? e.last_modified : field === 'type' ? e.type : e.name);
      entries.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0) * (dir.toUpperCase() === 'DESC' ? -1 : 1));
    }
    const total = entries.length;
    const offset = intParam(ctx, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = intParam(ctx, 'limit', 100_000, 100_000);
    const page = entries.slice(offset, offset + limit);
    const slash = (p: string): string => (p.endsWith('/') ? p : `${p}/`);
    sendJson(ctx.res, 200, {
      DATA_TYPE: 'file_list',
      endpoint: col.id,
      path: slash(requested),
      absolute_path: slash(path),
      length: page.length,
      total,
      offset,
      limit,
      rename_supported: true,
      symlink_supported: false,
      DATA: page,
    });
  }

  private async stat(ctx: Ctx, id: string): Promise<void> {
    const col = this.requireCollection(ctx, id);
    this.requireConsent(ctx, col);
    const path = normalizeGlobusPath(ctx.url.searchParams.get('path') ?? '/');
    const s = await statOrNull(diskPath(col.root, path));
    if (!s) throw transferError(404, 'ClientError.NotFound', `'${path}' not found on collection ${col.id}`, ctx.resource);
    sendJson(ctx.res, 200, {
      DATA_TYPE: 'file',
      name: path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1),
      type: s.isDirectory() ? 'dir' : 'file',
      link_target: null,
      permissions: (s.mode & 0o7777).toString(8).padStart(4, '0'),
      size: s.isDirectory() ? 4096 : s.size,
      user: 'researcher',
      group: 'researcher',
      last_modified: lsTime(s.mtimeMs),
    });
  }

  private async mkdir(ctx: Ctx, id: string): Promise<void> {
    const col = this.requireCollection(ctx, id);
    this.requireConsent(ctx, col);
    const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
    if (typeof body['path'] !== 'string') throw transferError(400, 'ClientError.BadRequest', 'path is required', ctx.resource);
    const path = normalizeGlobusPath(body['path']);
    const disk = diskPath(col.root, path);
    if (await lstatOrNull(disk)) {
      throw transferError(
        502,
        'ExternalError.MkdirFailed.Exists',
        `Path already exists, Error (mkdir)\nEndpoint: ${col.display_name} (${col.id})\nMessage: '${path}' already exists`,
        ctx.resource,
      );
    }
    const parent = await statOrNull(dirname(disk));
    if (!parent?.isDirectory()) {
      throw transferError(502, 'ExternalError.MkdirFailed.NotFound', `Parent directory of '${path}' does not exist on collection ${col.id}`, ctx.resource);
    }
    await mkdir(disk);
    sendJson(ctx.res, 202, {
      DATA_TYPE: 'mkdir_result',
      code: 'DirectoryCreated',
      message: 'The directory was created successfully',
      request_id: newRequestId(),
      resource: ctx.resource,
    });
  }

  private async rename(ctx: Ctx, id: string): Promise<void> {
    const col = this.requireCollection(ctx, id);
    this.requireConsent(ctx, col);
    const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
    if (typeof body['old_path'] !== 'string' || typeof body['new_path'] !== 'string') {
      throw transferError(400, 'ClientError.BadRequest', 'old_path and new_path are required', ctx.resource);
    }
    const oldPath = normalizeGlobusPath(body['old_path']);
    const newPath = normalizeGlobusPath(body['new_path']);
    const from = diskPath(col.root, oldPath);
    const to = diskPath(col.root, newPath);
    if (!(await lstatOrNull(from))) throw transferError(404, 'ClientError.NotFound', `'${oldPath}' not found on collection ${col.id}`, ctx.resource);
    if (await lstatOrNull(to)) throw transferError(502, 'ExternalError.RenameFailed.Exists', `'${newPath}' already exists on collection ${col.id}`, ctx.resource);
    if (!(await statOrNull(dirname(to)))?.isDirectory()) {
      throw transferError(404, 'ClientError.NotFound', `Parent directory of '${newPath}' not found on collection ${col.id}`, ctx.resource);
    }
    await rename(from, to);
    sendJson(ctx.res, 200, {
      DATA_TYPE: 'result',
      code: 'FileRenamed',
      message: 'File or directory renamed successfully',
      request_id: newRequestId(),
      resource: ctx.resource,
    });
  }
}

function taskLink(taskId: string): Record<string, string> {
  return { DATA_TYPE: 'link', href: `task/${taskId}?format=json`, rel: 'related', resource: 'task', title: 'related task' };
}
