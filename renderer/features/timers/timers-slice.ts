import {
  isConsentPending,
  type TimerDetail,
  type TimerDraft,
  type TimerPatch,
  type TimerRun,
  type TimerRunStats,
  type TimersConsentPending,
  type TimersDone,
  type TimersDoneAction,
  type TimersSnapshot,
} from '../../../shared/contract/timers';
import type { AppApi } from '../../../shared/ipc-contract';
import { createBusyRunner } from '../../store/busy';
import { applyOpenTarget } from '../../store/open-target';
import type { AppState, Attachable, SliceSet } from '../../store/types';
import type { TimerForm } from './timer-form';
import { sourceReachOf, type SourceReach } from './timers-selectors';

/** The create/edit form: a new timer (maybe prefilled, e.g. from a sync job) or one timer's changes. */
export type TimerEditor = { readonly mode: 'create'; readonly prefill: Partial<TimerForm> | null } | { readonly mode: 'edit'; readonly timerId: string };

export type TimerAction = 'connect' | `pause:${string}` | `resume:${string}` | `delete:${string}` | `fix:${string}`;

export interface TimersSlice extends Attachable {
  readonly snapshot: TimersSnapshot | null;
  readonly loadError: string | null;
  readonly selectedId: string | null;
  /** The selected timer with its runs, once read. */
  readonly detail: TimerDetail | null;
  readonly detailError: string | null;
  /** Files and bytes per run of the selected timer, once read. */
  readonly runStats: TimerRunStats | null;
  /** Why they could not be read. */
  readonly runStatsError: string | null;
  /** Runs of every timer whose detail was read: which Transfer task came from which timer. */
  readonly runsByTimer: Readonly<Record<string, readonly TimerRun[]>>;
  readonly editor: TimerEditor | null;
  readonly saving: boolean;
  /** Why the last create or edit was refused (also toasted), shown in the form. */
  readonly saveError: string | null;
  readonly busy: Readonly<Record<string, true>>;
  /** Whether Globus reaches a collection without this machine, by collection id (for "Run on Globus instead"). */
  readonly reach: Readonly<Record<string, SourceReach>>;
  /** Display names of collections timers use, by collection id (lower case). */
  readonly names: Readonly<Record<string, string>>;
  /** A verb waiting for the person's consent at Globus (the consent page is open). */
  readonly waiting: { readonly action: TimersDoneAction; readonly timerId: string | null } | null;

  load(): Promise<void>;
  received(snapshot: TimersSnapshot): void;
  /** A verb that waited for a consent finished (`timers:done`). */
  finished(done: TimersDone): void;
  select(timerId: string | null): Promise<void>;
  /** Reads what each of the selected timer's runs moved (again when its runs changed or some still move files). */
  loadRunStats(timerId: string): Promise<void>;
  startCreate(prefill?: Partial<TimerForm>): void;
  startEdit(timerId: string): void;
  closeEditor(): void;
  create(draft: TimerDraft): Promise<TimerDetail | null>;
  update(timerId: string, patch: TimerPatch): Promise<TimerDetail | null>;
  pause(timerId: string): Promise<void>;
  resume(timerId: string): Promise<void>;
  remove(timerId: string): Promise<void>;
  /** Grants the Timers consent (the Globus page opens). */
  connect(): Promise<void>;
  /** Runs the consent the timer's reason names, then resumes it with new credentials. */
  fixConsent(timerId: string): Promise<void>;
  /** Shows the task a run started in Activity. */
  openRun(taskId: string): void;
  /** Looks up a collection once: its name, and whether Globus reaches it without this machine. */
  lookUpCollection(collectionId: string): Promise<void>;
  /** Opens the Timers area with the create form prefilled (e.g. from a sync job). */
  createFrom(prefill: Partial<TimerForm>): void;
}

