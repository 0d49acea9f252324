/**
 * Transfer API task submission: `GET /submission_id`, `POST /transfer` and `POST /delete`, with
 * the validation, duplicate-submission, pending-task-limit and path-conflict rules of the service.
 */
import { randomUUID } from 'node:crypto';
import { DEFAULT_DEADLINE_MS, PENDING_TASK_LIMIT, PENDING_TASK_LIMIT_CODE } from './constants';
import { normalizeGlobusPath } from './fs-ops';
import { newRequestId, parseJsonObject, readBody, sendJson, transferError } from './http-util';
import type { EngineTransferItem, FilterRule } from './engine';
import type { CollectionRow, TaskRow, TaskType } from './state';
import { requireCollection, requireConsent, type TransferApiOptions, type TransferCtx } from './transfer-api-context';

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

export function getSubmissionId(ctx: TransferCtx): void {
  sendJson(ctx.res, 200, { DATA_TYPE: 'submission_id', value: randomUUID() });
}

export async function submitTask(opts: TransferApiOptions, ctx: TransferCtx, type: TaskType): Promise<void> {
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

  const existing = opts.store.bySubmission(owner, submissionId as string);
  if (existing) {
    sendJson(ctx.res, 200, {
      DATA_TYPE: resultType,
      code: 'Duplicate',
      message: `A ${expected} with id '${String(submissionId)}' was already submitted`,
      request_id: newRequestId(),
      resource: ctx.resource,
      submission_id: submissionId,
      task_id: existing.task_id,
      task_link: taskLink(existing.task_id),
    });
    return;
  }

  const { row, source, destination } = prepareTask(opts, ctx.resource, owner, body, type);
  requireConsent(opts, ctx, source);
  if (destination) requireConsent(opts, ctx, destination);
  acceptTask(opts, ctx.resource, row);
  sendJson(ctx.res, 202, {
    DATA_TYPE: resultType,
    code: 'Accepted',
    message: `The ${expected} has been accepted and a task has been created and queued for execution`,
    request_id: newRequestId(),
    resource: ctx.resource,
    submission_id: row.submission_id,
    task_id: row.task_id,
    task_link: taskLink(row.task_id),
  });
}

/**
 * Submits a transfer document on behalf of `owner` without an HTTP request (a timer's run): the
 * same validation, limits and engine as `POST /transfer`; data_access consent is the caller's to
 * check. Throws the HttpError `POST /transfer` would answer with.
 */
export function submitTransferAs(opts: TransferApiOptions, owner: string, document: Readonly<Record<string, unknown>>): string {
  const body = { ...document, DATA_TYPE: 'transfer', submission_id: randomUUID() };
  const { row } = prepareTask(opts, '/transfer', owner, body, 'TRANSFER');
  acceptTask(opts, '/transfer', row);
  return row.task_id;
}

