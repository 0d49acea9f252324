/**
 * The Timers API's documents: a timer as `POST /v2/timer` answers it (`V2TransferTimerRead`), as
 * `/jobs` answers it (`JobRead`, with its runs' `results`), its schedule, activity and errors; and
 * the validation of a new timer. Field names follow the Timers OpenAPI types @globus/sdk ships and
 * globus-sdk-python's recorded responses.
 */
import { HttpError, isoTime } from './http-util';
import type { TaskStatus } from './state';
import type { TimerRow, TimerRunRow } from './timers-store';

/** Timers' error envelope: `{"error": {"code", "detail", "status"}}`. */
export function timersError(status: number, code: string, detail: string, extra: Readonly<Record<string, unknown>> = {}): HttpError {
  return new HttpError(status, { ...extra, error: { code, detail, status } });
}

/** FastAPI's validation error (422): `{"detail": [{"loc", "msg", "type"}]}`. */
export function validationError(loc: readonly (string | number)[], msg: string, where: 'body' | 'query' = 'body'): HttpError {
  return new HttpError(422, { detail: [{ loc: [where, ...loc], msg, type: 'value_error' }] });
}

const iso = (ms: number | null): string | null => (ms === null ? null : isoTime(ms));

export interface RunView {
  readonly taskStatus: TaskStatus | undefined;
  /** The task document of the run's transfer. */
  readonly task: Record<string, unknown> | undefined;
}

/** One run as a `JobResult`: when it ran, how the submission went, and the transfer task it started. */
export function resultDocument(run: TimerRunRow, view: RunView): Record<string, unknown> {
  const task = view.task;
  const ended = view.taskStatus === 'SUCCEEDED' || view.taskStatus === 'FAILED';
  const doc: Record<string, unknown> = {
    ran_at: isoTime(run.ran_at),
    start_timestamp: isoTime(run.started_at),
    end_timestamp: ended && typeof task?.['completion_time'] === 'string' ? task['completion_time'] : null,
    run_status: run.task_id ? (view.taskStatus ?? 'UNKNOWN') : 'FAILED',
    status: run.http_status,
    http_status_submission: run.http_status,
    errors: run.errors === null ? null : (JSON.parse(run.errors) as unknown),
    data: null,
  };
  if (run.task_id) {
    doc['resource_id'] = run.task_id;
    doc['data'] = {
      action_id: run.task_id,
      task_id: run.task_id,
      status: view.taskStatus ?? null,
      display_status: view.taskStatus ?? null,
      label: task?.['label'] ?? null,
      details: task ?? null,
    };
  }
  return doc;
}

function activity(row: TimerRow, inFlight: TimerRunRow | undefined): Record<string, unknown> | undefined {
  if (row.status === 'inactive') {
    const cause = row.inactive_reason ? (JSON.parse(row.inactive_reason) as { cause?: string }).cause : 'user';
    return { code: 'paused', reason: cause === 'globus_auth_requirements' ? 'globus_auth_requirements' : 'user' };
  }
  if (inFlight) {
    return { code: 'run_in_progress', start_timestamp: isoTime(inFlight.started_at), duration_seconds: Math.max(0, Math.round((Date.now() - inFlight.started_at) / 1000)) };
  }
  if (row.next_run !== null && (row.status === 'new' || row.status === 'loaded')) return { code: 'awaiting_next_run', next_run: isoTime(row.next_run) };
  return undefined;
}

function withActivity(doc: Record<string, unknown>, row: TimerRow, inFlight: TimerRunRow | undefined): Record<string, unknown> {
  const a = activity(row, inFlight);
  return a ? { ...doc, activity: a } : doc;
}

/** A timer as `POST /v2/timer` answers it. */
export function v2TimerDocument(row: TimerRow, inFlight?: TimerRunRow): Record<string, unknown> {
  return withActivity(
    {
      timer_type: 'transfer',
      job_id: row.job_id,
      name: row.name,
      status: row.status,
      inactive_reason: row.inactive_reason === null ? null : (JSON.parse(row.inactive_reason) as unknown),
      submitted_at: isoTime(row.submitted_at),
      last_ran_at: iso(row.last_ran_at),
      next_run: iso(row.next_run),
      number_of_runs: row.n_runs,
      number_of_errors: row.n_errors,
      schedule: JSON.parse(row.schedule) as unknown,
      body: JSON.parse(row.body) as unknown,
    },
    row,
    inFlight,
  );
}

/** The transfer action provider's form of the body (what Timers' `callback_body` carries). */
function actionBody(body: Record<string, unknown>): Record<string, unknown> {
  const { source_endpoint, destination_endpoint, DATA, DATA_TYPE: _type, ...rest } = body;
  const items = Array.isArray(DATA) ? (DATA as Record<string, unknown>[]) : [];
  return {
    ...rest,
    source_endpoint_id: source_endpoint,
    destination_endpoint_id: destination_endpoint,
    transfer_items: items.map((i) => ({ source_path: i['source_path'], destination_path: i['destination_path'], recursive: i['recursive'] === true })),
  };
}

