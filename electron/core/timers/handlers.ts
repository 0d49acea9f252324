import {
  timerMaxStartAheadMs,
  timerStartGraceMs,
  type TimerDetail,
  type TimerEnd,
  type TimerRunStats,
  type TimersAccess,
  type TimersSnapshot,
  type TimerSummary,
  type TimersConsentPending,
  type TimersDoneAction,
  type timersInvoke,
} from '../../../shared/contract/timers';
import { GlobusApiError, isConsentRequired, type GlobusAuth, type LoginOptions, type TransferService } from '../globus';
import { AppError, systemClock, type Capability, type Clock, type EventBus } from '../kernel';
import type { SettingsService } from '../settings';
import { createRunStatsReader } from './run-stats';
import { buildTimerDocument, draftFromDetail, toTimerDetail, toTimerSummary } from './timer-mapping';
import { createTimersClient } from './timers-client';
import { TIMERS_SCOPE, type TimersPort } from './timers-port';

export type TimersChannel = keyof typeof timersInvoke;

export interface TimersCapability extends Capability<TimersChannel> {
  /** The last list read (for the watchdog's source); refreshed by `refresh()`. */
  snapshot(): TimersSnapshot | null;
  refresh(): Promise<TimersSnapshot>;
  /** One timer with its runs (the watchdog's source reads runs through it). */
  detail(id: string): Promise<TimerDetail>;
  /** Files and bytes each of a timer's newest runs moved (its Transfer tasks, through Activity). */
  runStats(id: string): Promise<TimerRunStats>;
  dispose(): Promise<void>;
}

/** What this capability needs from the composition root. */
export interface TimersDeps {
  readonly bus: EventBus;
  /** The sign-in: Timers tokens (`tokenFor`) and the consent flow (`login`). */
  readonly auth: GlobusAuth;
  /** Looks up collections, to know which need a data_access consent for Timers. */
  readonly transfer: Pick<TransferService, 'getCollection'>;
  /** The Globus environment (Settings). */
  readonly settings: SettingsService;
  readonly env: NodeJS.ProcessEnv;
  /**
   * Activity's history: each Transfer task a timer run started is read into it once Ferry sees the
   * run (Globus started those tasks, not Ferry, and they often end between two of Activity's polls).
   * Its answer (the task document, see ActivityService.detail) also gives each run's files and bytes.
   */
  readonly activity?: { detail(taskId: string): Promise<unknown> };
}

