/**
 * Pure mapping between Globus Timers' JSON and the contract. Timers answers in two shapes: the
 * v2 transfer timer (`schedule`, `body`, `number_of_runs`) and the older job (`interval`,
 * `callback_body.body`, `n_runs`, `results.data[]`); both are read.
 */
import type { TransferOptionsInput } from '../../../shared/collections';
import type {
  TimerDetail,
  TimerDraft,
  TimerEnd,
  TimerInactiveReason,
  TimerItem,
  TimerRun,
  TimerState,
  TimerSummary,
} from '../../../shared/contract/timers';
import { buildTransferDocument } from '../globus';
import type { TransferTimerDocument } from './timers-port';

const DATA_ACCESS = /https:\/\/auth\.globus\.org\/scopes\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/data_access/gi;

/** Collection ids named by data_access scopes anywhere in these scope strings (deduplicated, lower case). */
export function collectionIdsIn(scopes: readonly string[]): string[] {
  const found = new Set<string>();
  for (const scope of scopes) for (const m of scope.matchAll(DATA_ACCESS)) if (m[1]) found.add(m[1].toLowerCase());
  return [...found];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const epoch = (v: unknown): number | null => {
  const s = str(v);
  if (s === null) return null;
  // Timers writes some times without a zone ("2022-04-01T19:30:07.103090"): they are UTC.
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`);
  return Number.isFinite(ms) ? ms : null;
};
const iso = (ms: number): string => new Date(ms).toISOString();

/** The transfer a timer runs: `body` (v2) or `callback_body.body` (older jobs, Transfer action provider fields). */
function transferBody(raw: Rec): Rec {
  if (isRec(raw.body)) return raw.body;
  const callback = rec(raw.callback_body);
  return isRec(callback.body) ? callback.body : {};
}

function itemsOf(body: Rec): TimerItem[] {
  const list = Array.isArray(body.DATA) ? body.DATA : Array.isArray(body.transfer_items) ? body.transfer_items : [];
  return list.filter(isRec).map((i) => ({
    sourcePath: str(i.source_path) ?? '',
    destinationPath: str(i.destination_path) ?? '',
    recursive: i.recursive === true,
  }));
}

function endOf(raw: Rec): TimerEnd {
  const schedule = rec(raw.schedule);
  const end = rec(schedule.end);
  if (end.condition === 'time') {
    const at = epoch(end.datetime);
    if (at !== null) return { kind: 'date', at };
  }
  const runs = num(end.count) ?? num(end.iterations);
  if (runs !== null && (end.condition === 'iterations' || end.condition === undefined)) return { kind: 'runs', count: runs };
  const stop = rec(raw.stop_after);
  const date = epoch(stop.date);
  if (date !== null) return { kind: 'date', at: date };
  const n = num(stop.n_runs);
  if (n !== null) return { kind: 'runs', count: n };
  return { kind: 'never' };
}

function inactiveReasonOf(raw: Rec): TimerInactiveReason | null {
  const reason = rec(raw.inactive_reason);
  const activity = rec(raw.activity);
  const cause = str(reason.cause) ?? (activity.code === 'paused' ? str(activity.reason) : null);
  if (cause === null) return null;
  const detail = rec(reason.detail);
  const params = rec(detail.authorization_parameters);
  const requiredScopes = Array.isArray(params.required_scopes) ? params.required_scopes.filter((s): s is string => typeof s === 'string') : [];
  return {
    cause: cause === 'user' || cause === 'globus_auth_requirements' ? cause : 'other',
    message: str(params.session_message) ?? str(detail.message) ?? str(detail.code),
    requiredScopes,
    collectionIds: collectionIdsIn(requiredScopes),
  };
}

function stateOf(status: string, raw: Rec, reason: TimerInactiveReason | null): TimerState {
  if (status === 'delete_in_progress' || status === 'deleted') return 'deleting';
  if (status === 'ended') return 'ended';
  const activity = str(rec(raw.activity).code);
  if (status === 'inactive' || activity === 'paused') {
    if (reason?.cause === 'globus_auth_requirements') return 'needs-consent';
    if (reason?.cause === 'user' || (activity === 'paused' && reason === null)) return 'paused';
    return 'inactive';
  }
  if (activity === 'run_in_progress' || activity === 'retrying') return 'running';
  return 'scheduled';
}

/** One timer from `GET /jobs/`, `GET /jobs/{id}` or `POST /v2/timer`; null when it is not a timer (no id). */
export function toTimerSummary(value: unknown): TimerSummary | null {
  const raw = rec(value);
  const id = str(raw.job_id);
  if (id === null) return null;
  const body = transferBody(raw);
  const schedule = rec(raw.schedule);
  const status = str(raw.status) ?? 'unknown';
  const inactiveReason = inactiveReasonOf(raw);
  const intervalSeconds = schedule.type === 'once' ? null : (num(schedule.interval_seconds) ?? num(raw.interval));
  return {
    id,
    name: str(raw.name) ?? 'Unnamed timer',
    source: str(body.source_endpoint) ?? str(body.source_endpoint_id) ?? '',
    destination: str(body.destination_endpoint) ?? str(body.destination_endpoint_id) ?? '',
    items: itemsOf(body),
    intervalSeconds: intervalSeconds === null ? null : Math.round(intervalSeconds),
    startAt: epoch(schedule.start) ?? epoch(schedule.datetime) ?? epoch(raw.start),
    end: endOf(raw),
    state: stateOf(status, raw, inactiveReason),
    status,
    nextRunAt: epoch(raw.next_run) ?? (rec(raw.activity).code === 'awaiting_next_run' ? epoch(rec(raw.activity).next_run) : null),
    lastRunAt: epoch(raw.last_ran_at),
    runCount: num(raw.number_of_runs) ?? num(raw.n_runs) ?? 0,
    errorCount: num(raw.number_of_errors) ?? num(raw.n_errors) ?? 0,
    inactiveReason,
    submittedAt: epoch(raw.submitted_at),
  };
}

/** A run's Transfer task: `resource_id` (v2), or the task in the result data (Transfer action provider). */
function runOf(value: unknown): TimerRun | null {
  const r = rec(value);
  const data = rec(r.data);
  const details = rec(data.details);
  const ranAt = epoch(r.ran_at) ?? epoch(r.start_timestamp);
  if (ranAt === null) return null;
  const errors = r.errors;
  const errorText = isRec(errors) ? (str(errors.detail) ?? str(errors.description) ?? str(errors.code) ?? JSON.stringify(errors).slice(0, 500)) : str(errors);
  const status = str(r.run_status) ?? str(data.status) ?? str(details.status) ?? (num(r.status) !== null && (num(r.status) ?? 0) >= 400 ? 'FAILED' : 'UNKNOWN');
  return {
    ranAt,
    endedAt: epoch(r.end_timestamp) ?? epoch(data.completion_time),
    status,
    taskId: str(r.resource_id) ?? str(data.task_id) ?? str(details.task_id),
    error: errorText ?? str(details.fatal_error) ?? null,
  };
}

function optionsOf(body: Rec): TransferOptionsInput {
  const level = num(body.sync_level);
  const rules = Array.isArray(body.filter_rules) ? body.filter_rules.filter(isRec) : [];
  const out: Record<string, unknown> = {
    ...(level === 0 || level === 1 || level === 2 || level === 3 ? { syncLevel: level } : {}),
    verifyChecksum: bool(body.verify_checksum),
    preserveTimestamp: bool(body.preserve_timestamp),
    encrypt: bool(body.encrypt_data),
    deleteDestinationExtra: bool(body.delete_destination_extra),
    failOnQuotaErrors: bool(body.fail_on_quota_errors),
    skipSourceErrors: bool(body.skip_source_errors),
    notifyOnSucceeded: bool(body.notify_on_succeeded),
    notifyOnFailed: bool(body.notify_on_failed),
    notifyOnInactive: bool(body.notify_on_inactive),
  };
  if (rules.length > 0) {
    out.filterRules = rules.map((r) => ({
      method: r.method === 'include' ? 'include' : 'exclude',
      name: str(r.name) ?? '',
      ...(r.type === 'file' || r.type === 'dir' ? { type: r.type } : {}),
    }));
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out as TransferOptionsInput;
}

/** A timer with its runs (newest first) and its transfer options. */
export function toTimerDetail(value: unknown): TimerDetail | null {
  const summary = toTimerSummary(value);
  if (!summary) return null;
  const raw = rec(value);
  const results = Array.isArray(raw.results) ? raw.results : Array.isArray(rec(raw.results).data) ? (rec(raw.results).data as unknown[]) : [];
  const runs = results.map(runOf).filter((r): r is TimerRun => r !== null);
  runs.sort((a, b) => b.ranAt - a.ranAt);
  return { ...summary, options: optionsOf(transferBody(raw)), runs };
}

/** A parsed draft (what `timerDraftSchema` gives). */
type ParsedDraft = Omit<TimerDraft, 'end' | 'items'> & {
  readonly end: TimerEnd;
  readonly items: readonly TimerItem[];
};

/** The label each run's task carries (Transfer: at most 128 characters). */
export function runLabel(name: string): string {
  return `Timer: ${name}`.slice(0, 128);
}

/** The `POST /v2/timer` document for a draft: the transfer built as Ferry builds every transfer, minus what timers refuse. */
export function buildTimerDocument(draft: ParsedDraft): TransferTimerDocument {
  const transfer: Record<string, unknown> = {
    ...buildTransferDocument(
      {
        source: draft.source,
        destination: draft.destination,
        items: draft.items,
        label: runLabel(draft.name),
        ...(draft.syncLevel !== undefined ? { syncLevel: draft.syncLevel } : {}),
        ...(draft.verifyChecksum !== undefined ? { verifyChecksum: draft.verifyChecksum } : {}),
        ...(draft.preserveTimestamp !== undefined ? { preserveTimestamp: draft.preserveTimestamp } : {}),
        ...(draft.encrypt !== undefined ? { encrypt: draft.encrypt } : {}),
        ...(draft.deleteDestinationExtra !== undefined ? { deleteDestinationExtra: draft.deleteDestinationExtra } : {}),
        ...(draft.failOnQuotaErrors !== undefined ? { failOnQuotaErrors: draft.failOnQuotaErrors } : {}),
        ...(draft.skipSourceErrors !== undefined ? { skipSourceErrors: draft.skipSourceErrors } : {}),
        ...(draft.filterRules !== undefined ? { filterRules: draft.filterRules } : {}),
        ...(draft.notifyOnSucceeded !== undefined ? { notifyOnSucceeded: draft.notifyOnSucceeded } : {}),
        ...(draft.notifyOnFailed !== undefined ? { notifyOnFailed: draft.notifyOnFailed } : {}),
        ...(draft.notifyOnInactive !== undefined ? { notifyOnInactive: draft.notifyOnInactive } : {}),
      },
      '',
    ),
    DATA_TYPE: 'transfer',
  };
  // Timers refuses a submission id (each run gets its own) and a fixed deadline would end every later run.
  delete transfer.submission_id;
  delete transfer.deadline;
  transfer.DATA = (transfer.DATA as Rec[]).map((i) => ({ DATA_TYPE: 'transfer_item', ...i }));
  return {
    timer_type: 'transfer',
    name: draft.name,
    resource_server: 'transfer.api.globus.org',
    schedule: scheduleOf(draft.startAt, draft.intervalSeconds ?? null, draft.end),
    body: transfer,
  };
}

export function scheduleOf(startAt: number, intervalSeconds: number | null, end: TimerEnd): TransferTimerDocument['schedule'] {
  if (intervalSeconds === null) return { type: 'once', datetime: iso(startAt) };
  return {
    type: 'recurring',
    interval_seconds: intervalSeconds,
    start: iso(startAt),
    ...(end.kind === 'date' ? { end: { condition: 'time' as const, datetime: iso(end.at) } } : {}),
    ...(end.kind === 'runs' ? { end: { condition: 'iterations' as const, count: end.count } } : {}),
  };
}

/** A draft that re-creates this timer (same transfer and options) with another schedule or name. */
export function draftFromDetail(detail: TimerDetail, change: { name?: string; intervalSeconds?: number; end?: TimerEnd }, startAt: number): ParsedDraft {
  return {
    ...detail.options,
    name: change.name ?? detail.name,
    source: detail.source,
    destination: detail.destination,
    items: detail.items,
    startAt,
    intervalSeconds: change.intervalSeconds ?? detail.intervalSeconds,
    end: change.end ?? detail.end,
  };
}
