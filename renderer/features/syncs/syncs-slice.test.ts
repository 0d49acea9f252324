import { describe, expect, it } from 'vitest';
import { sliceSetters } from '../../store/scoped-set';
import { createStore } from 'zustand/vanilla';
import type { SyncJob, SyncJobDraft, SyncJobSummary, SyncPreview, SyncRun, SyncRunFile, SyncRunStatus } from '../../../shared/contract/syncs';
import { createFakeApi } from '../../store/testing/fake-api';
import type { AppState } from '../../store/types';
import { checkSyncForm, describeSchedule, emptySyncForm, formFromJob } from './sync-form';
import { createSyncsSlice, runFilesPageSize, syncsSelectors } from './syncs-slice';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const JOB = '11111111-0000-4000-8000-000000000001';
const JOB2 = '22222222-0000-4000-8000-000000000002';

function job(id = JOB, partial: Partial<SyncJob> = {}): SyncJob {
  return {
    id,
    name: id === JOB ? 'detector' : 'other',
    source: { collectionId: SRC, localPath: '/data/detector', collectionPath: '/detector' },
    destination: { collectionId: DST, path: '/backup' },
    schedule: { kind: 'interval', minutes: 15 },
    syncLevel: null,
    include: [],
    exclude: ['*.tmp'],
    symlinks: 'skip',
    createEmptyDirs: true,
    enabled: true,
    maxItemsPerTransfer: 25_000,
    preserveTimestamp: true,
    verifyChecksum: false,
    notify: false,
    paused: false,
    createdAt: '2024-05-01T10:00:00.000Z',
    updatedAt: '2024-05-01T10:00:00.000Z',
    ...partial,
  };
}

function summary(j: SyncJob, partial: Partial<SyncJobSummary> = {}): SyncJobSummary {
  return { job: j, running: false, nextRunAt: '2024-05-01T10:15:00.000Z', lastRun: null, recentChangedFiles: [], ...partial };
}

function run(id: string, status: SyncRunStatus, jobId = JOB): SyncRun {
  return {
    id,
    jobId,
    jobName: 'detector',
    status,
    trigger: 'manual',
    label: status === 'scanning' ? null : 'AUTO_2024-05-01_101500',
    startedAt: '2024-05-01T10:15:00.000Z',
    endedAt: null,
    message: '',
    stats: {
      filesScanned: 6,
      dirsScanned: 2,
      bytesScanned: 40,
      changedFiles: 6,
      changedBytes: 40,
      emptyDirs: 0,
      removedEntries: 0,
      symlinksSkipped: 0,
      symlinkLoops: [],
      warnings: 0,
      sample: [],
      phases: { scanMs: 3, mkdirMs: 0, submitMs: 5, transferMs: 0, commitMs: 0 },
    },
    tasks: [],
  };
}

const preview: SyncPreview = {
  jobId: JOB,
  filesScanned: 6,
  dirsScanned: 2,
  changedFiles: 6,
  changedBytes: 40,
  emptyDirs: 0,
  symlinksSkipped: 0,
  symlinkLoops: [],
  warnings: [],
  warningCount: 0,
  sample: [{ path: 'a.tif', size: 7, mtime: '2024-05-01T10:00:00.000Z' }],
  scanMs: 4,
};

