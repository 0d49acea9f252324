/**
 * Globus Timers, as @globus/sdk 6.2 calls it: `POST /v2/timer` creates a transfer timer;
 * `GET /jobs`, `GET|PATCH|DELETE /jobs/{id}`, `POST /jobs/{id}/pause|resume` read and manage it.
 * Runs happen on the emulator clock (timers-clock.ts) and submit real emulated transfers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenInfo } from './auth';
import { TIMERS_RESOURCE_SERVER } from './constants';
import { HttpError, parseJsonObject, readBody, sendJson } from './http-util';
import type { TaskStatus } from './state';
import { consentGare, missingConsents, type EmulatorClock, type TimerRunner } from './timers-clock';
import {
  jobDocument,
  parseEnd,
  parseInterval,
  parseSchedule,
  parseTransferBody,
  resultDocument,
  timersError,
  v2TimerDocument,
  validationError,
} from './timers-documents';
import type { TimerRow, TimerRunRow, TimerStore } from './timers-store';

export interface TimersApiOptions {
  readonly store: TimerStore;
  readonly clock: EmulatorClock;
  readonly runner: TimerRunner;
  readonly consentRequired: (collectionId: string) => boolean;
  readonly taskStatus: (taskId: string) => TaskStatus | undefined;
  readonly taskDocument: (taskId: string) => Record<string, unknown> | undefined;
}

const DEFAULT_RESULT_COUNT = 10;
const MAX_RESULT_COUNT = 1000;

/** True when the path belongs to the Timers API. */
export function isTimersPath(path: string): boolean {
  return path === '/v2/timer' || path === '/jobs' || path === '/jobs/' || path.startsWith('/jobs/');
}

export class TimersApi {
  constructor(private readonly opts: TimersApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, token: TokenInfo | undefined): Promise<void> {
    if (!token) throw timersError(401, 'AUTHENTICATION_ERROR', 'Missing or invalid bearer token');
    if (token.resourceServer !== TIMERS_RESOURCE_SERVER) {
      throw timersError(401, 'AUTHENTICATION_ERROR', `Token is for ${token.resourceServer}, not the Timers service (${TIMERS_RESOURCE_SERVER})`);
    }
    const method = req.method ?? 'GET';
    const path = url.pathname;
    if (path === '/v2/timer' && method === 'POST') return this.create(req, res, token);
    if ((path === '/jobs' || path === '/jobs/') && method === 'GET') return this.list(res, url, token);
    const m = /^\/jobs\/([^/]+)(?:\/(pause|resume))?\/?$/.exec(path);
    if (m?.[1]) {
      const id = decodeURIComponent(m[1]);
      if (!m[2] && method === 'GET') return this.read(res, url, token, id);
      if (!m[2] && method === 'PATCH') return this.update(req, res, token, id);
      if (!m[2] && method === 'DELETE') return this.remove(res, token, id);
      if (m[2] === 'pause' && method === 'POST') return this.pause(res, token, id);
      if (m[2] === 'resume' && method === 'POST') return this.resume(req, res, url, token, id);
    }
    throw new HttpError(404, { detail: 'Not Found' });
  }

  private own(token: TokenInfo, id: string): TimerRow {
    const row = this.opts.store.get(id.toLowerCase());
    if (!row || row.owner_id !== token.sub) throw timersError(404, 'NOT_FOUND', `Timer ${id} not found`);
    return row;
  }

  private inFlight(row: TimerRow): TimerRunRow | undefined {
    if (!this.opts.runner.inFlight(row)) return undefined;
    return this.opts.store.runs(row.job_id, 1).runs[0];
  }

  private results(row: TimerRow, count: number, offset: number): { data: Record<string, unknown>[]; next: string | null } {
    const { runs, total } = this.opts.store.runs(row.job_id, count, offset);
    const data = runs.map((run) =>
      resultDocument(run, {
        taskStatus: run.task_id ? this.opts.taskStatus(run.task_id) : undefined,
        task: run.task_id ? this.opts.taskDocument(run.task_id) : undefined,
      }),
    );
    return { data, next: offset + runs.length < total ? String(offset + runs.length) : null };
  }

  private job(row: TimerRow, count = DEFAULT_RESULT_COUNT, offset = 0): Record<string, unknown> {
    const { data, next } = this.results(row, count, offset);
    return jobDocument(row, data, next, this.inFlight(row));
  }

