/**
 * Contract slice: Globus Timers (issue 15). Channels are named `timers:<verb>`; ipc-contract.ts
 * assembles every slice into the one contract.
 *
 * A timer is a transfer Globus itself starts on a schedule (start, interval, end by date or by a
 * number of runs): it runs while this machine is off. Ferry lists, creates, edits, pauses, resumes
 * and deletes them, and repairs timers Globus made inactive for a missing consent. Everything here
 * is plain readonly JSON; times are epoch milliseconds.
 *
 * Facts from Globus (docs.globus.org/api/timers, the Timers OpenAPI): the interval is between 60
 * seconds and 365 days, a timer starts at most a year ahead and "in the future or close to the
 * current time", a user's timers together run at most once a minute, and only `name` can be changed
 * on an existing timer (Ferry replaces a timer to change its schedule).
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { InvokeArgs, Listener, Unsubscribe } from '../ipc-contract';
import { filterRuleSchema, transferOptionsSchema, type TransferOptionsInput } from '../collections';
import { collectionPathSchema, globusIdSchema, UUID_PATTERN } from '../ids';

/** Globus: "the job interval must be between 60 seconds and 365 days". */
export const timerMinIntervalSeconds = 60;
export const timerMaxIntervalSeconds = 365 * 24 * 60 * 60;
/** Globus: a timer must start "within one year of when it is submitted". */
export const timerMaxStartAheadMs = 365 * 24 * 60 * 60 * 1000;
/** How far in the past a start may be and still count as "now" (the form's clock vs. the host's). */
export const timerStartGraceMs = 5 * 60 * 1000;
export const timerMaxRuns = 100_000;
export const timerMaxItems = 1_000;
export const timerNameMax = 128;

/**
 * What a timer is doing, as a person reads it:
 * scheduled: waiting for its next run; running: a run is in progress (or retrying);
 * paused: paused by a person; needs-consent: Globus made it inactive because a consent is missing
 * or expired (fixable here); inactive: Globus made it inactive for another reason;
 * ended: its end condition was met; deleting: being deleted at Globus.
 */
export const timerStates = ['scheduled', 'running', 'paused', 'needs-consent', 'inactive', 'ended', 'deleting'] as const;
export type TimerState = (typeof timerStates)[number];

export type TimerEnd =
  | { readonly kind: 'never' }
  /** Stops running after this time. */
  | { readonly kind: 'date'; readonly at: number }
  /** Stops after this many runs (skipped runs do not count). */
  | { readonly kind: 'runs'; readonly count: number };

export interface TimerInactiveReason {
  /** Globus' `inactive_reason.cause`. */
  readonly cause: 'user' | 'globus_auth_requirements' | 'other';
  /** Globus' own words (session message or code), when it gave any. */
  readonly message: string | null;
  /** The scopes Globus asks consent for (`authorization_parameters.required_scopes`). */
  readonly requiredScopes: readonly string[];
  /** Collections named by data_access scopes in them. */
  readonly collectionIds: readonly string[];
}

export interface TimerItem {
  readonly sourcePath: string;
  readonly destinationPath: string;
  readonly recursive: boolean;
}

export interface TimerSummary {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly destination: string;
  /** What each run copies (the transfer's items). */
  readonly items: readonly TimerItem[];
  /** Seconds between runs; null for a timer that runs once. */
  readonly intervalSeconds: number | null;
  readonly startAt: number | null;
  readonly end: TimerEnd;
  readonly state: TimerState;
  /** Globus' own status word (active, inactive, ended, …). */
  readonly status: string;
  readonly nextRunAt: number | null;
  readonly lastRunAt: number | null;
  readonly runCount: number;
  readonly errorCount: number;
  readonly inactiveReason: TimerInactiveReason | null;
  readonly submittedAt: number | null;
}

export interface TimerRun {
  readonly ranAt: number;
  readonly endedAt: number | null;
  /** Globus' run status (e.g. SUCCEEDED, FAILED, ACTIVE). */
  readonly status: string;
  /** The Transfer task this run started, when it started one. */
  readonly taskId: string | null;
  /** Why the run failed, in Globus' words. */
  readonly error: string | null;
}