export interface TimersCapabilityOptions {
  /** The Timers API (tests: a fake). Default: @globus/sdk's timers service. */
  readonly port?: TimersPort;
  readonly clock?: Clock;
  /** How often the list is refreshed while signed in (default 60 s, or FERRY_TIMERS_POLL_MS). */
  readonly pollMs?: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Wires the `timers:*` channels to Globus Timers through the person's sign-in. */
export function createTimersCapability(deps: TimersDeps, options: TimersCapabilityOptions = {}): TimersCapability {
  const clock = options.clock ?? systemClock;
  const port = options.port ?? createTimersClient({ auth: deps.auth, environment: () => deps.settings.get().globus });
  const pollFromEnv = Number(deps.env.FERRY_TIMERS_POLL_MS);
  const pollMs = options.pollMs ?? (Number.isFinite(pollFromEnv) && pollFromEnv > 0 ? pollFromEnv : 60_000);
  let latest: TimersSnapshot | null = null;
  /** Tasks of timer runs already handed to Activity. */
  const tracked = new Set<string>();
  /** Each timer's last run and run count as last read: a change means new runs to hand to Activity. */
  const seenRuns = new Map<string, string>();
  /** Each run's task read through Activity; an ended task's numbers are kept. */
  const activity = deps.activity;
  const runTasks = createRunStatsReader({ readTask: activity ? (taskId) => activity.detail(taskId) : null });
  let disposed = false;
  let cancelPoll: (() => void) | undefined;

  const access = async (): Promise<TimersAccess> => {
    if (deps.auth.status().state !== 'signed-in') return 'signed-out';
    try {
      await deps.auth.tokenFor(TIMERS_SCOPE);
      return 'ready';
    } catch (error) {
      if (error instanceof GlobusApiError && error.code === 'ConsentRequired') return 'consent-needed';
      if (error instanceof GlobusApiError && error.kind === 'unauthorized') return 'signed-out';
      throw error;
    }
  };

  const refresh = async (): Promise<TimersSnapshot> => {
    const state = await access();
    let timers: readonly TimerSummary[] = [];
    let error: string | null = null;
    if (state === 'ready') {
      try {
        timers = (await port.listJobs())
          .map(toTimerSummary)
          .filter((t): t is TimerSummary => t !== null && t.state !== 'deleting')
          .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      } catch (e) {
        if (!(e instanceof GlobusApiError)) throw e;
        error = e.message;
        timers = latest?.timers ?? [];
      }
    }
    latest = { access: state, timers, error, at: clock.now() };
    if (!disposed) deps.bus.emit('timers:changed', latest);
    if (deps.activity) void followRuns(timers);
    return latest;
  };

  /** Reads the runs of timers that ran since the last look, so their tasks reach Activity. */
  const followRuns = async (timers: readonly TimerSummary[]): Promise<void> => {
    const moved = timers.filter((t) => t.runCount > 0 && seenRuns.get(t.id) !== `${t.lastRunAt}|${t.runCount}|${t.state}`).slice(0, 20);
    for (const t of moved) {
      try {
        await detail(t.id);
        seenRuns.set(t.id, `${t.lastRunAt}|${t.runCount}|${t.state}`);
      } catch {
        // Read again on the next refresh.
      }
    }
  };

  const trackRuns = (found: TimerDetail): void => {
    if (!deps.activity) return;
    for (const run of found.runs) {
      const taskId = run.taskId?.toLowerCase();
      if (!taskId || tracked.has(taskId)) continue;
      tracked.add(taskId);
      runTasks.read(taskId).catch(() => tracked.delete(taskId));
    }
  };

  const schedulePoll = (): void => {
    cancelPoll?.();
    if (disposed) return;
    cancelPoll = clock.setTimeout(() => {
      cancelPoll = undefined;
      if (disposed) return;
      void (deps.auth.status().state === 'signed-in' ? refresh() : Promise.resolve(null)).catch(() => undefined).finally(schedulePoll);
    }, pollMs);
  };

  const detail = async (id: string): Promise<TimerDetail> => {
    const found = toTimerDetail(await port.getJob(id));
    if (!found) throw new AppError('not-found', 'NotFound', `Globus Timers has no timer ${id}; reload the timers list.`);
    trackRuns(found);
    return found;
  };

  const runStats = async (id: string): Promise<TimerRunStats> => runTasks.statsFor(await detail(id));

  /** Timers answered: refresh the list in the background and hand back this timer. */
  const changed = async (id: string): Promise<TimerDetail> => {
    const out = await detail(id);
    void refresh().catch(() => undefined);
    return out;
  };

  /**
   * Collections Globus asks a data_access consent for: non-high-assurance GCSv5 mapped collections
   * (globus-sdk's documented check). One that cannot be looked up is left to the reactive path.
   */
  const needingDataAccess = async (ids: readonly string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const id of new Set(ids.map((i) => i.toLowerCase()))) {
      try {
        const c = (await deps.transfer.getCollection(id)) as { entity_type?: string; high_assurance?: boolean };
        if (c.entity_type === 'GCSv5_mapped_collection' && c.high_assurance !== true) out.push(id);
      } catch {
        // Unknown here: Timers names it if it needs consent, and Ferry asks then.
      }
    }
    return out;
  };

