import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TransferSubmission } from '../../../../shared/globus-types';
import { createManualClock } from '../../kernel/testing/manual-clock';
import { GlobusApiError } from '../transfer-port';
import { fakeTaskDocument } from './fake-task-document';
import { FakeTransferService, type FakeTransferOptions } from './fake-transfer-service';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const UNKNOWN = 'cccccccc-0000-4000-8000-000000000003';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-fake-transfer-'));
  dirs.push(dir);
  return dir;
}

function doc(paths: readonly string[], extra: Partial<TransferSubmission> = {}): TransferSubmission {
  return {
    source_endpoint: SRC,
    destination_endpoint: DST,
    submission_id: `sub-${Math.random()}`,
    label: 'test',
    DATA: paths.map((p) => ({ source_path: `/src${p}`, destination_path: `/dst${p}` })),
    ...extra,
  };
}

function rig(options: Partial<FakeTransferOptions> = {}) {
  const clock = createManualClock(Date.UTC(2024, 0, 1));
  const fake = new FakeTransferService({ clock, taskDurationMs: 1000, ...options });
  return { clock, fake };
}

const rejection = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as GlobusApiError);

describe('fake transfer service: tasks on the clock', () => {
  it('lands files in order as time moves, then ends SUCCEEDED; counts every call', async () => {
    const { clock, fake } = rig();
    const { task_id, code } = await fake.submitTransfer(doc(['/a', '/b', '/c', '/d']));
    expect(code).toBe('Accepted');
    expect(await fake.getTask(task_id)).toMatchObject({ status: 'ACTIVE', nice_status: 'OK', files: 4, files_transferred: 0 });
    clock.advance(500);
    expect(await fake.getTask(task_id)).toMatchObject({ status: 'ACTIVE', files_transferred: 2, bytes_transferred: 2000 });
    clock.advance(500);
    const done = await fake.getTask(task_id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', nice_status: null, files_transferred: 4, completion_time: new Date(clock.now()).toISOString() });
    expect(fake.copied()).toEqual(['/dst/a', '/dst/b', '/dst/c', '/dst/d']);
    expect(fake.landed().get(`${DST}:/dst/a`)).toBe(1);
    expect((await fake.successfulTransfers(task_id)).DATA).toHaveLength(4);
    expect(fake.calls).toMatchObject({ submitTransfer: 1, getTask: 3, successfulTransfers: 1 });
    expect(fake.totalCalls()).toBe(5);
    fake.resetCalls();
    expect(fake.totalCalls()).toBe(0);
  });

  it('filters and pages task_list as Globus does and records each query and the unfinished count', async () => {
    const { clock, fake } = rig();
    const first = await fake.submitTransfer(doc(['/a']));
    clock.advance(1000);
    await fake.submitTransfer(doc(['/b']));
    await fake.submitDelete({ endpoint: DST, submission_id: 'del-1', DATA: [{ path: '/dst/a' }] });
    const active = await fake.listTasks({ filter: 'type:TRANSFER/status:ACTIVE,INACTIVE', limit: 1000 });
    expect(active.DATA).toHaveLength(1);
    const byId = await fake.listTasks({ filter: `task_id:${first.task_id}` });
    expect(byId.DATA.map((d) => d.status)).toEqual(['SUCCEEDED']);
    const page = await fake.listTasks({ limit: 2, offset: 0, orderby: 'request_time DESC' });
    expect(page).toMatchObject({ total: 3, has_next_page: true });
    expect((page.DATA[0]?.request_time ?? '') >= (page.DATA[1]?.request_time ?? '')).toBe(true);
    expect(await rejection(fake.listTasks({ filter: 'owner:me' }))).toMatchObject({ status: 400 });
    expect(fake.listQueries.map((q) => q.filter)).toEqual(['type:TRANSFER/status:ACTIVE,INACTIVE', `task_id:${first.task_id}`, undefined, 'owner:me']);
    expect(fake.activeAtPoll).toEqual([2, 2, 2, 2]);
  });

  it('answers 404 for an unknown task id, or 400 for an id that is no UUID when asked to', async () => {
    const { fake } = rig();
    expect(await rejection(fake.getTask('fake'))).toMatchObject({ status: 404 });
    expect(await rejection(rig({ malformedTaskIds: 'bad-request' }).fake.getTask('fake'))).toMatchObject({ status: 400 });
    expect(await rejection(fake.getTask(UNKNOWN))).toMatchObject({ status: 404 });
    expect(await rejection(fake.cancelTask(UNKNOWN))).toMatchObject({ status: 404 });
  });

  it('runs a task until the test ends it when the duration is Infinity', async () => {
    const { clock, fake } = rig({ taskDurationMs: Infinity });
    const { task_id } = await fake.submitTransfer(doc(['/a']));
    clock.advance(86_400_000);
    expect((await fake.getTask(task_id)).status).toBe('ACTIVE');
    fake.updateTask(task_id, { status: 'FAILED' });
    expect((await fake.getTask(task_id)).status).toBe('FAILED');
  });
});

describe('fake transfer service: tasks the test writes', () => {
  it('keeps written documents as written, patches them, and cancels them', async () => {
    const { fake } = rig();
    const written = fake.addTask({ task_id: 't0', label: 'job' });
    expect(written).toEqual(fakeTaskDocument({ task_id: 't0', label: 'job' }));
    expect(await fake.getTask('t0')).toEqual(written);
    fake.updateTask('t0', { bytes_transferred: 500 });
    expect((await fake.getTask('t0')).bytes_transferred).toBe(500);
    expect(await fake.cancelTask('t0')).toMatchObject({ code: 'Canceled' });
    expect((await fake.getTask('t0')).status).toBe('FAILED');
    expect(await fake.cancelTask('t0')).toMatchObject({ code: 'TaskComplete' });
    fake.deleteTask('t0');
    expect((await fake.listTasks()).DATA).toEqual([]);
  });

  it('pages the files and events a test sets; names the collections it registers', async () => {
    const { fake } = rig({ pageSize: 2 });
    fake.addTask({ task_id: 'd', status: 'FAILED' });
    fake.setFiles('d', 'successful', [1, 2, 3].map((i) => ({ source_path: `/${i}`, destination_path: `/x${i}` })));
    fake.setEvents('d', [{ code: 'STARTED', is_error: false, description: 'started', details: '', time: '2024-01-01T00:00:00Z' }]);
    const first = await fake.successfulTransfers('d');
    expect(first).toMatchObject({ has_next_page: true, next_marker: '2' });
    expect((await fake.successfulTransfers('d', '2')).DATA).toHaveLength(1);
    expect((await fake.skippedErrors('d')).DATA).toEqual([]);
    expect((await fake.taskEvents('d')).DATA).toHaveLength(1);
    fake.setCollection('c1', 'Lab disk');
    expect(await fake.getCollection('c1')).toEqual({ id: 'c1', display_name: 'Lab disk' });
    expect(await rejection(fake.getCollection('c2'))).toMatchObject({ status: 404 });
    expect((await fake.searchCollections('lab')).DATA).toEqual([{ id: 'c1', display_name: 'Lab disk' }]);
    const named = new FakeTransferService({ unknownCollections: 'named-by-id' });
    expect(await named.getCollection('c2')).toEqual({ id: 'c2', display_name: 'c2' });
  });
});

describe('fake transfer service: faults', () => {
  it('answers Duplicate for a used submission id and refuses past the pending limit', async () => {
    const { fake } = rig({ pendingLimit: 1, limitError: { status: 429, code: 'TooManyRequests', message: 'slow down' } });
    const sent = doc(['/a']);
    const first = await fake.submitTransfer(sent);
    expect(await fake.submitTransfer(sent)).toMatchObject({ code: 'Duplicate', task_id: first.task_id });
    expect(fake.duplicates).toBe(1);
    expect(await rejection(fake.submitTransfer(doc(['/b'])))).toMatchObject({ status: 429, code: 'TooManyRequests' });
    expect(fake.transfers).toHaveLength(3);
  });

  it('refuses identical paths while an earlier task runs (409 Conflict naming it)', async () => {
    const { clock, fake } = rig();
    const foreign = fake.addForeignTask(SRC, DST, [['/src/a', '/dst/a']], 2000);
    const error = await rejection(fake.submitTransfer(doc(['/a', '/b'])));
    expect(error).toMatchObject({ status: 409, code: 'Conflict' });
    expect(error?.message).toContain(foreign);
    clock.advance(2000);
    expect((await fake.submitTransfer(doc(['/a', '/b']))).code).toBe('Accepted');
    expect(await rejection(fake.submitTransfer(doc(['/a'])))).toMatchObject({ status: 409 });
    const allowing = rig({ identicalPaths: 'allowed' }).fake;
    await allowing.submitTransfer(doc(['/a']));
    expect((await allowing.submitTransfer(doc(['/a']))).code).toBe('Accepted');
  });

  it('fails files: skipped in a SUCCEEDED task, or the task FAILED', async () => {
    for (const failMode of ['skip', 'fail'] as const) {
      const { clock, fake } = rig({ failMode, failFile: (p) => (p === '/src/b' ? 'FILE_NOT_FOUND' : undefined) });
      const { task_id } = await fake.submitTransfer(doc(['/a', '/b', '/c']));
      clock.advance(1000);
      const ended = await fake.getTask(task_id);
      const skipped = (await fake.skippedErrors(task_id)).DATA;
      if (failMode === 'skip') {
        expect(ended).toMatchObject({ status: 'SUCCEEDED', files_skipped: 1, files_transferred: 2 });
        expect(skipped).toEqual([expect.objectContaining({ source_path: '/src/b', error_code: 'FILE_NOT_FOUND' })]);
      } else {
        expect(ended).toMatchObject({ status: 'FAILED', fatal_error: { code: 'FILE_ERRORS', description: '1 files failed' } });
        expect(skipped).toEqual([]);
      }
      expect((await fake.successfulTransfers(task_id)).DATA.map((f) => f.source_path)).toEqual(['/src/a', '/src/c']);
    }
  });

  it('fails the next n tasks with nothing landed', async () => {
    const { clock, fake } = rig();
    fake.failNext(1);
    const failed = await fake.submitTransfer(doc(['/a']));
    const fine = await fake.submitTransfer(doc(['/b']));
    clock.advance(1000);
    expect(await fake.getTask(failed.task_id)).toMatchObject({ status: 'FAILED', fatal_error: { code: 'FAILED' } });
    expect((await fake.getTask(fine.task_id)).status).toBe('SUCCEEDED');
    expect(fake.copied()).toEqual(['/dst/b']);
  });

  it('stalls, forgets and hides tasks; a cancel keeps what landed', async () => {
    const { clock, fake } = rig();
    const stalled = (await fake.submitTransfer(doc(['/a', '/b']))).task_id;
    const forgotten = (await fake.submitTransfer(doc(['/c']))).task_id;
    const hidden = (await fake.submitTransfer(doc(['/d']))).task_id;
    clock.advance(500);
    fake.stall(stalled);
    fake.forget(forgotten);
    fake.hideFromList(hidden);
    clock.advance(10_000);
    expect(await fake.getTask(stalled)).toMatchObject({ status: 'ACTIVE', files_transferred: 1 });
    expect(await rejection(fake.getTask(forgotten))).toMatchObject({ status: 404 });
    expect((await fake.getTask(hidden)).status).toBe('SUCCEEDED');
    expect((await fake.listTasks()).DATA.map((d) => d.task_id)).toEqual([stalled]);
    expect(fake.activeTaskIds()).toEqual([stalled]);
    expect(await fake.cancelTask(stalled)).toMatchObject({ code: 'Canceled' });
    expect(await fake.getTask(stalled)).toMatchObject({ status: 'FAILED', fatal_error: { code: 'CANCELED' } });
    expect((await fake.successfulTransfers(stalled)).DATA).toEqual([{ source_path: '/src/a', destination_path: '/dst/a' }]);
  });

  it('a cancel or a stall while held keeps only what landed before the hold', async () => {
    const { clock, fake } = rig();
    const midway = (await fake.submitTransfer(doc(['/a', '/b', '/c', '/d']))).task_id;
    const stalled = (await fake.submitTransfer(doc(['/p', '/q', '/r', '/s']))).task_id;
    clock.advance(500);
    fake.hold();
    const fresh = (await fake.submitTransfer(doc(['/e']))).task_id;
    clock.advance(400);
    expect(await fake.cancelTask(midway)).toMatchObject({ code: 'Canceled' });
    expect(await fake.cancelTask(fresh)).toMatchObject({ code: 'Canceled' });
    fake.stall(stalled);
    expect(fake.copied()).toEqual(['/dst/a', '/dst/b', '/dst/p', '/dst/q']);
    fake.release();
    clock.advance(1000);
    expect(await fake.getTask(midway)).toMatchObject({ status: 'FAILED', files_transferred: 2, fatal_error: { code: 'CANCELED' } });
    expect(await fake.getTask(fresh)).toMatchObject({ status: 'FAILED', files_transferred: 0 });
    expect(await fake.getTask(stalled)).toMatchObject({ status: 'ACTIVE', files_transferred: 2 });
    expect(fake.copied()).toEqual(['/dst/a', '/dst/b', '/dst/p', '/dst/q']);
  });

  it('lets a test throw before a task exists or after Globus accepted it', async () => {
    const phases: string[] = [];
    const { fake } = rig({
      onSubmit: (_doc, phase) => {
        phases.push(phase);
        if (phase === 'after') throw new TypeError('socket hang up');
      },
    });
    await expect(fake.submitTransfer(doc(['/a']))).rejects.toThrow('socket hang up');
    expect(phases).toEqual(['before', 'after']);
    expect(fake.tasks()).toHaveLength(1);
  });
});

describe('fake transfer service: collections that are folders', () => {
  function folders() {
    const base = tempDir();
    const roots: Record<string, string> = { [SRC]: join(base, 'src'), [DST]: join(base, 'dst') };
    for (const r of Object.values(roots)) mkdirSync(r);
    return { base, roots, at: (c: string, p: string) => join(roots[c] ?? '', p) };
  }

  it('copies files and folders, keeps links when asked, and deletes remove them', async () => {
    const { roots, at } = folders();
    const { clock, fake } = rig({ collections: roots, taskDurationMs: 0 });
    mkdirSync(at(SRC, 'run/sub'), { recursive: true });
    writeFileSync(at(SRC, 'one.txt'), 'one');
    writeFileSync(at(SRC, 'run/sub/two.txt'), 'two');
    symlinkSync('one.txt', at(SRC, 'link'));
    const sent: TransferSubmission & { recursive_symlinks: string } = {
      ...doc([]),
      recursive_symlinks: 'keep',
      DATA: [
        { source_path: '/one.txt', destination_path: '/in/one.txt' },
        { source_path: '/run', destination_path: '/in/run', recursive: true },
        { source_path: '/link', destination_path: '/in/link' },
        { source_path: '/missing', destination_path: '/in/missing' },
      ],
    };
    const { task_id } = await fake.submitTransfer(sent);
    expect(existsSync(at(DST, 'in/one.txt'))).toBe(false);
    clock.advance(1);
    const ended = await fake.getTask(task_id);
    expect(ended).toMatchObject({ status: 'SUCCEEDED', files_skipped: 1, bytes_transferred: 3 });
    expect(readFileSync(at(DST, 'in/run/sub/two.txt'), 'utf8')).toBe('two');
    expect(readFileSync(at(DST, 'in/link'), 'utf8')).toBe('one');
    expect(fake.copied().sort()).toEqual(['/in/link', '/in/one.txt', '/in/run/sub', '/in/run/sub/two.txt']);
    expect((await fake.skippedErrors(task_id)).DATA[0]).toMatchObject({ source_path: '/missing', error_code: 'FILE_NOT_FOUND' });
    const removed = await fake.submitDelete({ endpoint: DST, submission_id: 'd1', recursive: true, DATA: [{ path: '/in' }] });
    clock.advance(1);
    expect((await fake.getTask(removed.task_id)).status).toBe('SUCCEEDED');
    expect(existsSync(at(DST, 'in'))).toBe(false);
    expect(fake.deletes).toHaveLength(1);
  });

  it('holds tasks ACTIVE with nothing landed until released', async () => {
    const { roots, at } = folders();
    const { clock, fake } = rig({ collections: roots, taskDurationMs: 0 });
    writeFileSync(at(SRC, 'a.txt'), 'a');
    fake.hold();
    const { task_id } = await fake.submitTransfer({ ...doc([]), DATA: [{ source_path: '/a.txt', destination_path: '/a.txt' }] });
    clock.advance(1);
    expect((await fake.getTask(task_id)).status).toBe('ACTIVE');
    expect(existsSync(at(DST, 'a.txt'))).toBe(false);
    fake.release();
    expect((await fake.getTask(task_id)).status).toBe('SUCCEEDED');
    expect(readFileSync(at(DST, 'a.txt'), 'utf8')).toBe('a');
  });

  it('makes folders one level at a time, lists and renames them', async () => {
    const { roots, at } = folders();
    const { fake } = rig({ collections: roots });
    expect(await fake.mkdir(DST, '/a')).toMatchObject({ code: 'DirectoryCreated' });
    expect(await rejection(fake.mkdir(DST, '/a'))).toMatchObject({ code: 'ExternalError.MkdirFailed.Exists' });
    expect(await rejection(fake.mkdir(DST, '/x/y'))).toMatchObject({ status: 404 });
    expect(await rejection(fake.mkdir(UNKNOWN, '/a'))).toMatchObject({ status: 404 });
    writeFileSync(at(DST, 'a/f.txt'), 'hello');
    expect((await fake.ls(DST, '/a')).DATA).toEqual([expect.objectContaining({ name: 'f.txt', type: 'file', size: 5 })]);
    await fake.rename(DST, '/a', '/b');
    expect(existsSync(at(DST, 'b/f.txt'))).toBe(true);
    expect(await fake.getCollection(DST)).toEqual({ id: DST, display_name: DST });
  });
});

describe('fake transfer service: a state file shared between processes', () => {
  it('shows one table to every instance over the file, answers Duplicate across them, and goes on copying', async () => {
    const base = tempDir();
    const roots = { [SRC]: join(base, 'src'), [DST]: join(base, 'dst') };
    mkdirSync(roots[SRC] ?? '', { recursive: true });
    writeFileSync(join(roots[SRC] ?? '', 'a.txt'), 'a');
    const stateFile = join(base, 'fake.json');
    const options = { collections: roots, stateFile, taskDurationMs: 0 };
    // The child: submits, then dies before it hears the answer.
    const child = new FakeTransferService(options);
    child.hold();
    const sent = { ...doc([]), submission_id: 'saved-before-the-crash', DATA: [{ source_path: '/a.txt', destination_path: '/a.txt' }] };
    const first = await child.submitTransfer(sent);
    // The parent, after the SIGKILL: the same table, so a resubmission is a Duplicate.
    const parent = new FakeTransferService(options);
    expect(parent.tasks()).toEqual([expect.objectContaining({ taskId: first.task_id, submissionId: 'saved-before-the-crash', status: 'ACTIVE', items: ['/a.txt'] })]);
    expect(await parent.submitTransfer(sent)).toMatchObject({ code: 'Duplicate', task_id: first.task_id });
    parent.release();
    await new Promise((r) => setTimeout(r, 5));
    expect((await parent.getTask(first.task_id)).status).toBe('SUCCEEDED');
    expect(child.copied()).toEqual(['/a.txt']);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ hold: false, bySubmission: { 'saved-before-the-crash': first.task_id } });
  });
});
