import { afterEach, describe, expect, it } from 'vitest';
import type { TaskEvent, TransferSubmission } from '../../../shared/globus-types';
import type { TaskAttention } from '../../../shared/contract/activity';
import { createActivityService, type ActivityService } from './index';
import { failingItem } from './attention';
import { createManualClock, type ManualClock } from '../kernel/testing/manual-clock';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { GlobusApiError } from '../globus';

const open: ActivityService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function setup(): { svc: ActivityService; fake: FakeTransferService; clock: ManualClock; changes: (readonly TaskAttention[])[] } {
  const clock = createManualClock(Date.parse('2024-03-01T00:00:00Z'));
  const fake = new FakeTransferService({ clock, taskDurationMs: Infinity, identicalPaths: 'allowed' });
  const svc = createActivityService({ dbFile: ':memory:', transfer: fake, clock, backfillPages: 0, resolveCollectionNames: false });
  open.push(svc);
  const changes: (readonly TaskAttention[])[] = [];
  svc.onAttention((list) => changes.push(list));
  return { svc, fake, clock, changes };
}

const submission: TransferSubmission = {
  source_endpoint: 'src',
  destination_endpoint: 'dst',
  submission_id: 'sub-1',
  label: 'Calibration',
  DATA: [
    { DATA_TYPE: 'transfer_item', source_path: '/calib/good.dat', destination_path: '/out/good.dat' },
    { DATA_TYPE: 'transfer_item', source_path: '/calib/bad.dat', destination_path: '/out/bad.dat' },
  ],
};

function errorEvent(code: string, details: string, time = '2024-03-01T00:00:01+00:00'): TaskEvent {
  return { code, is_error: true, description: code.toLowerCase().replace(/_/g, ' '), details, time };
}

/** A transfer Ferry submitted, recorded in Activity, polled once while it runs cleanly. */
async function running(svc: ActivityService, fake: FakeTransferService, clock: ManualClock): Promise<string> {
  const { task_id } = await fake.submitTransfer(submission);
  svc.recordSubmitted({ task_id }, 'manual', submission);
  fake.updateTask(task_id, { nice_status: 'OK', is_ok: true });
  svc.start();
  await clock.advanceAndSettle(0);
  return task_id;
}

