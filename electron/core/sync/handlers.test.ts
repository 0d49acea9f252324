import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountState } from '../../../shared/account';
import type {
  SyncJob,
  SyncJobDraft,
  SyncJobSummary,
  SyncPreview,
  SyncProgress,
  SyncRun,
  SyncRunFilesPage,
  SyncRunLog,
  SyncRunLogExport,
} from '../../../shared/contract/syncs';
import { createActivityService } from '../activity';
import { createSubmitter } from '../globus';
import { fakeAuth } from '../globus/testing/fake-auth';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { createSyncEngine } from './engine';
import { createEventBus } from '../kernel';
import { capabilityHarness, onCleanup, runCleanups, tempDir, until } from '../kernel/testing/harness';
import { createSyncsCapability, type SyncsDeps } from './handlers';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';

afterEach(runCleanups);

function setup(account: AccountState = 'signed-in', refreshMs?: number) {
  const stateDir = tempDir('ferry-syncs-capability-');
  const folder = join(stateDir, 'detector');
  mkdirSync(join(folder, 'run_1'), { recursive: true });
  for (let i = 0; i < 5; i++) writeFileSync(join(folder, 'run_1', `img_${i}.tif`), `image ${i}`);
  writeFileSync(join(folder, 'notes.txt'), 'hello');
  const bus = createEventBus();
  const events: { channel: string; payload: unknown }[] = [];
  bus.subscribe((channel, payload) => {
    if (channel.startsWith('syncs:')) events.push({ channel, payload });
  });
  const fake = new FakeTransferService({ clock: { now: () => Date.now() }, taskDurationMs: 30 });
  const auth = fakeAuth(account);
  // as the composition root does: Activity records every task the one submit path announces
  const submitter = createSubmitter(() => fake);
  const activity = createActivityService({ dbFile: ':memory:', submitter });
  onCleanup(() => activity.close());
  const deps: SyncsDeps = { stateDir, bus, auth: auth.auth, transfer: fake, submitter, env: {} };
  const capability = createSyncsCapability(deps, { pollIntervalMs: 20, workers: 1, throttleMs: 20, progressThrottleMs: 50, ...(refreshMs !== undefined ? { refreshMs } : {}) });
  const { dispose, invoke, call } = capabilityHarness(capability);
  const draft = (extra: Partial<SyncJobDraft> = {}): SyncJobDraft => ({
    name: 'detector',
    source: { collectionId: SRC, localPath: folder, collectionPath: '/data/detector' },
    destination: { collectionId: DST, path: '/backup' },
    schedule: { kind: 'interval', minutes: 15 },
    syncLevel: null,
    include: [],
    exclude: [],
    symlinks: 'skip',
    createEmptyDirs: true,
    enabled: true,
    maxItemsPerTransfer: 1000,
    ...extra,
  });
  return { stateDir, folder, capability, fake, auth, activity, events, invoke, call, draft, dispose };
}

describe('syncs capability: validation', () => {
  it('refuses bad jobs with messages that say what to fix', async () => {
    const { invoke, draft } = setup('signed-out');
    const d = draft();
    const cases: [unknown[], RegExp][] = [
      [[{ ...d, name: '  ' }], /give the job a name/],
      [[{ ...d, source: { ...d.source, collectionId: 'not-an-id' } }], /Globus id/],
      [[{ ...d, source: { ...d.source, localPath: 'relative/folder' } }], /absolute path/],
      [[{ ...d, source: { ...d.source, collectionPath: 'data' } }], /must start with \//],
      [[{ ...d, destination: { ...d.destination, path: '' } }], /destination folder is required/],
      [[{ ...d, schedule: { kind: 'interval', minutes: 0 } }], /N ≥ 1/],
      [[{ ...d, schedule: { kind: 'interval', minutes: 2.5 } }], /whole number/],
      [[{ ...d, schedule: { kind: 'cron', expression: 'every tuesday' } }], /not a valid cron expression/],
      [[{ ...d, schedule: { kind: 'hourly' } }], /manual, interval, cron or watch/],
      [[{ ...d, symlinks: 'reject' }], /symlink policy must be one of skip, follow, keep/],
      [[{ ...d, include: [''] }], /include pattern cannot be empty/],
      [[{ ...d, maxItemsPerTransfer: 0 }], /at least 1 item/],
      [[{ ...d, syncLevel: 7 }], /sync level/],
      [[{ ...d, surprise: true }], /surprise|Unrecognized/i],
    ];
    for (const [args, message] of cases) {
      const r = await invoke('syncs:create', args);
      expect(r.ok, JSON.stringify(args)).toBe(false);
      if (!r.ok) expect(r.error.message, JSON.stringify(args)).toMatch(message);
    }
    expect((await invoke('syncs:run-now', ['nope'])).ok).toBe(false);
  });

  it('checks in core that the local folder exists and is a folder, and names must be unique', async () => {
    const { invoke, call, draft, folder } = setup('signed-out');
    const missing = await invoke('syncs:create', [draft({ source: { collectionId: SRC, localPath: join(folder, 'nope'), collectionPath: '/x' } })]);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.message).toMatch(/does not exist on this machine/);
    const file = await invoke('syncs:create', [draft({ source: { collectionId: SRC, localPath: join(folder, 'notes.txt'), collectionPath: '/x' } })]);
    expect(file.ok).toBe(false);
    if (!file.ok) expect(file.error.message).toMatch(/is a file, not a folder/);
    await call<SyncJob>('syncs:create', [draft()]);
    const twice = await invoke('syncs:create', [draft()]);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.message).toMatch(/already exists; choose another name/);
    const cron = await call<SyncJob>('syncs:create', [draft({ name: 'nightly', schedule: { kind: 'cron', expression: '0 3 * * *' } })]);
    expect(cron.schedule).toEqual({ kind: 'cron', expression: '0 3 * * *' });
  });

  it('refuses to run while signed out (a preview still works)', async () => {
    const { invoke, call, draft } = setup('signed-out');
    const job = await call<SyncJob>('syncs:create', [draft()]);
    const run = await invoke('syncs:run-now', [job.id]);
    expect(run.ok).toBe(false);
    if (!run.ok) expect(run.error.message).toMatch(/Sign in to Globus/);
    const preview = await call<SyncPreview>('syncs:preview', [job.id]);
    expect(preview.changedFiles).toBe(6);
  });
});