function setup() {
  let jobs: SyncJobSummary[] = [summary(job())];
  const runs = new Map<string, SyncRun[]>([[JOB, [run('r-old', 'succeeded')]]]);
  const created: SyncJobDraft[] = [];
  const calls: string[] = [];
  let releasePreview: (() => void) | null = null;
  const held: (() => void)[] = [];
  const sentFiles: SyncRunFile[] = Array.from({ length: 12_000 }, (_, i) => ({
    path: `run_${i % 3}/img_${String(i).padStart(5, '0')}.tif`,
    size: i,
    mtime: '2024-05-01T10:00:00.000Z',
    taskId: `task-${Math.floor(i / 5000)}`,
  }));
  const fake = createFakeApi({
    syncs: {
      list: async () => jobs,
      listRuns: async (jobId) => runs.get(jobId) ?? [],
      runLog: async (runId) => ({ runId, lines: [`log of ${runId}`] }),
      runNow: async (jobId) => {
        calls.push(`run:${jobId}`);
        return run('r-new', 'scanning', jobId);
      },
      preview: async () => {
        await new Promise<void>((r) => (releasePreview = r));
        return preview;
      },
      create: async (draft) => {
        created.push(draft);
        return job(JOB2, { name: draft.name });
      },
      pause: async (jobId) => job(jobId, { paused: true }),
      remove: async () => ({ deleted: true }),
      exportRunLog: async (runId) => ({ fileName: `detector-${runId}.log`, text: 'x\n' }),
      runFiles: async (runId, query) => {
        calls.push(`files:${query.offset}:${query.limit}:${query.search}`);
        // a search for "slow" answers only when the test lets it
        if (query.search === 'slow') await new Promise<void>((r) => held.push(r));
        const matching = query.search ? sentFiles.filter((f) => f.path.includes(query.search as string)) : sentFiles;
        return { runId, sent: sentFiles.length, total: matching.length, offset: query.offset, files: matching.slice(query.offset, query.offset + query.limit) };
      },
    },
  });
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    return { syncs: createSyncsSlice(fake.api, scoped('syncs'), get) } as unknown as AppState;
  });
  const sy = () => store.getState().syncs;
  return {
    fake,
    sy,
    s: () => store.getState(),
    created,
    calls,
    setJobs: (next: SyncJobSummary[]) => (jobs = next),
    releasePreview: () => releasePreview?.(),
    releaseHeld: () => held.splice(0).forEach((r) => r()),
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 0));
  expect(check()).toBe(true);
};