describe('tasks that need attention', () => {
  it('flags a task whose faults rose within one poll, with its newest error explained and its failing item', async () => {
    const { svc, fake, clock, changes } = setup();
    const id = await running(svc, fake, clock);
    expect(fake.calls.taskEvents).toBe(0); // a clean task costs no event request
    expect(svc.needingAttention()).toEqual([]);

    fake.updateTask(id, { faults: 1, nice_status: 'FILE_NOT_FOUND', is_ok: false });
    fake.setEvents(id, [errorEvent('FILE_NOT_FOUND', 'No such file or directory: /calib/bad.dat'), { code: 'STARTED', is_error: false, description: 'started', details: '', time: '2024-03-01T00:00:00+00:00' }]);
    await svc.refreshNow();

    expect(fake.calls.taskEvents).toBe(1);
    const [flag] = svc.needingAttention();
    expect(flag).toMatchObject({
      taskId: id,
      label: 'Calibration',
      faults: 1,
      event: { code: 'FILE_NOT_FOUND', details: 'No such file or directory: /calib/bad.dat' },
      explanation: { id: 'file-not-found', title: 'File not found', fixPath: true },
      item: { index: 1, sourcePath: '/calib/bad.dat', destinationPath: '/out/bad.dat' },
      canFixPath: true,
    });
    expect(changes.at(-1)).toEqual(svc.needingAttention());
    expect(JSON.parse(JSON.stringify(flag))).toEqual(flag);
  });

  it('reads events again only when faults rise again, and keeps the first time it was seen', async () => {
    const { svc, fake, clock } = setup();
    const id = await running(svc, fake, clock);
    fake.updateTask(id, { faults: 1, nice_status: 'PERMISSION_DENIED', is_ok: false });
    fake.setEvents(id, [errorEvent('PERMISSION_DENIED', 'Permission denied: /calib/bad.dat')]);
    await svc.refreshNow();
    const since = svc.needingAttention()[0]?.since;
    await svc.refreshNow();
    await svc.refreshNow();
    expect(fake.calls.taskEvents).toBe(1);

    await clock.advanceAndSettle(5_000);
    fake.updateTask(id, { faults: 2 });
    fake.setEvents(id, [errorEvent('QUOTA_EXCEEDED', 'Disk quota exceeded writing /out/bad.dat'), errorEvent('PERMISSION_DENIED', 'Permission denied: /calib/bad.dat')]);
    const before = fake.calls.taskEvents;
    await svc.refreshNow();
    expect(fake.calls.taskEvents).toBe(before + 1);
    expect(svc.needingAttention()[0]).toMatchObject({ faults: 2, since, explanation: { id: 'quota' } });
  });

  it('bounds event requests per poll and picks up the rest at the next poll', async () => {
    const clock = createManualClock(Date.parse('2024-03-01T00:00:00Z'));
    const fake = new FakeTransferService({ clock, taskDurationMs: Infinity });
    const svc = createActivityService({ dbFile: ':memory:', transfer: fake, clock, backfillPages: 0, resolveCollectionNames: false, attentionChecksPerPoll: 3 });
    open.push(svc);
    for (let i = 0; i < 7; i += 1) {
      fake.addTask({ task_id: `t${i}`, faults: 1, is_ok: false, nice_status: 'CONNECTION_RESET' });
      fake.setEvents(`t${i}`, [errorEvent('CONNECTION_RESET', 'Connection reset by peer')]);
    }
    svc.start();
    await clock.advanceAndSettle(0);
    expect(fake.calls.taskEvents).toBe(3);
    expect(svc.needingAttention()).toHaveLength(3);
    await svc.refreshNow();
    await svc.refreshNow();
    expect(fake.calls.taskEvents).toBe(7);
    expect(svc.needingAttention()).toHaveLength(7);
    await svc.refreshNow();
    expect(fake.calls.taskEvents).toBe(7);
    // Tasks found on the account have no stored submission: no path fix offered.
    expect(svc.needingAttention()[0]).toMatchObject({ canFixPath: false, item: null, explanation: { id: 'connection' } });
  });

  it('clears the flag when the task recovers or ends (cancelled)', async () => {
    const { svc, fake, clock } = setup();
    const id = await running(svc, fake, clock);
    fake.updateTask(id, { faults: 1, nice_status: 'CONNECTION_RESET', is_ok: false });
    fake.setEvents(id, [errorEvent('CONNECTION_RESET', 'Connection reset by peer')]);
    await svc.refreshNow();
    expect(svc.needingAttention()).toHaveLength(1);
    fake.updateTask(id, { nice_status: 'OK', is_ok: true });
    await svc.refreshNow();
    expect(svc.needingAttention()).toEqual([]);

    fake.updateTask(id, { faults: 2, nice_status: 'FILE_NOT_FOUND', is_ok: false });
    fake.setEvents(id, [errorEvent('FILE_NOT_FOUND', 'No such file or directory: /calib/bad.dat')]);
    await svc.refreshNow();
    expect(svc.needingAttention()).toHaveLength(1);
    await svc.cancel(id);
    expect(svc.row(id)?.status).toBe('FAILED');
    expect(svc.needingAttention()).toEqual([]);
  });

  it('does not flag a task whose newest event is no error and whose faults did not rise', async () => {
    const { svc, fake, clock } = setup();
    const id = await running(svc, fake, clock);
    fake.updateTask(id, { nice_status: 'Queued', is_ok: false });
    fake.setEvents(id, [{ code: 'QUEUED', is_error: false, description: 'queued', details: 'waiting for a slot', time: '2024-03-01T00:00:02+00:00' }]);
    await svc.refreshNow();
    expect(fake.calls.taskEvents).toBe(1);
    expect(svc.needingAttention()).toEqual([]);
  });

  it('fixes the failing path and resubmits through the one submit path, cancelling the running original', async () => {
    const { svc, fake, clock } = setup();
    const id = await running(svc, fake, clock);
    fake.updateTask(id, { faults: 3, nice_status: 'FILE_NOT_FOUND', is_ok: false });
    fake.setEvents(id, [errorEvent('FILE_NOT_FOUND', 'No such file or directory: /calib/bad.dat')]);
    await svc.refreshNow();

    const result = await svc.resubmitFixed(id, { itemIndex: 1, sourcePath: '/calib/bad-v2.dat', destinationPath: '/out/bad.dat' });
    expect(result.cancelledOriginal).toBe(true);
    expect(svc.row(id)?.status).toBe('FAILED');
    const sent = fake.transfers.at(-1);
    expect(sent?.submission_id).toBe(result.submission_id);
    expect(sent?.DATA.map((d) => d.source_path)).toEqual(['/calib/good.dat', '/calib/bad-v2.dat']);
    expect(svc.row(result.task_id)).toMatchObject({ origin: 'resubmit', submitted_by_ferry: true });
    expect(svc.needingAttention()).toEqual([]);

    await expect(svc.resubmitFixed(result.task_id, { itemIndex: 5, sourcePath: '/x', destinationPath: '/y' })).rejects.toMatchObject({ code: 'CannotResubmit' });
    await expect(svc.resubmitFixed(result.task_id, { itemIndex: 0, sourcePath: '/calib/good.dat', destinationPath: '/out/good.dat' })).rejects.toMatchObject({
      code: 'CannotResubmit',
    });
  });
});

