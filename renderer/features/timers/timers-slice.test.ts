import { describe, expect, it } from 'vitest';
import { createStore } from 'zustand/vanilla';
import type { TimerDetail, TimerDraft, TimerPatch, TimerRun, TimersSnapshot, TimerSummary } from '../../../shared/contract/timers';
import type { AppApi } from '../../../shared/ipc-contract';
import { sliceSetters } from '../../store/scoped-set';
import { createFakeApi } from '../../store/testing/fake-api';
import { createToastSlice } from '../../store/toast-slice';
import type { AppState } from '../../store/types';
import { createTimersSlice } from './timers-slice';
import { selectTimerForTask } from './timers-selectors';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const T1 = 'eeeeeeee-0000-4000-8000-000000000001';
const T2 = 'eeeeeeee-0000-4000-8000-000000000002';
const TASK = 'dddddddd-0000-4000-8000-000000000001';

function summary(id: string, over: Partial<TimerSummary> = {}): TimerSummary {
  return {
    id,
    name: `timer ${id.slice(-1)}`,
    source: SRC,
    destination: DST,
    items: [{ sourcePath: '/a/', destinationPath: '/b/', recursive: true }],
    intervalSeconds: 3600,
    startAt: 0,
    end: { kind: 'never' },
    state: 'scheduled',
    status: 'active',
    nextRunAt: 3_600_000,
    lastRunAt: null,
    runCount: 0,
    errorCount: 0,
    inactiveReason: null,
    submittedAt: 0,
    ...over,
  };
}

const detail = (id: string, over: Partial<TimerDetail> = {}): TimerDetail => ({ ...summary(id), options: {}, runs: [], ...over });
const snapshot = (timers: TimerSummary[]): TimersSnapshot => ({ access: 'ready', timers, error: null, at: 0 });

function setup(overrides: Partial<AppApi['timers']> = {}) {
  const calls: string[] = [];
  const opened: string[] = [];
  const fake = createFakeApi({
    timers: {
      list: async () => snapshot([summary(T1)]),
      get: async (id) => detail(id, { runs: [{ ranAt: 1, endedAt: 2, status: 'SUCCEEDED', taskId: TASK, error: null }] }),
      ...overrides,
    },
  });
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return {
      toasts: createToastSlice(scoped('toasts')),
      nav: { area: null, go: (area: string) => calls.push(`go:${area}`) },
      activity: { openDetail: async (taskId: string) => void opened.push(taskId) },
      timers: createTimersSlice(fake.api, scoped('timers'), get),
    } as unknown as AppState;
  });
  return { fake, s: () => store.getState(), t: () => store.getState().timers, calls, opened };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