describe('syncs slice', () => {
  it('loads the jobs on attach and follows syncs:changed', async () => {
    const { sy, s, fake } = setup();
    expect(syncsSelectors.ready(s())).toBe(false);
    const off = sy().attach?.();
    await until(() => sy().ready);
    expect(syncsSelectors.jobs(s()).map((j) => j.job.name)).toEqual(['detector']);
    fake.emit('syncs', 'onChanged', [summary(job()), summary(job(JOB2))]);
    expect(sy().jobs).toHaveLength(2);
    off?.();
    expect(fake.listenerCount('syncs', 'onChanged')).toBe(0);
    expect(fake.listenerCount('syncs', 'onRun')).toBe(0);
    expect(fake.listenerCount('syncs', 'onProgress')).toBe(0);
  });

  it('run now selects the job, shows the run in the history, follows progress and drops it when the scan is over', async () => {
    const { sy, s, fake, calls } = setup();
    sy().attach?.();
    await until(() => sy().ready);
    const started = await sy().runNow(JOB);
    expect(started?.status).toBe('scanning');
    expect(calls).toEqual([`run:${JOB}`]);
    expect(syncsSelectors.selected(s())?.job.id).toBe(JOB);
    await until(() => sy().runs.length === 2);
    expect(sy().runs.map((r) => r.id)).toEqual(['r-new', 'r-old']);

    fake.emit('syncs', 'onProgress', { jobId: JOB, runId: 'r-new', phase: 'scan', filesScanned: 3, dirsScanned: 1, changedFiles: 3, changedBytes: 20 });
    expect(syncsSelectors.progress(s())[JOB]?.filesScanned).toBe(3);
    fake.emit('syncs', 'onRun', run('r-new', 'transferring'));
    expect(sy().progress[JOB]).toBeUndefined();
    expect(sy().runs[0]?.status).toBe('transferring');
    expect(sy().runs).toHaveLength(2);
    // a run of another job does not land in this history
    fake.emit('syncs', 'onRun', run('r-x', 'succeeded', JOB2));
    expect(sy().runs).toHaveLength(2);
  });

  it('opens a run log, refreshes it when the run changes, and exports it', async () => {
    const { sy, fake } = setup();
    sy().attach?.();
    await until(() => sy().ready);
    sy().selectJob(JOB);
    await until(() => sy().runs.length === 1);
    await sy().openRun('r-old');
    expect(sy().log).toEqual({ runId: 'r-old', lines: ['log of r-old'] });
    fake.emit('syncs', 'onRun', run('r-old', 'succeeded'));
    await until(() => sy().log !== null);
    expect(await sy().exportLog('r-old')).toEqual({ fileName: 'detector-r-old.log', text: 'x\n' });
    await sy().openRun(null);
    expect(sy().log).toBeNull();
  });

  it('opens a run with the files it sent: a page at a time, searched (an older answer is dropped), exported as CSV page by page', async () => {
    const { sy, calls, releaseHeld } = setup();
    sy().attach?.();
    await until(() => sy().ready);
    sy().selectJob(JOB);
    await until(() => sy().runs.length === 1);
    await sy().openRun('r-old');
    expect(sy().files).toMatchObject({ runId: 'r-old', sent: 12_000, total: 12_000, offset: 0 });
    expect(sy().files?.files).toHaveLength(runFilesPageSize);
    await sy().loadFiles('r-old', '', runFilesPageSize);
    expect(sy().files?.files[0]?.path).toBe('run_1/img_00100.tif');

    const slow = sy().loadFiles('r-old', 'slow', 0);
    await sy().loadFiles('r-old', 'img_0001', 0);
    expect(sy().filesSearch).toBe('img_0001');
    expect(sy().files).toMatchObject({ total: 10, offset: 0 });
    releaseHeld();
    await slow;
    expect(sy().files).toMatchObject({ total: 10 }); // the older search's answer did not land
    expect(sy().filesLoading).toBe(false);

    await sy().loadFiles('r-old', '', 0);
    calls.length = 0;
    const csv = await sy().exportFiles('r-old');
    expect(calls).toEqual(['files:0:5000:null', 'files:5000:5000:null', 'files:10000:5000:null']);
    expect(csv?.fileName).toBe('detector-AUTO_2024-05-01_101500-files.csv');
    const lines = csv?.text.split('\r\n') ?? [];
    expect(lines[0]).toBe('path,size,mtime,task_id');
    expect(lines[1]).toBe('run_0/img_00000.tif,0,2024-05-01T10:00:00.000Z,task-0');
    expect(lines).toHaveLength(12_002); // header, 12,000 files, the empty tail after the last line break

    await sy().openRun(null);
    expect(sy().files).toBeNull();
  });

  it('previews: progress of the preview shows while it runs, then the result', async () => {
    const { sy, fake, releasePreview } = setup();
    sy().attach?.();
    await until(() => sy().ready);
    // progress of a preview nobody asked for is ignored
    fake.emit('syncs', 'onProgress', { jobId: JOB, runId: null, phase: 'scan', filesScanned: 1, dirsScanned: 1, changedFiles: 1, changedBytes: 1 });
    expect(sy().progress[JOB]).toBeUndefined();
    const pending = sy().previewJob(JOB);
    expect(sy().previewing).toBe(JOB);
    fake.emit('syncs', 'onProgress', { jobId: JOB, runId: null, phase: 'scan', filesScanned: 2, dirsScanned: 1, changedFiles: 2, changedBytes: 2 });
    expect(sy().progress[JOB]?.filesScanned).toBe(2);
    await until(() => sy().previewing === JOB);
    releasePreview();
    expect(await pending).toEqual(preview);
    expect(sy().preview).toEqual(preview);
    expect(sy().previewing).toBeNull();
    expect(sy().progress[JOB]).toBeUndefined();
    // a run that sent files makes the preview stale
    fake.emit('syncs', 'onRun', run('r-1', 'transferring'));
    expect(sy().preview).toEqual(preview);
    fake.emit('syncs', 'onRun', run('r-1', 'succeeded'));
    expect(sy().preview).toBeNull();
  });

  it('creates a job from the editor, pauses and deletes one', async () => {
    const { sy, created } = setup();
    sy().attach?.();
    await until(() => sy().ready);
    sy().startCreate();
    expect(sy().editor).toEqual({ mode: 'create' });
    const checked = checkSyncForm({
      ...emptySyncForm,
      name: 'new one',
      sourceCollection: SRC,
      localPath: '/data/new',
      collectionPath: '/new',
      destinationCollection: DST,
      destinationPath: '/in',
    });
    expect(checked.errors).toEqual({});
    const saved = await sy().save(checked.draft as SyncJobDraft);
    expect(saved?.name).toBe('new one');
    expect(created[0]).toMatchObject({ name: 'new one', schedule: { kind: 'interval', minutes: 15 }, maxItemsPerTransfer: 25_000 });
    expect(sy().editor).toBeNull();
    expect(sy().selectedJobId).toBe(JOB2);
    expect(sy().jobs.map((j) => j.job.name)).toEqual(['detector', 'new one']);

    await sy().pause(JOB);
    expect(sy().jobs[0]?.job.paused).toBe(true);
    expect(await sy().remove(JOB2)).toBe(true);
    expect(sy().jobs.map((j) => j.job.id)).toEqual([JOB]);
    expect(sy().selectedJobId).toBeNull();
  });

  it('clears the selection when the selected job disappears from the list', async () => {
    const { sy, fake } = setup();
    sy().attach?.();
    await until(() => sy().ready);
    sy().selectJob(JOB);
    fake.emit('syncs', 'onChanged', [summary(job(JOB2))]);
    expect(sy().selectedJobId).toBeNull();
    expect(sy().runs).toEqual([]);
  });
});