  /** The consent to ask before a timer over these collections (the Timers scope with their data_access under it), or null when this sign-in has it. */
  const consentNeeded = async (collectionIds: readonly string[]): Promise<LoginOptions | null> => {
    const needed = await needingDataAccess(collectionIds);
    const consented = new Set(deps.auth.status().consentedCollections.map((c) => c.toLowerCase()));
    const hasTimers = (await access()) === 'ready';
    if (hasTimers && needed.every((id) => consented.has(id))) return null;
    return { collections: needed, scopes: [TIMERS_SCOPE] };
  };

  const done = (action: TimersDoneAction, timerId: string | null, error: string | null): void => {
    if (!disposed) deps.bus.emit('timers:done', { action, timerId, error });
  };

  /**
   * Runs Globus' consent flow (the sign-in service's `login`), then `then`. Answers with the
   * consent page as soon as the flow waits for the person; `then` finishes afterwards and
   * `timers:done` says how. A flow that needs no person (or a test's) answers with `then`'s result.
   */
  const afterConsent = <T extends TimerDetail | TimersSnapshot>(login: LoginOptions, action: TimersDoneAction, then: () => Promise<T>): Promise<T | TimersConsentPending> =>
    new Promise((resolve, reject) => {
      let answered = false;
      const off = deps.auth.onStatus((status) => {
        if (status.state !== 'signing-in' || answered) return;
        answered = true;
        off();
        resolve({ consentPending: true, loginUrl: status.loginUrl });
      });
      const finish = async (): Promise<void> => {
        off();
        if (!answered) {
          answered = true;
          await then().then(resolve, reject);
          return;
        }
        try {
          const result = await then();
          done(action, 'id' in result ? result.id : null, null);
        } catch (error) {
          done(action, null, error instanceof Error ? error.message : String(error));
        }
      };
      deps.auth.login(login).then(finish, (error: unknown) => {
        off();
        if (!answered) {
          answered = true;
          reject(error);
        } else {
          done(action, null, error instanceof Error ? error.message : String(error));
        }
      });
    });

  /** Runs `action`; when Timers answers that a consent is missing, runs that consent and then the action once more. */
  const withConsentRetry = async <T extends TimerDetail>(action: () => Promise<T>, doneAction: TimersDoneAction): Promise<T | TimersConsentPending> => {
    try {
      return await action();
    } catch (error) {
      if (!isConsentRequired(error)) throw error;
      return afterConsent({ collections: [...error.collectionIds], scopes: [TIMERS_SCOPE] }, doneAction, action);
    }
  };

  const requireSignedIn = (): void => {
    if (deps.auth.status().state !== 'signed-in') throw new AppError('unauthorized', 'SignedOut', 'Sign in to Globus (Account) to use timers.');
  };

  const checkStart = (startAt: number): number => {
    const now = clock.now();
    if (startAt < now - timerStartGraceMs) {
      throw new AppError('invalid', 'StartInPast', `The start (${iso(startAt)}) is in the past; choose a time from now on.`);
    }
    if (startAt > now + timerMaxStartAheadMs) {
      throw new AppError('invalid', 'StartTooLate', 'Globus starts a timer at most a year ahead; choose an earlier start.');
    }
    return Math.max(startAt, now);
  };

  const checkEnd = (end: TimerEnd, startAt: number): void => {
    if (end.kind === 'date' && end.at <= Math.max(startAt, clock.now())) {
      throw new AppError('invalid', 'EndInPast', `The end (${iso(end.at)}) is not after the start; choose a later end date.`);
    }
  };

  const offStatus = deps.auth.onStatus((status) => {
    if (status.state === 'signed-in' || status.state === 'signed-out' || status.state === 'expired') void refresh().catch(() => undefined);
  });
  schedulePoll();