export interface TimerDetail extends TimerSummary {
  /** The transfer options every run uses. */
  readonly options: TransferOptionsInput;
  /** Newest first. */
  readonly runs: readonly TimerRun[];
}

/** At most this many runs (the newest) carry what they moved (`timers:run-stats`). */
export const timerRunStatsMax = 50;

/** What one run's Transfer task moved. Files and bytes are null when the run started no task or its task could not be read. */
export interface TimerRunStat {
  readonly ranAt: number;
  /** Globus' run status (e.g. SUCCEEDED, FAILED, ACTIVE). */
  readonly status: string;
  readonly taskId: string | null;
  /** The Transfer task's status (ACTIVE, INACTIVE, SUCCEEDED, FAILED); null when unknown. */
  readonly taskStatus: string | null;
  /** `files_transferred` of the task (so far, while it runs). */
  readonly files: number | null;
  /** `bytes_transferred` of the task (so far, while it runs). */
  readonly bytes: number | null;
}

/** Files and bytes per run of one timer: its newest runs (at most `timerRunStatsMax`), oldest first. */
export interface TimerRunStats {
  readonly timerId: string;
  readonly runs: readonly TimerRunStat[];
  /** Runs Globus reports for the timer in all (more than `runs` holds when older runs were left out). */
  readonly runCount: number;
}

const statText = z.string().max(1_000);
const statCount = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** `timers:run-stats` as it crosses the contract (core checks its answer with it). */
export const timerRunStatsSchema = z
  .object({
    timerId: statText,
    runs: z
      .array(
        z
          .object({
            ranAt: z.number().int(),
            status: statText,
            taskId: statText.nullable(),
            taskStatus: statText.nullable(),
            files: statCount.nullable(),
            bytes: statCount.nullable(),
          })
          .strict()
          .readonly(),
      )
      .max(timerRunStatsMax)
      .readonly(),
    runCount: statCount,
  })
  .strict()
  .readonly() satisfies z.ZodType<TimerRunStats>;

/** Whether Ferry may use Timers for this sign-in. */
export const timersAccessStates = ['ready', 'consent-needed', 'signed-out'] as const;
export type TimersAccess = (typeof timersAccessStates)[number];

export interface TimersSnapshot {
  readonly access: TimersAccess;
  readonly timers: readonly TimerSummary[];
  /** Why the list could not be read (Globus failing), else null. */
  readonly error: string | null;
  readonly at: number;
}

/**
 * What a verb that needs a Globus consent first answers while the person gives it: the consent
 * page to open (a browser host opens it itself; null when the host opened it). The verb finishes
 * at Globus once the consent is given and says so with `timers:done`.
 */
export interface TimersConsentPending {
  readonly consentPending: true;
  readonly loginUrl: string | null;
}

export function isConsentPending(value: unknown): value is TimersConsentPending {
  return typeof value === 'object' && value !== null && (value as { consentPending?: unknown }).consentPending === true;
}

export const timersDoneActions = ['create', 'update', 'connect', 'fix-consent'] as const;
export type TimersDoneAction = (typeof timersDoneActions)[number];

/** A verb that waited for a consent has finished: the timer it made or repaired, or why it failed. */
export interface TimersDone {
  readonly action: TimersDoneAction;
  readonly timerId: string | null;
  readonly error: string | null;
}

const nameSchema = z
  .string()
  .trim()
  .min(1, 'give the timer a name')
  .max(timerNameMax, `the name is at most ${timerNameMax} characters`)
  .refine((n) => ![...n].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), 'the name may not contain tabs, line breaks or control characters');

const intervalSchema = z
  .number('the interval needs a number of seconds')
  .int('the interval is a whole number of seconds')
  .min(timerMinIntervalSeconds, 'Globus runs a timer at most once a minute: choose an interval of at least 1 minute')
  .max(timerMaxIntervalSeconds, 'Globus allows an interval of at most 365 days');