describe('timers slice', () => {
  it('loads on attach and follows timers:changed', async () => {
    const x = setup();
    const off = x.t().attach?.();
    await until(() => x.t().snapshot !== null);
    expect(x.t().snapshot?.timers.map((t) => t.id)).toEqual([T1]);
    x.fake.emit('timers', 'onChanged', snapshot([summary(T1), summary(T2)]));
    expect(x.t().snapshot?.timers).toHaveLength(2);
    off?.();
    expect(x.fake.listenerCount('timers', 'onChanged')).toBe(0);
  });

  it('reads the selected timer\u2019s runs, so a task can be traced to its timer', async () => {
    const x = setup();
    await x.t().load();
    expect(selectTimerForTask(x.s(), TASK)).toBeNull();
    await x.t().select(T1);
    expect(x.t().detail?.runs[0]?.taskId).toBe(TASK);
    expect(selectTimerForTask(x.s(), TASK.toUpperCase())).toEqual({ id: T1, name: 'timer 1' });
    expect(selectTimerForTask(x.s(), 'ffffffff-0000-4000-8000-000000000000')).toBeNull();
  });

  it('creates: closes the form, selects the new timer and lists it; a refusal stays in the form', async () => {
    let refuse = true;
    const x = setup({
      create: async (draft: TimerDraft) => {
        if (refuse) throw new Error('The start is in the past; choose a time from now on.');
        return detail(T2, { name: draft.name });
      },
    });
    await x.t().load();
    x.t().startCreate({ name: 'prefilled' });
    expect(x.t().editor).toEqual({ mode: 'create', prefill: { name: 'prefilled' } });
    const draft = { name: 'n', source: SRC, destination: DST, items: [], startAt: 0, intervalSeconds: 3600, end: { kind: 'never' } } as TimerDraft;
    expect(await x.t().create(draft)).toBeNull();
    expect(x.t().saveError).toContain('choose a time from now on');
    expect(x.t().editor).not.toBeNull();
    refuse = false;
    await x.t().create(draft);
    expect(x.t().editor).toBeNull();
    expect(x.t().selectedId).toBe(T2);
    expect(x.t().snapshot?.timers.map((t) => t.id)).toEqual([T1, T2]);
  });

  it('waits for the consent Globus asks before a create, then closes the form on timers:done', async () => {
    const x = setup({ create: async () => ({ consentPending: true, loginUrl: 'https://auth.example/consent' }) });
    const off = x.t().attach?.();
    await until(() => x.t().snapshot !== null);
    x.t().startCreate();
    const draft = { name: 'n', source: SRC, destination: DST, items: [], startAt: 0, intervalSeconds: 3600, end: { kind: 'never' } } as TimerDraft;
    expect(await x.t().create(draft)).toBeNull();
    expect(x.t().waiting).toEqual({ action: 'create', timerId: null });
    expect(x.t().editor).not.toBeNull();
    x.fake.emit('timers', 'onDone', { action: 'create', timerId: T2, error: null });
    expect(x.t().waiting).toBeNull();
    expect(x.t().editor).toBeNull();
    await until(() => x.t().detail?.id === T2);
    x.t().startCreate();
    await x.t().create(draft);
    x.fake.emit('timers', 'onDone', { action: 'create', timerId: null, error: 'Globus Timers refused the timer' });
    expect(x.t().saveError).toBe('Globus Timers refused the timer');
    expect(x.t().editor).not.toBeNull();
    off?.();
  });

  it('follows a timer replaced by a new schedule to its new id', async () => {
    const x = setup({ update: async (_id: string, patch: TimerPatch) => detail(T2, { intervalSeconds: patch.intervalSeconds ?? null }) });
    await x.t().load();
    await x.t().select(T1);
    x.t().startEdit(T1);
    await x.t().update(T1, { intervalSeconds: 600 });
    expect(x.t().selectedId).toBe(T2);
    expect(x.t().detail?.intervalSeconds).toBe(600);
    expect(x.t().editor).toBeNull();
  });

  it('fixes a timer that needs consent and shows it resumed', async () => {
    const fixed: string[] = [];
    const x = setup({
      get: async (id) => detail(id, { state: 'needs-consent' }),
      fixConsent: async (id) => {
        fixed.push(id);
        return detail(id, { state: 'scheduled' });
      },
    });
    await x.t().load();
    await x.t().select(T1);
    expect(x.t().detail?.state).toBe('needs-consent');
    const done = x.t().fixConsent(T1);
    expect(x.t().busy[`fix:${T1}`]).toBe(true);
    await done;
    expect(fixed).toEqual([T1]);
    expect(x.t().detail?.state).toBe('scheduled');
    expect(x.t().snapshot?.timers[0]?.state).toBe('scheduled');
    expect(x.t().busy).toEqual({});
  });

  it('deletes, pauses and opens a run\u2019s task in Activity', async () => {
    const x = setup({ remove: async () => ({ deleted: true }), pause: async (id) => detail(id, { state: 'paused' }) });
    await x.t().load();
    await x.t().select(T1);
    await x.t().pause(T1);
    expect(x.t().detail?.state).toBe('paused');
    x.t().openRun(TASK);
    expect(x.calls).toEqual(['go:activity']);
    expect(x.opened).toEqual([TASK]);
    await x.t().remove(T1);
    expect(x.t().selectedId).toBeNull();
    expect(x.t().snapshot?.timers).toEqual([]);
  });

  it('reads what the selected timer\u2019s runs moved, again only when its runs change or some still move files', async () => {
    let runs: TimerRun[] = [{ ranAt: 1, endedAt: 2, status: 'SUCCEEDED', taskId: TASK, error: null }];
    let taskStatus = 'ACTIVE';
    const asked: string[] = [];
    const x = setup({
      get: async (id) => detail(id, { runs }),
      runStats: async (id) => {
        asked.push(id);
        return { timerId: id, runCount: runs.length, runs: runs.map((r) => ({ ranAt: r.ranAt, status: r.status, taskId: r.taskId, taskStatus, files: 1, bytes: 8 })) };
      },
    });
    const off = x.t().attach?.();
    await until(() => x.t().snapshot !== null);
    await x.t().select(T1);
    await until(() => x.t().runStats !== null);
    expect(x.t().runStats).toMatchObject({ timerId: T1, runs: [{ files: 1, bytes: 8, taskStatus: 'ACTIVE' }] });
    // Its task still moves files: the next list refresh reads again; once ended, only new runs do.
    taskStatus = 'SUCCEEDED';
    x.fake.emit('timers', 'onChanged', snapshot([summary(T1)]));
    await until(() => x.t().runStats?.runs[0]?.taskStatus === 'SUCCEEDED');
    expect(asked).toHaveLength(2);
    const before = x.t().detail;
    x.fake.emit('timers', 'onChanged', snapshot([summary(T1)]));
    // The detail read again (a new object) is where a read of the numbers would start, in the same turn.
    await until(() => x.t().detail !== before);
    expect(asked).toHaveLength(2);
    runs = [{ ranAt: 5, endedAt: 6, status: 'SUCCEEDED', taskId: 'dddddddd-0000-4000-8000-000000000005', error: null }, ...runs];
    x.fake.emit('timers', 'onChanged', snapshot([summary(T1)]));
    await until(() => x.t().runStats?.runs.length === 2);
    expect(asked).toEqual([T1, T1, T1]);
    // Another timer: its own numbers, never the last one's.
    await x.t().select(null);
    expect(x.t().runStats).toBeNull();
    off?.();
  });

  it('says why the numbers could not be read', async () => {
    const x = setup({ runStats: async () => Promise.reject(new Error('Globus Transfer is not answering; try again.')) });
    await x.t().load();
    await x.t().select(T1);
    await until(() => x.t().runStatsError !== null);
    expect(x.t().runStatsError).toBe('Globus Transfer is not answering; try again.');
    expect(x.t().runStats).toBeNull();
  });

  it('opens the form prefilled in the Timers area, and looks up whether Globus reaches a source once', async () => {
    let lookups = 0;
    const x = setup();
    x.t().createFrom({ name: 'from a sync' });
    expect(x.calls).toEqual(['go:timers']);
    expect(x.t().editor).toEqual({ mode: 'create', prefill: { name: 'from a sync' } });
    const z = (() => {
      const fake = createFakeApi({
        collections: {
          get: async (id: string) => {
            lookups += 1;
            return { id, display_name: 'laptop', entity_type: 'GCP_mapped_collection' };
          },
        },
      });
      const store = createStore<AppState>()((set, get) => ({ timers: createTimersSlice(fake.api, sliceSetters(set)('timers'), get) }) as unknown as AppState);
      return () => store.getState().timers;
    })();
    await z().lookUpCollection(SRC);
    await z().lookUpCollection(SRC.toUpperCase());
    expect(z().reach[SRC]).toBe('this-machine');
    expect(z().names[SRC]).toBe('laptop');
    expect(lookups).toBe(1);
  });
});