/** A timer as `/jobs` answers it (`JobRead`), with the given page of results. */
export function jobDocument(row: TimerRow, results: readonly Record<string, unknown>[], pageNext: string | null, inFlight?: TimerRunRow): Record<string, unknown> {
  const body = JSON.parse(row.body) as Record<string, unknown>;
  return withActivity(
    {
      job_id: row.job_id,
      name: row.name,
      status: row.status,
      timer_type: 'transfer',
      start: isoTime(row.start),
      interval: row.interval_seconds,
      stop_after: { date: iso(row.stop_after_date), n_runs: row.stop_after_n },
      callback_url: 'https://actions.automate.globus.org/transfer/transfer/run',
      callback_body: { body: actionBody(body) },
      inactive_reason: row.inactive_reason === null ? null : (JSON.parse(row.inactive_reason) as unknown),
      submitted_at: isoTime(row.submitted_at),
      last_ran_at: iso(row.last_ran_at),
      next_run: iso(row.next_run),
      n_runs: row.n_runs,
      n_errors: row.n_errors,
      results: { data: results, page_next: pageNext },
      schedule: JSON.parse(row.schedule) as unknown,
      body,
    },
    row,
    inFlight,
  );
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function time(value: unknown, loc: readonly (string | number)[]): number {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw validationError(loc, 'invalid datetime format');
  return ms;
}

/** A timer's schedule, as stored. */
export interface ParsedSchedule {
  readonly schedule: Record<string, unknown>;
  readonly start: number;
  readonly interval: number | null;
  readonly stopAfterDate: number | null;
  readonly stopAfterN: number | null;
}

const MIN_INTERVAL = 60;
const MAX_INTERVAL = 365 * 24 * 60 * 60;

export function parseInterval(value: unknown, loc: readonly (string | number)[]): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw validationError(loc, 'value is not a valid integer');
  const seconds = Math.floor(value);
  if (seconds < MIN_INTERVAL || seconds > MAX_INTERVAL) throw validationError(loc, `interval must be between ${MIN_INTERVAL} seconds and 365 days`);
  return seconds;
}

/** `end` of a recurring schedule: `{condition: "time", datetime}` or `{condition: "iterations", count}`. */
export function parseEnd(value: unknown, loc: readonly (string | number)[]): { date: number | null; n: number | null; end: Record<string, unknown> | null } {
  if (value === undefined || value === null) return { date: null, n: null, end: null };
  const end = obj(value);
  if (!end) throw validationError(loc, 'value is not a valid dict');
  if (end['condition'] === 'time') {
    const date = time(end['datetime'], [...loc, 'datetime']);
    return { date, n: null, end: { condition: 'time', datetime: isoTime(date) } };
  }
  if (end['condition'] === 'iterations') {
    const count = end['count'];
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) throw validationError([...loc, 'count'], 'ensure this value is greater than or equal to 1');
    return { date: null, n: count, end: { condition: 'iterations', count } };
  }
  throw validationError([...loc, 'condition'], "condition must be 'time' or 'iterations'");
}

export function parseSchedule(value: unknown, now: number): ParsedSchedule {
  const loc = ['timer', 'schedule'];
  const s = obj(value);
  if (!s) throw validationError(loc, 'field required');
  if (s['type'] === 'once') {
    const at = s['datetime'] === undefined || s['datetime'] === null ? now : time(s['datetime'], [...loc, 'datetime']);
    return { schedule: { type: 'once', datetime: isoTime(at) }, start: at, interval: null, stopAfterDate: null, stopAfterN: 1 };
  }
  if (s['type'] === 'recurring') {
    const interval = parseInterval(s['interval_seconds'], [...loc, 'interval_seconds']);
    const start = s['start'] === undefined || s['start'] === null ? now : time(s['start'], [...loc, 'start']);
    const end = parseEnd(s['end'], [...loc, 'end']);
    if (end.date !== null && end.date < start) throw validationError([...loc, 'end', 'datetime'], 'end must be after start');
    const schedule: Record<string, unknown> = { type: 'recurring', interval_seconds: interval, start: isoTime(start) };
    if (end.end) schedule['end'] = end.end;
    return { schedule, start, interval, stopAfterDate: end.date, stopAfterN: end.n };
  }
  throw validationError([...loc, 'type'], "type must be 'once' or 'recurring'");
}

const BODY_DEFAULTS: Readonly<Record<string, boolean>> = {
  delete_destination_extra: false,
  encrypt_data: false,
  fail_on_quota_errors: false,
  notify_on_failed: true,
  notify_on_inactive: true,
  notify_on_succeeded: true,
  preserve_timestamp: false,
  skip_source_errors: false,
  store_base_path_info: false,
  verify_checksum: false,
};

/** The transfer document of a transfer timer, with Timers' defaults filled in. */
export function parseTransferBody(value: unknown): Record<string, unknown> {
  const loc = ['timer', 'body'];
  const b = obj(value);
  if (!b) throw validationError(loc, 'field required');
  if (b['DATA_TYPE'] !== undefined && b['DATA_TYPE'] !== 'transfer') throw validationError([...loc, 'DATA_TYPE'], "DATA_TYPE must be 'transfer'");
  for (const key of ['source_endpoint', 'destination_endpoint']) {
    if (typeof b[key] !== 'string' || !/^[0-9a-f-]{36}$/i.test(b[key])) throw validationError([...loc, key], 'value is not a valid uuid');
  }
  const data = b['DATA'];
  if (!Array.isArray(data) || data.length === 0) throw validationError([...loc, 'DATA'], 'ensure this value has at least 1 items');
  const items = (data as unknown[]).map((raw, i) => {
    const item = obj(raw);
    if (!item || typeof item['source_path'] !== 'string' || typeof item['destination_path'] !== 'string') {
      throw validationError([...loc, 'DATA', i], 'source_path and destination_path are required');
    }
    return { ...item, DATA_TYPE: 'transfer_item' };
  });
  for (const key of Object.keys(BODY_DEFAULTS)) {
    if (b[key] !== undefined && typeof b[key] !== 'boolean') throw validationError([...loc, key], 'value could not be parsed to a boolean');
  }
  const out: Record<string, unknown> = { ...BODY_DEFAULTS, ...b, DATA_TYPE: 'transfer', DATA: items };
  out['source_endpoint'] = String(b['source_endpoint']).toLowerCase();
  out['destination_endpoint'] = String(b['destination_endpoint']).toLowerCase();
  return out;
}