describe('fix the path and resubmit while Globus is still ending the cancelled task', () => {
  it('tries again while Globus answers Conflict (identical paths), then gives up with that error', async () => {
    const clock = createManualClock(Date.parse('2024-03-01T00:00:00Z'));
    let refuse = 0;
    const fake = new FakeTransferService({
      clock,
      taskDurationMs: Infinity,
      identicalPaths: 'allowed',
      onSubmit: (doc, phase) => {
        if (phase !== 'before' || doc.submission_id === 'sub-1' || refuse <= 0) return;
        refuse -= 1;
        throw new GlobusApiError({ code: 'Conflict', message: 'A transfer with identical paths has not yet completed', status: 409 });
      },
    });
    const svc = createActivityService({ dbFile: ':memory:', transfer: fake, clock, backfillPages: 0, resolveCollectionNames: false });
    open.push(svc);
    const id = await running(svc, fake, clock);
    refuse = 2;
    const fixed = svc.resubmitFixed(id, { itemIndex: 1, sourcePath: '/calib/bad-v2.dat', destinationPath: '/out/bad.dat' });
    await clock.advanceAndSettle(2_000);
    await clock.advanceAndSettle(2_000);
    const result = await fixed;
    expect(result.cancelledOriginal).toBe(true);
    expect(fake.transfers.filter((d) => d.DATA[1]?.source_path === '/calib/bad-v2.dat')).toHaveLength(3); // two refused, one accepted

    const second = await fake.submitTransfer({ ...submission, submission_id: 'sub-2' });
    svc.recordSubmitted({ task_id: second.task_id }, 'manual', { ...submission, submission_id: 'sub-2' });
    await svc.refreshNow();
    refuse = 99;
    const failing = svc.resubmitFixed(second.task_id, { itemIndex: 1, sourcePath: '/calib/bad-v3.dat', destinationPath: '/out/bad.dat' });
    const settled = failing.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    for (let i = 0; i < 5; i += 1) await clock.advanceAndSettle(2_000);
    expect(await settled).toMatchObject({ status: 409, code: 'Conflict' });
  });
});

describe('failingItem', () => {
  it('names the item whose path the error mentions (the longest), the only item, or none', () => {
    const folder: TransferSubmission = {
      ...submission,
      DATA: [
        { DATA_TYPE: 'transfer_item', source_path: '/calib/', destination_path: '/out/', recursive: true },
        { DATA_TYPE: 'transfer_item', source_path: '/calib/sub/', destination_path: '/out/sub/', recursive: true },
      ],
    };
    expect(failingItem(folder, { description: '', details: 'No such file: /calib/sub/x.dat' })?.index).toBe(1);
    expect(failingItem(folder, { description: '', details: 'Permission denied: /calib/y.dat' })?.index).toBe(0);
    expect(failingItem(folder, { description: '', details: 'Connection reset' })).toBeNull();
    expect(failingItem({ ...submission, DATA: [submission.DATA[0]!] }, null)?.index).toBe(0);
    expect(failingItem({ endpoint: 'e', submission_id: 's', DATA: [{ DATA_TYPE: 'delete_item', path: '/a' }] }, null)).toBeNull();
  });
});