describe('syncs capability: create, preview, run now', () => {
  it('previews, runs now, records the AUTO_ task in Activity at once, and keeps the run history and log', async () => {
    const { call, invoke, draft, events, activity, fake } = setup('signed-in');
    const job = await call<SyncJob>('syncs:create', [draft()]);
    expect(job).toMatchObject({ name: 'detector', paused: false, enabled: true, schedule: { kind: 'interval', minutes: 15 } });

    const preview = await call<SyncPreview>('syncs:preview', [job.id]);
    expect(preview).toMatchObject({ jobId: job.id, filesScanned: 6, changedFiles: 6 });
    expect(preview.changedBytes).toBe(5 * 'image 0'.length + 'hello'.length);
    expect(preview.sample.map((s) => s.path)).toEqual(['notes.txt', 'run_1/img_0.tif', 'run_1/img_1.tif', 'run_1/img_2.tif', 'run_1/img_3.tif', 'run_1/img_4.tif']);
    expect(fake.submissions).toHaveLength(0);

    const started = await call<SyncRun>('syncs:run-now', [job.id]);
    expect(started.jobId).toBe(job.id);
    expect(started.status).toBe('scanning');
    await until(async () => (await call<readonly SyncRun[]>('syncs:list-runs', [job.id, null]))[0]?.status === 'succeeded', 'the run to succeed', 8_000);
    const [run] = await call<readonly SyncRun[]>('syncs:list-runs', [job.id, null]);
    expect(run?.label).toMatch(/^AUTO_\d{4}-\d{2}-\d{2}_\d{6}$/);
    expect(run?.stats.filesScanned).toBe(6);
    expect(run?.stats.changedFiles).toBe(6);
    expect(run?.tasks).toHaveLength(1);
    const taskId = run?.tasks[0]?.taskId as string;
    expect(fake.submissions[0]?.label).toBe(run?.label);

    // Activity knows the task as a sync task
    const row = activity.snapshot().rows.find((r) => r.task_id === taskId);
    expect(row).toMatchObject({ origin: 'sync', label: run?.label });
    // ...with the document that was sent, so it can be resubmitted with the same items
    const detail = await activity.detail(taskId);
    expect(detail.submission).toMatchObject({ label: run?.label, DATA: expect.any(Array) });
    expect(detail.canResubmit).toBe(true);

    // events: progress while scanning, the run as it changed, throttled summaries
    expect(events.some((e) => e.channel === 'syncs:progress' && (e.payload as SyncProgress).phase === 'scan')).toBe(true);
    const runEvents = events.filter((e) => e.channel === 'syncs:run').map((e) => (e.payload as SyncRun).status);
    expect(runEvents).toContain('scanning');
    expect(runEvents).toContain('transferring');
    expect(runEvents.at(-1)).toBe('succeeded');
    await until(() => events.some((e) => e.channel === 'syncs:changed' && (e.payload as readonly SyncJobSummary[])[0]?.lastRun?.status === 'succeeded'), 'a summary with the run', 8_000);

    const [summary] = await call<readonly SyncJobSummary[]>('syncs:list', []);
    expect(summary?.lastRun?.id).toBe(run?.id);
    expect(summary?.recentChangedFiles).toEqual([6]);
    expect(summary?.nextRunAt).not.toBeNull();
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);

    const log = await call<SyncRunLog>('syncs:run-log', [run?.id]);
    expect(log.lines.join('\n')).toMatch(/Initiating transfer AUTO_/);
    const exported = await call<SyncRunLogExport>('syncs:export-run-log', [run?.id]);
    expect(exported.fileName).toBe(`detector-${run?.label}.log`);
    expect(exported.text).toBe(`${log.lines.join('\n')}\n`);

    // the files it sent, paged and searched; the query is bounded by the contract
    const files = await call<SyncRunFilesPage>('syncs:run-files', [run?.id, { offset: 1, limit: 2, search: null }]);
    expect(files).toMatchObject({ runId: run?.id, sent: 6, total: 6, offset: 1 });
    expect(files.files.map((f) => [f.path, f.taskId])).toEqual([
      ['run_1/img_0.tif', taskId],
      ['run_1/img_1.tif', taskId],
    ]);
    const found = await call<SyncRunFilesPage>('syncs:run-files', [run?.id, { offset: 0, limit: 10, search: 'NOTES' }]);
    expect(found.files.map((f) => f.path)).toEqual(['notes.txt']);
    for (const query of [{ offset: 0, limit: 5001, search: null }, { offset: -1, limit: 1, search: null }, { offset: 0, limit: 1, search: 'x'.repeat(501) }, { offset: 0, limit: 1 }]) {
      const r = await invoke('syncs:run-files', [run?.id, query]);
      expect(r.ok, JSON.stringify(query)).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('invalid');
    }
    const unknown = await invoke('syncs:run-files', ['00000000-0000-4000-8000-000000000000', { offset: 0, limit: 1, search: null }]);
    expect(unknown.ok || unknown.error.kind).toBe('not-found');

    // a second run finds nothing new and submits nothing
    await call<SyncRun>('syncs:run-now', [job.id]);
    await until(async () => (await call<readonly SyncRun[]>('syncs:list-runs', [job.id, 5])).length === 2, 'the second run', 8_000);
    await until(async () => (await call<readonly SyncRun[]>('syncs:list-runs', [job.id, 5]))[0]?.status === 'no_changes', 'no changes', 8_000);
    expect(fake.submissions).toHaveLength(1);
  });

  it('pauses and resumes a job, updates and deletes it', async () => {
    const { call, invoke, draft } = setup('signed-in');
    const job = await call<SyncJob>('syncs:create', [draft()]);
    expect((await call<SyncJob>('syncs:pause', [job.id])).paused).toBe(true);
    expect((await call<readonly SyncJobSummary[]>('syncs:list', []))[0]?.nextRunAt).toBeNull();
    expect((await call<SyncJob>('syncs:resume', [job.id])).paused).toBe(false);
    const updated = await call<SyncJob>('syncs:update', [job.id, draft({ name: 'renamed', schedule: { kind: 'manual' }, exclude: ['*.txt'] })]);
    expect(updated).toMatchObject({ id: job.id, name: 'renamed', schedule: { kind: 'manual' }, exclude: ['*.txt'] });
    const preview = await call<SyncPreview>('syncs:preview', [job.id]);
    expect(preview.changedFiles).toBe(5);
    expect(await call('syncs:delete', [job.id])).toEqual({ deleted: true });
    expect(await call('syncs:list', [])).toEqual([]);
    const gone = await invoke('syncs:preview', [job.id]);
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error.message).toMatch(/may have been deleted/);
  });

  it('schedules only while signed in; signing in starts the scheduler, signing out stops it', async () => {
    const { capability, auth, dispose } = setup('signed-out');
    expect(capability.schedulerRunning()).toBe(false);
    auth.set('signed-in');
    expect(capability.schedulerRunning()).toBe(true);
    auth.set('signed-out');
    expect(capability.schedulerRunning()).toBe(false);
    await dispose();
    auth.set('signed-in');
    expect(capability.schedulerRunning()).toBe(false);
  });

  it('notices jobs and runs another process (ferry sync) wrote to the shared database', async () => {
    const { stateDir, folder, events } = setup('signed-out', 30);
    const otherTransfer = new FakeTransferService({ clock: { now: () => Date.now() } });
    const other = createSyncEngine({ dataDir: stateDir, transfer: otherTransfer, submitter: createSubmitter(() => otherTransfer) });
    onCleanup(() => other.close());
    other.createJob({
      name: 'from-cron',
      source: { collectionId: SRC, localPath: folder, collectionPath: '/d' },
      destination: { collectionId: DST, path: '/b' },
    });
    await until(
      () => events.some((e) => e.channel === 'syncs:changed' && (e.payload as readonly SyncJobSummary[]).some((j) => j.job.name === 'from-cron')),
      'the other process’s job',
    );
  });
});