  private async create(req: IncomingMessage, res: ServerResponse, token: TokenInfo): Promise<void> {
    const body = parseJsonObject(await readBody(req), '/v2/timer');
    const timer = body['timer'];
    if (typeof timer !== 'object' || timer === null || Array.isArray(timer)) throw validationError(['timer'], 'field required');
    const t = timer as Record<string, unknown>;
    if (t['timer_type'] !== 'transfer') throw validationError(['timer', 'timer_type'], "The emulator supports timer_type 'transfer' only");
    if (t['resource_server'] !== undefined && t['resource_server'] !== 'transfer.api.globus.org') {
      throw validationError(['timer', 'resource_server'], "resource_server must be 'transfer.api.globus.org'");
    }
    if (t['name'] !== undefined && t['name'] !== null && typeof t['name'] !== 'string') throw validationError(['timer', 'name'], 'str type expected');
    const now = this.opts.clock.now();
    const schedule = parseSchedule(t['schedule'], now);
    const transfer = parseTransferBody(t['body']);
    const jobId = randomUUID();
    const row: TimerRow = {
      job_id: jobId,
      owner_id: token.sub,
      client_id: token.clientId,
      name: typeof t['name'] === 'string' ? t['name'] : '',
      body: JSON.stringify(transfer),
      schedule: JSON.stringify(schedule.schedule),
      start: schedule.start,
      interval_seconds: schedule.interval,
      stop_after_date: schedule.stopAfterDate,
      stop_after_n: schedule.stopAfterN,
      status: 'new',
      inactive_reason: null,
      submitted_at: now,
      last_ran_at: null,
      next_run: schedule.start,
      n_runs: 0,
      n_errors: 0,
      data_access: JSON.stringify([...token.dataAccess]),
      current_task_id: null,
    };
    this.opts.store.insert(row);
    sendJson(res, 201, { timer: v2TimerDocument(row) });
    if (row.start <= now) void this.opts.runner.runDueNow();
  }

  private list(res: ServerResponse, url: URL, token: TokenInfo): void {
    const q = url.searchParams;
    const count = resultCount(q.get('result_count'), 'result_count');
    const statuses = new Set((q.get('filter_status') ?? 'active,inactive,ended').split(',').map((s) => s.trim()));
    const name = (q.get('filter_name') ?? '').toLowerCase();
    const group = (row: TimerRow): string => (row.status === 'inactive' ? 'inactive' : row.status === 'ended' ? 'ended' : 'active');
    let rows = this.opts.store.byOwner(token.sub).filter((r) => statuses.has(group(r)) && r.name.toLowerCase().includes(name));
    const order = /^(\w+)(?:\s+(asc|desc))?$/i.exec((q.get('order') ?? '').trim());
    if (order?.[1]) {
      const key = order[1] as keyof TimerRow;
      const dir = order[2]?.toLowerCase() === 'desc' ? -1 : 1;
      rows = [...rows].sort((a, b) => (String(a[key]) < String(b[key]) ? -dir : String(a[key]) > String(b[key]) ? dir : 0));
    }
    sendJson(res, 200, { jobs: rows.map((r) => this.job(r, count)) });
  }

  private read(res: ServerResponse, url: URL, token: TokenInfo, id: string): void {
    const row = this.own(token, id);
    const q = url.searchParams;
    const count = resultCount(q.get('result_count') ?? q.get('page_size'), 'page_size');
    const offset = Number(q.get('results_pt') ?? '0');
    sendJson(res, 200, this.job(row, count, Number.isInteger(offset) && offset > 0 ? offset : 0));
  }

