/**
 * An in-memory Globus Timers for tests: keeps timers in the shapes Timers answers with (v2 transfer
 * timers, runs as `results.data[]`), runs them when `advance(now)` passes their ticks, and can be
 * made to need a consent the way Globus does (`inactive_reason.cause = globus_auth_requirements`).
 */
import { randomUUID } from 'node:crypto';
import { ConsentRequiredError, GlobusApiError } from '../../globus';
import type { TimersPort, TransferTimerDocument } from '../timers-port';

interface FakeJob {
  job_id: string;
  name: string;
  status: 'active' | 'inactive' | 'ended' | 'delete_in_progress';
  schedule: TransferTimerDocument['schedule'];
  body: Record<string, unknown>;
  timer_type: 'transfer';
  submitted_at: string;
  last_ran_at: string | null;
  next_run: string | null;
  number_of_runs: number;
  number_of_errors: number;
  inactive_reason: { cause: string; detail: Record<string, unknown> | null } | null;
  results: { data: Record<string, unknown>[] };
}

export interface FakeTimersCall {
  readonly verb: keyof TimersPort;
  readonly id?: string;
  readonly updateCredentials?: boolean;
  readonly document?: TransferTimerDocument;
  readonly name?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class FakeTimers implements TimersPort {
  readonly jobs = new Map<string, FakeJob>();
  readonly calls: FakeTimersCall[] = [];
  /** Set to make the next create answer ConsentRequired for these collections (once). */
  consentRequiredOnCreate: readonly string[] | null = null;
  /** Set to make every call fail with this error. */
  failWith: GlobusApiError | null = null;

  constructor(private now: () => number) {}

  private job(id: string): FakeJob {
    const job = this.jobs.get(id);
    if (!job || job.status === 'delete_in_progress') throw new GlobusApiError({ code: 'NotFound', status: 404, message: `no timer ${id}` });
    return job;
  }

  private guard(): void {
    if (this.failWith) throw this.failWith;
  }

  async listJobs(): Promise<readonly unknown[]> {
    this.guard();
    this.calls.push({ verb: 'listJobs' });
    return [...this.jobs.values()].map((j) => structuredClone(j));
  }

  async getJob(id: string): Promise<unknown> {
    this.guard();
    this.calls.push({ verb: 'getJob', id });
    return structuredClone(this.job(id));
  }

  async createTimer(document: TransferTimerDocument): Promise<unknown> {
    this.guard();
    this.calls.push({ verb: 'createTimer', document });
    if (this.consentRequiredOnCreate) {
      const ids = this.consentRequiredOnCreate;
      this.consentRequiredOnCreate = null;
      throw new ConsentRequiredError({
        message: 'Missing required data_access consent',
        status: 403,
        collectionIds: ids,
        requiredScopes: ids.map((id) => `https://auth.globus.org/scopes/${id}/data_access`),
      });
    }
    const start = document.schedule.type === 'once' ? document.schedule.datetime : document.schedule.start;
    const job: FakeJob = {
      job_id: randomUUID(),
      name: document.name,
      status: 'active',
      schedule: structuredClone(document.schedule),
      body: structuredClone(document.body) as Record<string, unknown>,
      timer_type: 'transfer',
      submitted_at: iso(this.now()),
      last_ran_at: null,
      next_run: start,
      number_of_runs: 0,
      number_of_errors: 0,
      inactive_reason: null,
      results: { data: [] },
    };
    this.jobs.set(job.job_id, job);
    return structuredClone(job);
  }

  async renameJob(id: string, name: string): Promise<unknown> {
    this.guard();
    this.calls.push({ verb: 'renameJob', id, name });
    const job = this.job(id);
    job.name = name;
    return structuredClone(job);
  }

  async pauseJob(id: string): Promise<void> {
    this.guard();
    this.calls.push({ verb: 'pauseJob', id });
    const job = this.job(id);
    job.status = 'inactive';
    job.inactive_reason = { cause: 'user', detail: null };
  }

  async resumeJob(id: string, options: { readonly updateCredentials: boolean }): Promise<void> {
    this.guard();
    this.calls.push({ verb: 'resumeJob', id, updateCredentials: options.updateCredentials });
    const job = this.job(id);
    if (job.inactive_reason?.cause === 'globus_auth_requirements' && !options.updateCredentials) {
      throw new GlobusApiError({ code: 'ConsentRequired', status: 403, message: 'the timer needs new credentials' });
    }
    job.status = 'active';
    job.inactive_reason = null;
  }

  async deleteJob(id: string): Promise<void> {
    this.guard();
    this.calls.push({ verb: 'deleteJob', id });
    this.job(id).status = 'delete_in_progress';
  }

  /** Globus made the timer inactive: a consent for these collections is missing. */
  needConsent(id: string, collectionIds: readonly string[]): void {
    const job = this.job(id);
    job.status = 'inactive';
    job.inactive_reason = {
      cause: 'globus_auth_requirements',
      detail: {
        code: 'ConsentRequired',
        authorization_parameters: {
          session_message: 'Missing required data_access consent',
          required_scopes: [
            `https://auth.globus.org/scopes/524230d7-ea86-4a52-8312-86065a9e0417/timer[urn:globus:auth:scope:transfer.api.globus.org:all[${collectionIds
              .map((c) => `*https://auth.globus.org/scopes/${c}/data_access`)
              .join(' ')}]]`,
          ],
        },
      },
    };
  }

  /** Runs every active timer whose next tick is due by now; each run "starts" a task with this id. */
  advance(taskId: () => string = randomUUID, outcome: 'SUCCEEDED' | 'FAILED' = 'SUCCEEDED'): void {
    const now = this.now();
    for (const job of this.jobs.values()) {
      while (job.status === 'active' && job.next_run !== null && Date.parse(job.next_run) <= now) {
        const ranAt = Date.parse(job.next_run);
        job.results.data.push({ ran_at: iso(ranAt), start_timestamp: iso(ranAt), end_timestamp: iso(ranAt + 1000), run_status: outcome, resource_id: taskId() });
        job.number_of_runs += 1;
        if (outcome === 'FAILED') job.number_of_errors += 1;
        job.last_ran_at = iso(ranAt);
        const s = job.schedule;
        if (s.type === 'once') {
          job.status = 'ended';
          job.next_run = null;
          continue;
        }
        const next = ranAt + s.interval_seconds * 1000;
        const ended = (s.end?.condition === 'iterations' && job.number_of_runs >= s.end.count) || (s.end?.condition === 'time' && next > Date.parse(s.end.datetime));
        job.status = ended ? 'ended' : 'active';
        job.next_run = ended ? null : iso(next);
      }
    }
  }
}