export function createTimersSlice(api: AppApi, set: SliceSet<'timers'>, get: () => AppState): TimersSlice {
  const slice = () => get().timers;
  const withBusy = createBusyRunner<TimerAction>((change) => set((s) => ({ busy: change(s.busy) })));

  /** The runs the last `runStats` read was for, and whether it had numbers still to come. */
  let statsFor: { readonly timerId: string; readonly key: string; readonly settled: boolean } | null = null;
  /** The read under way (a newer one replaces it; the same one is not started twice). */
  let statsReading: { readonly timerId: string; readonly key: string } | null = null;
  let statsRead = 0;

  const remember = (detail: TimerDetail): void => {
    const selected = slice().selectedId === detail.id;
    set((s) => ({
      detail: s.selectedId === detail.id ? detail : s.detail,
      runsByTimer: { ...s.runsByTimer, [detail.id]: detail.runs },
      snapshot: s.snapshot ? { ...s.snapshot, timers: s.snapshot.timers.map((t) => (t.id === detail.id ? stripDetail(detail) : t)) } : s.snapshot,
    }));
    const key = runsKey(detail);
    const known = statsFor?.timerId === detail.id && statsFor.key === key && statsFor.settled;
    const reading = statsReading?.timerId === detail.id && statsReading.key === key;
    if (selected && !known && !reading) void slice().loadRunStats(detail.id);
  };

  const readDetail = async (timerId: string): Promise<void> => {
    try {
      const detail = await api.timers.get(timerId);
      if (slice().selectedId !== timerId) return;
      set({ detailError: null });
      remember(detail);
    } catch (error) {
      if (slice().selectedId === timerId) set({ detailError: error instanceof Error ? error.message : String(error) });
    }
  };

  /** The consent page: a browser host opens it here (Electron's main opened the system browser). */
  const openConsentPage = (pending: TimersConsentPending, action: TimersDoneAction, timerId: string | null): void => {
    set({ waiting: { action, timerId } });
    if (pending.loginUrl && get().app?.info?.capabilities.opensSignInPage === 'page') globalThis.open?.(pending.loginUrl, '_blank', 'noopener');
  };

  const afterChange = (detail: TimerDetail | TimersConsentPending | null, replaced?: string, action?: TimersDoneAction): void => {
    if (!detail) return;
    if (isConsentPending(detail)) {
      if (action) openConsentPage(detail, action, replaced ?? null);
      return;
    }
    if (replaced !== undefined && replaced !== detail.id) {
      set((s) => ({ selectedId: s.selectedId === replaced ? detail.id : s.selectedId }));
    }
    remember(detail);
  };

  return {
    snapshot: null,
    loadError: null,
    selectedId: null,
    detail: null,
    detailError: null,
    runStats: null,
    runStatsError: null,
    runsByTimer: {},
    editor: null,
    saving: false,
    saveError: null,
    busy: {},
    reach: {},
    names: {},
    waiting: null,

    attach() {
      void slice().load();
      const offs = [api.timers.onChanged((snapshot) => slice().received(snapshot)), api.timers.onDone((d) => slice().finished(d))];
      return () => offs.forEach((off) => off());
    },
    async load() {
      try {
        const snapshot = await api.timers.list();
        set({ loadError: null });
        slice().received(snapshot);
      } catch (error) {
        set({ loadError: error instanceof Error ? error.message : String(error) });
      }
    },
    received(snapshot) {
      set({ snapshot, loadError: null });
      // The selected timer's runs move with the list: read them again.
      const selected = slice().selectedId;
      if (selected && snapshot.timers.some((t) => t.id === selected)) void readDetail(selected);
    },
    finished(d) {
      set({ waiting: null });
      if (d.error !== null) {
        if (d.action === 'create' || d.action === 'update') set({ saveError: d.error });
        else get().toasts?.push('error', d.error);
        return;
      }
      if (d.action === 'create' || d.action === 'update') set({ editor: null, saveError: null });
      if (d.action === 'connect') void slice().load();
      if (d.timerId !== null && d.action !== 'connect') void slice().select(d.timerId);
    },
    async select(timerId) {
      statsFor = null;
      statsReading = null;
      statsRead += 1;
      set({ selectedId: timerId, detail: null, detailError: null, runStats: null, runStatsError: null });
      if (timerId) await readDetail(timerId);
    },
    async loadRunStats(timerId) {
      const detail = slice().detail;
      const key = detail?.id === timerId ? runsKey(detail) : '';
      const read = (statsRead += 1);
      statsReading = { timerId, key };
      try {
        const stats = await api.timers.runStats(timerId);
        if (read !== statsRead || slice().selectedId !== timerId) return;
        statsFor = { timerId, key, settled: statsSettled(stats) };
        set({ runStats: stats, runStatsError: null });
      } catch (error) {
        if (read !== statsRead || slice().selectedId !== timerId) return;
        statsFor = null;
        set({ runStatsError: error instanceof Error ? error.message : String(error) });
      } finally {
        if (read === statsRead) statsReading = null;
      }
    },
    startCreate(prefill) {
      set({ editor: { mode: 'create', prefill: prefill ?? null }, saveError: null });
    },
    startEdit(timerId) {
      set({ editor: { mode: 'edit', timerId }, saveError: null });
    },
    closeEditor() {
      set({ editor: null, saveError: null });
    },
    async create(draft) {
      set({ saving: true, saveError: null });
      try {
        const detail = await api.timers.create(draft);
        if (isConsentPending(detail)) {
          openConsentPage(detail, 'create', null);
          return null;
        }
        set({ editor: null, selectedId: detail.id });
        remember(detail);
        set((s) => ({ snapshot: s.snapshot && !s.snapshot.timers.some((t) => t.id === detail.id) ? { ...s.snapshot, timers: [...s.snapshot.timers, stripDetail(detail)] } : s.snapshot }));
        return detail;
      } catch (error) {
        set({ saveError: error instanceof Error ? error.message : String(error) });
        return null;
      } finally {
        set({ saving: false });
      }
    },
    async update(timerId, patch) {
      set({ saving: true, saveError: null });
      try {
        const detail = await api.timers.update(timerId, patch);
        if (isConsentPending(detail)) {
          openConsentPage(detail, 'update', timerId);
          return null;
        }
        set({ editor: null });
        afterChange(detail, timerId);
        return detail;
      } catch (error) {
        set({ saveError: error instanceof Error ? error.message : String(error) });
        return null;
      } finally {
        set({ saving: false });
      }
    },
    async pause(timerId) {
      afterChange(await withBusy(`pause:${timerId}`, () => api.timers.pause(timerId)));
    },
    async resume(timerId) {
      afterChange(await withBusy(`resume:${timerId}`, () => api.timers.resume(timerId)));
    },
    async remove(timerId) {
      const done = await withBusy(`delete:${timerId}`, () => api.timers.remove(timerId));
      if (!done) return;
      set((s) => ({
        selectedId: s.selectedId === timerId ? null : s.selectedId,
        detail: s.detail?.id === timerId ? null : s.detail,
        snapshot: s.snapshot ? { ...s.snapshot, timers: s.snapshot.timers.filter((t) => t.id !== timerId) } : s.snapshot,
      }));
    },
    async connect() {
      const snapshot = await withBusy('connect', () => api.timers.connect());
      if (snapshot && isConsentPending(snapshot)) openConsentPage(snapshot, 'connect', null);
      else if (snapshot) slice().received(snapshot);
    },
    async fixConsent(timerId) {
      afterChange(await withBusy(`fix:${timerId}`, () => api.timers.fixConsent(timerId)), timerId, 'fix-consent');
    },
    openRun(taskId) {
      applyOpenTarget(get(), { kind: 'task', taskId });
    },
    async lookUpCollection(collectionId) {
      const id = collectionId.toLowerCase();
      if (!id || slice().reach[id] !== undefined) return;
      set((s) => ({ reach: { ...s.reach, [id]: 'unknown' } }));
      try {
        const collection = await api.collections.get(collectionId);
        const name = collection.display_name;
        set((s) => ({ reach: { ...s.reach, [id]: sourceReachOf(collection) }, names: name ? { ...s.names, [id]: name } : s.names }));
      } catch {
        // Unknown: the entry is offered with a word of caution.
      }
    },
    createFrom(prefill) {
      slice().startCreate(prefill);
      get().nav.go('timers');
    },
  };
}

/** What a timer's runs are: a change means new numbers to read. */
function runsKey(detail: TimerDetail): string {
  return detail.runs.map((r) => `${r.ranAt}|${r.status}|${r.taskId ?? ''}`).join(',');
}

/** Whether every run's numbers are final: no task still moving files, none not yet readable. */
function statsSettled(stats: TimerRunStats): boolean {
  return stats.runs.every((r) => (r.taskId === null || r.files !== null) && r.taskStatus !== 'ACTIVE' && r.taskStatus !== 'INACTIVE');
}

function stripDetail(detail: TimerDetail) {
  const { runs: _runs, options: _options, ...summary } = detail;
  return summary;
}