  private async update(req: IncomingMessage, res: ServerResponse, token: TokenInfo, id: string): Promise<void> {
    const row = this.own(token, id);
    const body = parseJsonObject(await readBody(req), `/jobs/${id}`);
    if (body['name'] !== undefined) {
      if (typeof body['name'] !== 'string') throw validationError(['name'], 'str type expected');
      row.name = body['name'];
    }
    const schedule = JSON.parse(row.schedule) as Record<string, unknown>;
    const patchSchedule = typeof body['schedule'] === 'object' && body['schedule'] !== null ? (body['schedule'] as Record<string, unknown>) : {};
    const interval = patchSchedule['interval_seconds'] ?? body['interval'];
    if (interval !== undefined) {
      if (row.interval_seconds === null) throw validationError(['schedule', 'interval_seconds'], 'a timer that runs once has no interval');
      row.interval_seconds = parseInterval(interval, ['schedule', 'interval_seconds']);
      schedule['interval_seconds'] = row.interval_seconds;
      if (row.last_ran_at !== null && row.next_run !== null) row.next_run = Math.max(this.opts.clock.now(), row.last_ran_at + row.interval_seconds * 1000);
    }
    if ('end' in patchSchedule || 'end' in body) {
      const end = parseEnd('end' in patchSchedule ? patchSchedule['end'] : body['end'], ['schedule', 'end']);
      row.stop_after_date = end.date;
      row.stop_after_n = end.n;
      if (end.end) schedule['end'] = end.end;
      else delete schedule['end'];
    }
    const stopAfter = body['stop_after'];
    if (typeof stopAfter === 'object' && stopAfter !== null) {
      const s = stopAfter as Record<string, unknown>;
      if ('date' in s) row.stop_after_date = s['date'] === null ? null : parseEnd({ condition: 'time', datetime: s['date'] }, ['stop_after', 'date']).date;
      if ('n_runs' in s) row.stop_after_n = s['n_runs'] === null ? null : parseEnd({ condition: 'iterations', count: s['n_runs'] }, ['stop_after', 'n_runs']).n;
      if (row.stop_after_n !== null) schedule['end'] = { condition: 'iterations', count: row.stop_after_n };
      else if (row.stop_after_date !== null) schedule['end'] = { condition: 'time', datetime: new Date(row.stop_after_date).toISOString() };
      else delete schedule['end'];
    }
    row.schedule = JSON.stringify(schedule);
    const ended = (row.stop_after_n !== null && row.n_runs >= row.stop_after_n) || (row.stop_after_date !== null && row.next_run !== null && row.next_run > row.stop_after_date);
    if (ended && row.status !== 'inactive') {
      row.status = 'ended';
      row.next_run = null;
    }
    this.opts.store.update(row);
    sendJson(res, 200, this.job(row));
  }

  private remove(res: ServerResponse, token: TokenInfo, id: string): void {
    const row = this.own(token, id);
    row.status = 'delete_in_progress';
    row.next_run = null;
    const doc = this.job(row);
    row.status = 'deleted';
    this.opts.store.update(row);
    sendJson(res, 200, doc);
  }

  private pause(res: ServerResponse, token: TokenInfo, id: string): void {
    const row = this.own(token, id);
    if (row.status === 'ended') throw timersError(409, 'CONFLICT', `Timer ${row.job_id} has ended and cannot be paused`);
    if (row.status !== 'inactive') {
      row.status = 'inactive';
      row.inactive_reason = JSON.stringify({ cause: 'user', detail: null });
      this.opts.store.update(row);
    }
    sendJson(res, 200, { message: `Successfully paused job ${row.job_id}.` });
  }

  private async resume(req: IncomingMessage, res: ServerResponse, url: URL, token: TokenInfo, id: string): Promise<void> {
    const row = this.own(token, id);
    const raw = await readBody(req);
    const body = raw.length > 0 ? parseJsonObject(raw, `/jobs/${id}/resume`) : {};
    if (row.status === 'ended') throw timersError(409, 'CONFLICT', `Timer ${row.job_id} has ended and cannot be resumed`);
    if (row.status === 'inactive') {
      const reason = row.inactive_reason ? (JSON.parse(row.inactive_reason) as { cause?: string }) : { cause: 'user' };
      const query = url.searchParams.get('update_credentials');
      const asked = typeof body['update_credentials'] === 'boolean' ? body['update_credentials'] : query === null ? undefined : query === 'true';
      // Without an explicit choice, Timers replaces the credentials when they were why the timer stopped.
      const update = asked ?? reason.cause === 'globus_auth_requirements';
      const candidate: TimerRow = update ? { ...row, data_access: JSON.stringify([...token.dataAccess]) } : row;
      const missing = missingConsents(candidate, this.opts.consentRequired);
      if (missing.length > 0) {
        const gare = consentGare(missing);
        const detail = 'Missing required data_access consent: resume the timer with credentials that carry it (sign in again asking for the required scopes, then resume with update_credentials).';
        throw timersError(403, 'ConsentRequired', detail, {
          ...gare,
          message: detail,
          required_scopes: (gare['authorization_parameters'] as { required_scopes: string[] }).required_scopes,
        });
      }
      row.data_access = candidate.data_access;
      row.status = row.n_runs > 0 ? 'loaded' : 'new';
      row.inactive_reason = null;
      // A run missed while the timer was inactive happens once, right away.
      const now = this.opts.clock.now();
      if (row.next_run !== null && row.next_run < now) row.next_run = now;
      this.opts.store.update(row);
      void this.opts.runner.runDueNow();
    }
    sendJson(res, 200, { message: `Successfully resumed job ${row.job_id}.` });
  }
}

function resultCount(raw: string | null, name: string): number {
  if (raw === null || raw === '') return DEFAULT_RESULT_COUNT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_RESULT_COUNT) {
    throw validationError([name], `ensure this value is between 0 and ${MAX_RESULT_COUNT}`, 'query');
  }
  return n;
}
