/**
 * The Globus Timers API as this folder uses it: raw JSON in and out (mapping to the contract is
 * `timer-mapping.ts`). `timers-client.ts` implements it over @globus/sdk; `testing/` has a fake.
 */

/** Globus Timers' resource server and scope (globus-sdk TimersScopes), declared once in core/globus. */
export { TIMERS_RESOURCE_SERVER, TIMERS_SCOPE } from '../globus';

/** The `timer` of `POST /v2/timer` for a transfer timer. */
export interface TransferTimerDocument {
  readonly timer_type: 'transfer';
  readonly name: string;
  readonly resource_server: 'transfer.api.globus.org';
  readonly schedule:
    | { readonly type: 'once'; readonly datetime: string }
    | {
        readonly type: 'recurring';
        readonly interval_seconds: number;
        readonly start: string;
        readonly end?: { readonly condition: 'time'; readonly datetime: string } | { readonly condition: 'iterations'; readonly count: number };
      };
  readonly body: Readonly<Record<string, unknown>>;
}

export interface TimersPort {
  /** `GET /jobs/`: every timer of the person, ended ones included. */
  listJobs(): Promise<readonly unknown[]>;
  /** `GET /jobs/{id}`: one timer with its first page of results (runs). */
  getJob(id: string): Promise<unknown>;
  /** `POST /v2/timer`: the created timer (the answer's `timer`). */
  createTimer(timer: TransferTimerDocument): Promise<unknown>;
  /** `PATCH /jobs/{id}` with `{name}` (the only field Timers lets a person change). */
  renameJob(id: string, name: string): Promise<unknown>;
  /** `POST /jobs/{id}/pause`. */
  pauseJob(id: string): Promise<void>;
  /** `POST /jobs/{id}/resume`; `updateCredentials` replaces the timer's credentials with this sign-in's. */
  resumeJob(id: string, options: { readonly updateCredentials: boolean }): Promise<void>;
  /** `DELETE /jobs/{id}`. */
  deleteJob(id: string): Promise<void>;
}