const epochSchema = (what: string) => z.number(`${what} needs a time`).int(`${what} is a whole number of milliseconds`).min(0, `${what} cannot be before 1970`);

export const timerEndSchema = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('never') }).strict(),
    z.object({ kind: z.literal('date'), at: epochSchema('the end date') }).strict(),
    z
      .object({
        kind: z.literal('runs'),
        count: z
          .number('the number of runs needs a number')
          .int('the number of runs is a whole number')
          .min(1, 'a timer runs at least once')
          .max(timerMaxRuns, `at most ${timerMaxRuns.toLocaleString('en-US')} runs`),
      })
      .strict(),
  ],
  'end must be never, a date or a number of runs',
);

const timerItemSchema = z
  .object({
    sourcePath: collectionPathSchema,
    destinationPath: collectionPathSchema,
    recursive: z.boolean('say whether the source path is a folder'),
  })
  .strict();

/** What a person fills in to create a timer: route, schedule and every transfer option. */
export const timerDraftSchema = transferOptionsSchema
  .extend({
    name: nameSchema,
    source: globusIdSchema,
    destination: globusIdSchema,
    items: z
      .array(timerItemSchema)
      .min(1, 'choose what to copy: a source path and a destination path')
      .max(timerMaxItems, `a timer copies at most ${timerMaxItems.toLocaleString('en-US')} paths`),
    filterRules: z.array(filterRuleSchema).max(100, 'at most 100 filter rules').optional(),
    /** First run; core refuses a time in the past (more than a few minutes) or over a year ahead. */
    startAt: epochSchema('the start'),
    /** null: run once. */
    intervalSeconds: intervalSchema.nullable(),
    end: timerEndSchema,
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.intervalSeconds === null && d.end.kind !== 'never') {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'a timer that runs once has no end condition; choose an interval to repeat it, or "never" as the end' });
    }
    if (d.end.kind === 'date' && d.end.at <= d.startAt) {
      ctx.addIssue({ code: 'custom', path: ['end', 'at'], message: 'the end date must be after the start' });
    }
    if (d.source === d.destination && d.items.some((i) => i.sourcePath === i.destinationPath)) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'a path would be copied onto itself; choose another destination path' });
    }
  });
export type TimerDraft = z.input<typeof timerDraftSchema>;

/** What can be changed on a timer. The name changes in place; a new interval or end replaces the timer. */
export const timerPatchSchema = z
  .object({
    name: nameSchema.optional(),
    intervalSeconds: intervalSchema.optional(),
    end: timerEndSchema.optional(),
  })
  .strict()
  .refine((p) => p.name !== undefined || p.intervalSeconds !== undefined || p.end !== undefined, 'change the name, the interval or the end');
export type TimerPatch = z.input<typeof timerPatchSchema>;

export const timerIdSchema = z.string().trim().regex(UUID_PATTERN, 'must be a timer id from the timers list (a UUID)');

export const timersInvoke = {
  'timers:list': { args: z.tuple([]) },
  'timers:get': { args: z.tuple([timerIdSchema]) },
  /** Files and bytes each of the timer's newest runs moved (its Transfer tasks). */
  'timers:run-stats': { args: z.tuple([timerIdSchema]) },
  'timers:create': { args: z.tuple([timerDraftSchema]) },
  'timers:update': { args: z.tuple([timerIdSchema, timerPatchSchema]) },
  'timers:pause': { args: z.tuple([timerIdSchema]) },
  'timers:resume': { args: z.tuple([timerIdSchema]) },
  'timers:delete': { args: z.tuple([timerIdSchema]) },
  /** Grants the Timers consent to this sign-in (the browser opens). */
  'timers:connect': { args: z.tuple([]) },
  /** For a timer that needs consent: runs the consent Globus names, then resumes it with new credentials. */
  'timers:fix-consent': { args: z.tuple([timerIdSchema]) },
} as const satisfies Record<`timers:${string}`, { readonly args: z.ZodTuple }>;