/** Validates a transfer or delete document and builds its task row (not yet submitted). */
function prepareTask(
  opts: TransferApiOptions,
  resource: string,
  owner: string,
  body: Record<string, unknown>,
  type: TaskType,
): { row: TaskRow; source: CollectionRow; destination: CollectionRow | null } {
  const ctx = { resource };
  const expected = type === 'TRANSFER' ? 'transfer' : 'delete';
  const bad = (message: string): never => {
    throw transferError(400, 'ClientError.BadRequest', message, resource);
  };
  if (body['DATA_TYPE'] !== expected) bad(`DATA_TYPE must be '${expected}'`);
  const submissionId = body['submission_id'];
  if (typeof submissionId !== 'string' || submissionId === '') bad('submission_id is required');
  const source = requireCollection(opts, ctx, type === 'TRANSFER' ? body['source_endpoint'] : body['endpoint']);
  const destination = type === 'TRANSFER' ? requireCollection(opts, ctx, body['destination_endpoint']) : null;
  const data = body['DATA'];
  if (!Array.isArray(data)) bad('DATA must be a list');
  if ((data as unknown[]).length === 0) {
    if (type === 'TRANSFER') throw transferError(400, 'ClientError.BadRequest.NoTransferItems', 'A transfer requires at least one item', ctx.resource);
    bad('A delete requires at least one item');
  }
  for (const key of ['encrypt_data', 'fail_on_quota_errors', 'delete_destination_extra', 'preserve_timestamp', 'verify_checksum', 'skip_source_errors', 'ignore_missing', 'recursive']) {
    const v = body[key];
    if (v !== undefined && v !== null && typeof v !== 'boolean') bad(`${key} must be a boolean`);
  }
  const filterRules = type === 'TRANSFER' ? parseFilterRules(body['filter_rules'], bad) : [];
  const deleteExtra = bool(body['delete_destination_extra'], false);
  const failOnQuota = bool(body['fail_on_quota_errors'], false);
  const encrypt = bool(body['encrypt_data'], false);
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
    const list: EngineTransferItem[] = (data as unknown[]).map((raw, i) => {
      const item = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      if (item['DATA_TYPE'] !== undefined && item['DATA_TYPE'] !== 'transfer_item') bad(`DATA[${i}]: only transfer_item is supported`);
      if (typeof item['source_path'] !== 'string' || typeof item['destination_path'] !== 'string') bad(`DATA[${i}]: source_path and destination_path are required`);
      return {
        source_path: normalizeGlobusPath(item['source_path'] as string),
        destination_path: normalizeGlobusPath(item['destination_path'] as string),
        recursive: bool(item['recursive'], false),
        ...(filterRules.length > 0 ? { filter_rules: filterRules } : {}),
        ...(deleteExtra ? { delete_destination_extra: true } : {}),
        ...(failOnQuota ? { fail_on_quota_errors: true } : {}),
        ...(encrypt ? { encrypt_data: true } : {}),
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
  return { row, source, destination };
}

/** The per-user pending-task limit and the identical-paths rule, then the engine takes the task. */
function acceptTask(opts: TransferApiOptions, resource: string, row: TaskRow): void {
  if (opts.store.pendingCount(row.owner_id) >= PENDING_TASK_LIMIT) {
    throw transferError(
      409,
      PENDING_TASK_LIMIT_CODE,
      `Too many pending tasks: a user may have at most ${PENDING_TASK_LIMIT} ACTIVE or INACTIVE tasks. Wait for some to finish or cancel them.`,
      resource,
    );
  }
  if (row.type === 'TRANSFER' && opts.store.conflicting(row.owner_id, row.paths_key)) {
    throw transferError(409, 'Conflict', 'A transfer with identical paths has not yet completed', resource);
  }
  opts.engine.submit(row);
}

/** `filter_rules`: a list of `{DATA_TYPE: "filter_rule", method: include|exclude, name, type?: file|dir}`. */
function parseFilterRules(raw: unknown, bad: (message: string) => never): FilterRule[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) return bad('filter_rules must be a list');
  return (raw as unknown[]).map((r, i) => {
    const rule = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    if (rule['DATA_TYPE'] !== undefined && rule['DATA_TYPE'] !== 'filter_rule') bad(`filter_rules[${i}]: DATA_TYPE must be 'filter_rule'`);
    const method = rule['method'];
    if (method !== 'include' && method !== 'exclude') bad(`filter_rules[${i}]: method must be 'include' or 'exclude'`);
    const name = rule['name'];
    if (typeof name !== 'string' || name === '') bad(`filter_rules[${i}]: name is required`);
    const t = rule['type'];
    if (t !== undefined && t !== null && t !== 'file' && t !== 'dir') bad(`filter_rules[${i}]: type must be 'file' or 'dir'`);
    return { method: method as 'include' | 'exclude', name: name as string, ...(t === 'file' || t === 'dir' ? { type: t } : {}) };
  });
}

function taskLink(taskId: string): Record<string, string> {
  return { DATA_TYPE: 'link', href: `task/${taskId}?format=json`, rel: 'related', resource: 'task', title: 'related task' };
}