describe('sync form', () => {
  it('says what to fix, field by field, in the contract’s words', () => {
    const { errors, draft } = checkSyncForm({
      ...emptySyncForm,
      sourceCollection: 'abc',
      localPath: 'data',
      collectionPath: 'detector',
      destinationPath: '/in',
      minutes: '0',
      maxItems: 'lots',
      include: 'ok/**\n\n  ',
    });
    expect(draft).toBeNull();
    expect(errors.name).toBe('Give the job a name');
    expect(errors.sourceCollection).toMatch(/Globus id/);
    expect(errors.localPath).toMatch(/absolute path/);
    expect(errors.collectionPath).toMatch(/must start with \//);
    expect(errors.destinationCollection).toMatch(/Globus id/);
    expect(errors.minutes).toMatch(/N ≥ 1/);
    expect(errors.maxItems).toBe('Enter a whole number.');
    expect(errors.include).toBeUndefined();
    const cron = checkSyncForm({ ...emptySyncForm, scheduleKind: 'cron', cron: '61 * * * *' });
    expect(cron.errors.cron).toMatch(/^Not a valid cron expression \(.*minute.*61\)/);
    expect(checkSyncForm({ ...emptySyncForm, scheduleKind: 'cron', cron: '0 3 * * *' }).errors.cron).toBeUndefined();
  });

  it('round-trips a job through the form', () => {
    const j = job(JOB, { schedule: { kind: 'cron', expression: '0 3 * * *' }, syncLevel: 2, include: ['**/*.tif'], symlinks: 'keep' });
    const form = formFromJob(j);
    expect(form).toMatchObject({ scheduleKind: 'cron', cron: '0 3 * * *', syncLevel: '2', include: '**/*.tif', exclude: '*.tmp', symlinks: 'keep' });
    const { draft } = checkSyncForm(form);
    expect(draft).toMatchObject({ name: 'detector', schedule: { kind: 'cron', expression: '0 3 * * *' }, syncLevel: 2, include: ['**/*.tif'], exclude: ['*.tmp'] });
    expect(describeSchedule(j)).toBe('Cron 0 3 * * *');
    expect(describeSchedule(job())).toBe('Every 15 min');
    expect(describeSchedule(job(JOB, { schedule: { kind: 'manual' } }))).toBe('Manual only');
  });
});