export interface TimersResults {
  'timers:list': TimersSnapshot;
  'timers:get': TimerDetail;
  'timers:run-stats': TimerRunStats;
  'timers:create': TimerDetail | TimersConsentPending;
  /** The timer after the change (a new id when a new schedule replaced it). */
  'timers:update': TimerDetail | TimersConsentPending;
  'timers:pause': TimerDetail;
  'timers:resume': TimerDetail;
  'timers:delete': { readonly deleted: true };
  'timers:connect': TimersSnapshot | TimersConsentPending;
  'timers:fix-consent': TimerDetail | TimersConsentPending;
}

const outText = z.string().max(100_000);
const count = z.number().min(0);
const time = z.number().nullable();

const timerSummarySchema = z.object({
  id: outText,
  name: outText,
  source: outText,
  destination: outText,
  items: z.array(z.object({ sourcePath: outText, destinationPath: outText, recursive: z.boolean() })).readonly(),
  intervalSeconds: count.nullable(),
  startAt: time,
  end: z.union([z.object({ kind: z.literal('never') }), z.object({ kind: z.literal('date'), at: z.number() }), z.object({ kind: z.literal('runs'), count })]),
  state: z.enum(timerStates),
  status: outText,
  nextRunAt: time,
  lastRunAt: time,
  runCount: count,
  errorCount: count,
  inactiveReason: z
    .object({
      cause: z.enum(['user', 'globus_auth_requirements', 'other']),
      message: outText.nullable(),
      requiredScopes: z.array(outText).readonly(),
      collectionIds: z.array(outText).readonly(),
    })
    .nullable(),
  submittedAt: time,
}) satisfies z.ZodType<TimerSummary>;

export const timersEvents = {
  /** The timers list changed (after a change here, or on the periodic refresh). */
  'timers:changed': z.object({
    access: z.enum(timersAccessStates),
    timers: z.array(timerSummarySchema).readonly(),
    error: outText.nullable(),
    at: z.number(),
  }) satisfies z.ZodType<TimersSnapshot>,
  /** A verb that waited for a consent (`consentPending`) has finished. */
  'timers:done': z.object({
    action: z.enum(timersDoneActions),
    timerId: outText.nullable(),
    error: outText.nullable(),
  }) satisfies z.ZodType<TimersDone>,
} as const satisfies Record<`timers:${string}`, z.ZodType>;

export interface TimersApi {
  list(): Promise<TimersSnapshot>;
  get(id: string): Promise<TimerDetail>;
  runStats(id: string): Promise<TimerRunStats>;
  create(draft: TimerDraft): Promise<TimerDetail | TimersConsentPending>;
  update(id: string, patch: TimerPatch): Promise<TimerDetail | TimersConsentPending>;
  pause(id: string): Promise<TimerDetail>;
  resume(id: string): Promise<TimerDetail>;
  remove(id: string): Promise<{ readonly deleted: true }>;
  connect(): Promise<TimersSnapshot | TimersConsentPending>;
  fixConsent(id: string): Promise<TimerDetail | TimersConsentPending>;
  onChanged(listener: Listener<TimersSnapshot>): Unsubscribe;
  onDone(listener: Listener<TimersDone>): Unsubscribe;
}

export function createTimersApi(t: Transport): TimersApi {
  return {
    list: () => t.invoke('timers:list', []),
    get: (id) => t.invoke('timers:get', [id]),
    runStats: (id) => t.invoke('timers:run-stats', [id]),
    // The draft goes as it is: the host checks it (a malformed one is refused there, never here).
    create: (draft) => t.invoke('timers:create', [draft as InvokeArgs<'timers:create'>[0]]),
    update: (id, patch) => t.invoke('timers:update', [id, patch as InvokeArgs<'timers:update'>[1]]),
    pause: (id) => t.invoke('timers:pause', [id]),
    resume: (id) => t.invoke('timers:resume', [id]),
    remove: (id) => t.invoke('timers:delete', [id]),
    connect: () => t.invoke('timers:connect', []),
    fixConsent: (id) => t.invoke('timers:fix-consent', [id]),
    onChanged: (listener) => t.subscribe('timers:changed', listener),
    onDone: (listener) => t.subscribe('timers:done', listener),
  };
}