  return {
    snapshot: () => latest,
    refresh,
    detail,
    runStats,
    handlers: {
      'timers:list': () => refresh(),
      'timers:get': async (id) => {
        requireSignedIn();
        return detail(id);
      },
      'timers:run-stats': async (id) => {
        requireSignedIn();
        return runStats(id);
      },
      'timers:create': async (draft) => {
        requireSignedIn();
        const startAt = checkStart(draft.startAt);
        checkEnd(draft.end, startAt);
        const document = buildTimerDocument({ ...draft, startAt });
        const create = async (): Promise<TimerDetail> => {
          const summary = toTimerSummary(await port.createTimer(document));
          if (!summary) throw new GlobusApiError({ code: 'InvalidResponse', status: 0, message: 'Globus Timers created the timer but did not say its id; reload the timers list.' });
          return changed(summary.id);
        };
        const login = await consentNeeded([draft.source, draft.destination]);
        return login ? afterConsent(login, 'create', create) : withConsentRetry(create, 'create');
      },
      'timers:update': async (id, patch) => {
        requireSignedIn();
        const current = await detail(id);
        const schedule = patch.intervalSeconds !== undefined || patch.end !== undefined;
        if (!schedule) {
          await port.renameJob(id, patch.name ?? current.name);
          return changed(id);
        }
        if (current.state === 'ended' || current.state === 'deleting') {
          throw new AppError('conflict', 'TimerEnded', `Timer ${current.name} has ended; create a new timer instead.`);
        }
        // Globus lets only the name change in place: a new schedule is a new timer with the same
        // transfer, starting at the old one's next run; then the old one is deleted.
        const now = clock.now();
        const startAt = current.nextRunAt !== null && current.nextRunAt > now ? current.nextRunAt : now;
        const remaining: TimerEnd | undefined =
          patch.end === undefined && current.end.kind === 'runs' ? { kind: 'runs', count: Math.max(1, current.end.count - current.runCount) } : undefined;
        const draft = draftFromDetail(
          current,
          {
            ...(patch.name !== undefined ? { name: patch.name } : {}),
            ...(patch.intervalSeconds !== undefined ? { intervalSeconds: patch.intervalSeconds } : {}),
            ...(patch.end !== undefined ? { end: patch.end } : remaining ? { end: remaining } : {}),
          },
          startAt,
        );
        if (draft.intervalSeconds === null && draft.end.kind !== 'never') {
          throw new AppError('invalid', 'InvalidInput', 'A timer that runs once has no end condition; set an interval to repeat it.');
        }
        checkEnd(draft.end, startAt);
        const replace = async (): Promise<TimerDetail> => {
          const created = toTimerSummary(await port.createTimer(buildTimerDocument(draft)));
          if (!created) throw new GlobusApiError({ code: 'InvalidResponse', status: 0, message: 'Globus Timers created the new timer but did not say its id; reload the timers list.' });
          if (current.state === 'paused') await port.pauseJob(created.id);
          await port.deleteJob(id);
          return changed(created.id);
        };
        return withConsentRetry(replace, 'update');
      },
      'timers:pause': async (id) => {
        requireSignedIn();
        await port.pauseJob(id);
        return changed(id);
      },
      'timers:resume': async (id) => {
        requireSignedIn();
        await port.resumeJob(id, { updateCredentials: false });
        return changed(id);
      },
      'timers:delete': async (id) => {
        requireSignedIn();
        await port.deleteJob(id);
        void refresh().catch(() => undefined);
        return { deleted: true } as const;
      },
      'timers:connect': async () => {
        requireSignedIn();
        return afterConsent({ scopes: [TIMERS_SCOPE] }, 'connect', refresh);
      },
      'timers:fix-consent': async (id) => {
        requireSignedIn();
        const current = await detail(id);
        if (current.state !== 'needs-consent') {
          throw new AppError('conflict', 'NoConsentNeeded', `Timer ${current.name} does not need a consent (it is ${current.state}).`);
        }
        // The consent Globus names (its data_access scopes), under the timer scope; then the timer
        // gets this sign-in's new credentials as it resumes.
        return afterConsent({ collections: [...(current.inactiveReason?.collectionIds ?? [])], scopes: [TIMERS_SCOPE] }, 'fix-consent', async () => {
          await port.resumeJob(id, { updateCredentials: true });
          return changed(id);
        });
      },
    },
    async dispose() {
      disposed = true;
      cancelPoll?.();
      offStatus();
    },
  };
}
