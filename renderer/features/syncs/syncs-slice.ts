import {
  syncFinishedStatuses,
  type SyncJob,
  type SyncJobDraft,
  type SyncJobSummary,
  type SyncPreview,
  type SyncProgress,
  type SyncRun,
  type SyncRunFilesPage,
  type SyncRunLog,
  type SyncRunLogExport,
  syncRunFilesCsv,
  syncRunFilesPageMax,
} from '../../../shared/contract/syncs';
import type { AppApi } from '../../../shared/ipc-contract';
import { createBusyRunner } from '../../store/busy';
import type { AppState, Attachable, SliceSet } from '../../store/types';

/** Runs fetched for the selected job's history. */
export const runHistoryLimit = 50;

/** Files shown per page in a run's detail. */
export const runFilesPageSize = 100;

/** A CSV download of the files a run sent. */
export interface SyncRunFilesExport {
  readonly fileName: string;
  readonly text: string;
}

export type SyncsEditor = { readonly mode: 'create' } | { readonly mode: 'edit'; readonly jobId: string };

export interface SyncsSlice extends Attachable {
  readonly ready: boolean;
  readonly loadError: string | null;
  readonly jobs: readonly SyncJobSummary[];
  /** The job whose progress, preview, history and logs are shown. */
  readonly selectedJobId: string | null;
  /** The selected job's runs, newest first. */
  readonly runs: readonly SyncRun[];
  readonly runsLoading: boolean;
  /** The run whose log is open, and its lines. */
  readonly openRunId: string | null;
  readonly log: SyncRunLog | null;
  /** The open run's files: the page shown (of those matching `filesSearch`). */
  readonly files: SyncRunFilesPage | null;
  readonly filesSearch: string;
  readonly filesLoading: boolean;
  /** The latest progress of a scan or submission, by job id (gone when the run moves past it). */
  readonly progress: Readonly<Record<string, SyncProgress>>;
  readonly preview: SyncPreview | null;
  /** The job being previewed right now. */
  readonly previewing: string | null;
  readonly editor: SyncsEditor | null;
  readonly saving: boolean;
  /** Actions under way (`run:<job>`, `pause:<job>`, `cancel:<run>`, …), so their buttons can show it. */
  readonly busy: Readonly<Record<string, true>>;

  load(): Promise<void>;
  received(jobs: readonly SyncJobSummary[]): void;
  receivedRun(run: SyncRun): void;
  receivedProgress(progress: SyncProgress): void;
  selectJob(jobId: string | null): void;
  openRun(runId: string | null): Promise<void>;
  startCreate(): void;
  startEdit(jobId: string): void;
  closeEditor(): void;
  /** Creates or updates (per the editor); closes the editor and selects the job on success. */
  save(draft: SyncJobDraft): Promise<SyncJob | null>;
  remove(jobId: string): Promise<boolean>;
  previewJob(jobId: string): Promise<SyncPreview | null>;
  runNow(jobId: string): Promise<SyncRun | null>;
  cancelRun(runId: string): Promise<void>;
  pause(jobId: string): Promise<void>;
  resume(jobId: string): Promise<void>;
  exportLog(runId: string): Promise<SyncRunLogExport | null>;
  /** Shows the page of the open run's files at `offset` among those whose path contains `search`. */
  loadFiles(runId: string, search: string, offset: number): Promise<void>;
  /** Every file of the run matching the current search, as CSV (fetched page by page). */
  exportFiles(runId: string): Promise<SyncRunFilesExport | null>;
}

export function isFinished(run: SyncRun): boolean {
  return syncFinishedStatuses.includes(run.status);
}

function upsertRun(runs: readonly SyncRun[], run: SyncRun): readonly SyncRun[] {
  const at = runs.findIndex((r) => r.id === run.id);
  if (at >= 0) return runs.map((r, i) => (i === at ? run : r));
  return [run, ...runs].slice(0, runHistoryLimit);
}

function patchJob(jobs: readonly SyncJobSummary[], job: SyncJob): readonly SyncJobSummary[] {
  return jobs.map((s) => (s.job.id === job.id ? { ...s, job } : s));
}

export function createSyncsSlice(api: AppApi, set: SliceSet<'syncs'>, get: () => AppState): SyncsSlice {
  const slice = () => get().syncs;
  /** Bumped when the selection changes: answers for an older selection are dropped. */
  let generation = 0;

  const withBusy = createBusyRunner((change) => set((s) => ({ busy: change(s.busy) })));

  const loadRuns = async (jobId: string): Promise<void> => {
    const mine = ++generation;
    set({ runsLoading: true });
    try {
      const runs = await api.syncs.listRuns(jobId, runHistoryLimit);
      if (mine === generation) set({ runs });
    } catch {
      // the toast said why; the history keeps what it has
    } finally {
      if (mine === generation) set({ runsLoading: false });
    }
  };

  const loadLog = async (runId: string): Promise<void> => {
    try {
      const log = await api.syncs.runLog(runId);
      if (slice().openRunId === runId) set({ log });
    } catch {
      // the toast said why
    }
  };

  /** Bumped per files request: an answer for an older one (run, search or page) is dropped. */
  let filesGeneration = 0;
  const fetchFiles = async (runId: string, search: string, offset: number): Promise<void> => {
    const mine = ++filesGeneration;
    set({ filesLoading: true });
    try {
      const files = await api.syncs.runFiles(runId, { offset, limit: runFilesPageSize, search: search.trim() || null });
      if (mine === filesGeneration && slice().openRunId === runId) set({ files });
    } catch {
      // the toast said why
    } finally {
      if (mine === filesGeneration) set({ filesLoading: false });
    }
  };

  const dropProgress = (jobId: string): void => {
    if (!(jobId in slice().progress)) return;
    set((s) => {
      const progress = { ...s.progress };
      delete progress[jobId];
      return { progress };
    });
  };

  return {
    ready: false,
    loadError: null,
    jobs: [],
    selectedJobId: null,
    runs: [],
    runsLoading: false,
    openRunId: null,
    log: null,
    files: null,
    filesSearch: '',
    filesLoading: false,
    progress: {},
    preview: null,
    previewing: null,
    editor: null,
    saving: false,
    busy: {},

    attach() {
      void slice().load();
      const offs = [
        api.syncs.onChanged((jobs) => slice().received(jobs)),
        api.syncs.onRun((run) => slice().receivedRun(run)),
        api.syncs.onProgress((p) => slice().receivedProgress(p)),
      ];
      return () => offs.forEach((off) => off());
    },
    async load() {
      try {
        const jobs = await api.syncs.list();
        slice().received(jobs);
        set({ loadError: null });
      } catch (error) {
        set({ loadError: error instanceof Error ? error.message : String(error), ready: true });
      }
    },
    received(jobs) {
      const selected = slice().selectedJobId;
      const stillThere = selected !== null && jobs.some((s) => s.job.id === selected);
      set({ jobs, ready: true, ...(selected !== null && !stillThere ? { selectedJobId: null, runs: [], openRunId: null, log: null, files: null, preview: null } : {}) });
    },
    receivedRun(run) {
      if (run.status !== 'scanning' && run.status !== 'submitting') dropProgress(run.jobId);
      const s = slice();
      if (run.jobId === s.selectedJobId) set({ runs: upsertRun(s.runs, run) });
      // what a preview said would go has gone (or part of it): it no longer describes the folder
      if (s.preview?.jobId === run.jobId && (run.status === 'succeeded' || run.status === 'partial')) set({ preview: null });
      if (s.openRunId === run.id) {
        void loadLog(run.id);
        void fetchFiles(run.id, s.filesSearch, s.files?.offset ?? 0);
      }
    },
    receivedProgress(progress) {
      // a preview's progress counts only while that preview is under way
      if (progress.runId === null && slice().previewing !== progress.jobId) return;
      set((s) => ({ progress: { ...s.progress, [progress.jobId]: progress } }));
    },
    selectJob(jobId) {
      const s = slice();
      if (jobId === s.selectedJobId) return;
      set({ selectedJobId: jobId, runs: [], openRunId: null, log: null, files: null, preview: s.preview?.jobId === jobId ? s.preview : null });
      if (jobId !== null) void loadRuns(jobId);
      else generation++;
    },
    async openRun(runId) {
      filesGeneration++;
      set({ openRunId: runId, log: null, files: null, filesSearch: '', filesLoading: false });
      if (runId !== null) await Promise.all([loadLog(runId), fetchFiles(runId, '', 0)]);
    },
    async loadFiles(runId, search, offset) {
      set({ filesSearch: search });
      await fetchFiles(runId, search, offset);
    },
    async exportFiles(runId) {
      const search = slice().filesSearch.trim() || null;
      return withBusy(`export-files:${runId}`, async () => {
        const parts: string[] = [syncRunFilesCsv([], true)];
        for (let offset = 0; ; offset += syncRunFilesPageMax) {
          const page = await api.syncs.runFiles(runId, { offset, limit: syncRunFilesPageMax, search });
          parts.push(syncRunFilesCsv(page.files, false));
          if (page.files.length < syncRunFilesPageMax || offset + page.files.length >= page.total) break;
        }
        const run = slice().runs.find((r) => r.id === runId);
        const name = (run?.jobName ?? 'sync').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'sync';
        return { fileName: `${name}-${run?.label ?? runId}-files.csv`, text: parts.join('') };
      });
    },
    startCreate() {
      set({ editor: { mode: 'create' } });
    },
    startEdit(jobId) {
      set({ editor: { mode: 'edit', jobId } });
    },
    closeEditor() {
      set({ editor: null });
    },
    async save(draft) {
      const editor = slice().editor;
      if (!editor) return null;
      set({ saving: true });
      try {
        const job = editor.mode === 'create' ? await api.syncs.create(draft) : await api.syncs.update(editor.jobId, draft);
        set((s) => ({
          editor: null,
          jobs: s.jobs.some((j) => j.job.id === job.id)
            ? patchJob(s.jobs, job)
            : [...s.jobs, { job, running: false, nextRunAt: null, lastRun: null, recentChangedFiles: [] }],
          // settings changed: an older preview no longer says what a run would send
          preview: s.preview?.jobId === job.id ? null : s.preview,
        }));
        slice().selectJob(job.id);
        return job;
      } catch {
        return null;
      } finally {
        set({ saving: false });
      }
    },
    async remove(jobId) {
      const result = await withBusy(`delete:${jobId}`, () => api.syncs.remove(jobId));
      if (!result) return false;
      const s = slice();
      set({
        jobs: s.jobs.filter((j) => j.job.id !== jobId),
        ...(s.selectedJobId === jobId ? { selectedJobId: null, runs: [], openRunId: null, log: null, files: null } : {}),
        ...(s.preview?.jobId === jobId ? { preview: null } : {}),
        ...(s.editor?.mode === 'edit' && s.editor.jobId === jobId ? { editor: null } : {}),
      });
      return true;
    },
    async previewJob(jobId) {
      slice().selectJob(jobId);
      set({ previewing: jobId, preview: null });
      try {
        const preview = await api.syncs.preview(jobId);
        if (slice().selectedJobId === jobId) set({ preview });
        return preview;
      } catch {
        return null;
      } finally {
        set({ previewing: null });
        const p = slice().progress[jobId];
        if (p && p.runId === null) dropProgress(jobId);
      }
    },
    async runNow(jobId) {
      slice().selectJob(jobId);
      const run = await withBusy(`run:${jobId}`, () => api.syncs.runNow(jobId));
      if (run && slice().selectedJobId === jobId) set((s) => ({ runs: upsertRun(s.runs, run) }));
      return run;
    },
    async cancelRun(runId) {
      const run = await withBusy(`cancel:${runId}`, () => api.syncs.cancelRun(runId));
      if (run) slice().receivedRun(run);
    },
    async pause(jobId) {
      const job = await withBusy(`pause:${jobId}`, () => api.syncs.pause(jobId));
      if (job) set((s) => ({ jobs: patchJob(s.jobs, job) }));
    },
    async resume(jobId) {
      const job = await withBusy(`pause:${jobId}`, () => api.syncs.resume(jobId));
      if (job) set((s) => ({ jobs: patchJob(s.jobs, job) }));
    },
    async exportLog(runId) {
      return withBusy(`export:${runId}`, () => api.syncs.exportRunLog(runId));
    },
  };
}

export const syncsSelectors = {
  ready: (s: AppState) => s.syncs.ready,
  loadError: (s: AppState) => s.syncs.loadError,
  jobs: (s: AppState) => s.syncs.jobs,
  selectedJobId: (s: AppState) => s.syncs.selectedJobId,
  selected: (s: AppState): SyncJobSummary | null => s.syncs.jobs.find((j) => j.job.id === s.syncs.selectedJobId) ?? null,
  runs: (s: AppState) => s.syncs.runs,
  runsLoading: (s: AppState) => s.syncs.runsLoading,
  openRunId: (s: AppState) => s.syncs.openRunId,
  log: (s: AppState) => s.syncs.log,
  files: (s: AppState) => s.syncs.files,
  filesSearch: (s: AppState) => s.syncs.filesSearch,
  filesLoading: (s: AppState) => s.syncs.filesLoading,
  progress: (s: AppState) => s.syncs.progress,
  preview: (s: AppState) => s.syncs.preview,
  previewing: (s: AppState) => s.syncs.previewing,
  editor: (s: AppState) => s.syncs.editor,
  saving: (s: AppState) => s.syncs.saving,
  busy: (s: AppState) => s.syncs.busy,
  actions: (s: AppState) => s.syncs,
};
