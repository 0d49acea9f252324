import { readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_DESTINATION_COLLECTION_ID as DST,
  DEMO_SOURCE_COLLECTION_ID as SRC,
  PENDING_TASK_LIMIT,
  PENDING_TASK_LIMIT_CODE,
} from './index';
import { sdkClient, waitForTask, type SdkClient } from './sdk-client';
import { signIn, slowFile, startHarness, waitFor, writeTree, type Harness } from './test-harness';

let h: Harness;
let api: SdkClient;
let srcRoot: string;
let dstRoot: string;

beforeEach(async () => {
  h = await startHarness();
  srcRoot = join(h.root, 'collections', 'source');
  dstRoot = join(h.root, 'collections', 'destination');
  api = sdkClient((await signIn()).manager);
});
afterEach(async () => {
  await h.close();
});

const tree: Record<string, string | Buffer> = {
  'run1/a.txt': 'alpha',
  'run1/b.bin': Buffer.alloc(200_000, 7),
  'run1/sub/c.txt': 'gamma',
  'run1/sub/deeper/d.txt': 'delta',
  'run1/empty-dir/.keep': '',
};

describe('Transfer tasks', () => {
  it('copies a directory tree recursively; the bytes match and the task document adds up', async () => {
    await writeTree(srcRoot, tree);
    const submitted = await api.submit({ source: SRC, destination: DST, label: 'tree copy', items: [{ source_path: '/run1/', destination_path: '/copy/run1/', recursive: true }] });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ DATA_TYPE: 'transfer_result', code: 'Accepted', resource: '/transfer' });
    const task = await waitForTask(api, String(submitted.body['task_id']));
    expect(task).toMatchObject({
      status: 'SUCCEEDED',
      type: 'TRANSFER',
      label: 'tree copy',
      files: 5,
      directories: 4,
      files_transferred: 5,
      files_skipped: 0,
      bytes_transferred: 200_015,
      faults: 0,
      subtasks_total: 5,
      subtasks_succeeded: 5,
      subtasks_pending: 0,
      nice_status: null,
      fatal_error: null,
      source_endpoint_display_name: 'Ferry Demo Source',
    });
    expect(task['completion_time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    for (const [rel, content] of Object.entries(tree)) {
      const copied = await readFile(join(dstRoot, 'copy', rel));
      expect(copied.equals(Buffer.from(content))).toBe(true);
    }
    const ok = await api.successful(String(task['task_id']));
    expect(ok.body['DATA']).toHaveLength(5);
    expect(ok.body['DATA']).toContainEqual({ DATA_TYPE: 'successful_transfer', source_path: '/run1/sub/c.txt', destination_path: '/copy/run1/sub/c.txt' });
    const paged = await api.successful(String(task['task_id']), { limit: 2 });
    expect(paged.body['DATA']).toHaveLength(2);
    expect(paged.body['next_marker']).not.toBeNull();
    const events = await api.events(String(task['task_id']));
    expect((events.body['DATA'] as { code: string }[])[0]?.code).toBe('SUCCEEDED');
  });

  it('skips unchanged files with sync_level mtime on a second run', async () => {
    await writeTree(srcRoot, tree);
    const item = { source_path: '/run1', destination_path: '/mirror', recursive: true };
    const first = await api.submit({ source: SRC, destination: DST, sync_level: 2, preserve_timestamp: true, items: [item] });
    expect(await waitForTask(api, String(first.body['task_id']))).toMatchObject({ status: 'SUCCEEDED', files_transferred: 5 });
    const changed = join(srcRoot, 'run1', 'sub', 'c.txt');
    await writeFile(changed, 'gamma, edited');
    const later = new Date(Date.now() + 5_000);
    await utimes(changed, later, later);
    const second = await api.submit({ source: SRC, destination: DST, sync_level: 2, preserve_timestamp: true, items: [item] });
    const task = await waitForTask(api, String(second.body['task_id']));
    expect(task).toMatchObject({ status: 'SUCCEEDED', files: 5, files_transferred: 1, files_skipped: 4, sync_level: 2 });
    expect(await readFile(join(dstRoot, 'mirror', 'sub', 'c.txt'), 'utf8')).toBe('gamma, edited');
    expect(Math.floor((await stat(join(dstRoot, 'mirror', 'sub', 'c.txt'))).mtimeMs / 1000)).toBe(Math.floor(later.getTime() / 1000));
  });

  it('never runs a repeated submission_id twice: Duplicate with the original task_id', async () => {
    await writeTree(srcRoot, { 'one.txt': 'once' });
    const submissionId = await api.submissionId();
    const input = { source: SRC, destination: DST, submissionId, items: [{ source_path: '/one.txt', destination_path: '/one.txt' }] };
    const first = await api.submit(input);
    const again = await api.submit(input);
    expect(again.body).toMatchObject({ code: 'Duplicate', task_id: first.body['task_id'], submission_id: submissionId });
    await waitForTask(api, String(first.body['task_id']));
    const afterDone = await api.submit(input);
    expect(afterDone.body).toMatchObject({ code: 'Duplicate', task_id: first.body['task_id'] });
    const list = await api.taskList({ limit: 100 });
    expect(list.body['total']).toBe(1);
    expect(await api.successful(String(first.body['task_id']))).toMatchObject({ body: { DATA: [{ source_path: '/one.txt' }] } });
  });

  it('refuses a transfer with the identical paths of an unfinished one (409 Conflict)', async () => {
    const slow = await slowFile(h, srcRoot);
    const items = [slow.item];
    const first = await api.submit({ source: SRC, destination: DST, items });
    const second = await api.submit({ source: SRC, destination: DST, items });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: 'Conflict', message: 'A transfer with identical paths has not yet completed', resource: '/transfer' });
    await slow.release();
    await waitForTask(api, String(first.body['task_id']));
    expect((await api.submit({ source: SRC, destination: DST, items })).status).toBe(202);
  });

  it('runs 3 transfers per user at once, queues the rest and refuses the 101st pending task', async () => {
    // Missing sources keep every task ACTIVE (retrying a FILE_NOT_FOUND fault until its deadline).
    const ids: string[] = [];
    for (let i = 0; i < PENDING_TASK_LIMIT; i++) {
      const res = await api.submit({ source: SRC, destination: DST, items: [{ source_path: `/missing/${i}`, destination_path: `/out/${i}` }] });
      expect(res.status).toBe(202);
      ids.push(String(res.body['task_id']));
    }
    const refused = await api.submit({ source: SRC, destination: DST, items: [{ source_path: '/missing/x', destination_path: '/out/x' }] });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: PENDING_TASK_LIMIT_CODE, resource: '/transfer' });
    expect(String(refused.body['message'])).toContain('100');

    const active = await api.taskList({ filter: 'status:ACTIVE,INACTIVE', limit: 1000 });
    expect(active.body['total']).toBe(PENDING_TASK_LIMIT);
    const queued = (active.body['DATA'] as { nice_status: string }[]).filter((t) => t.nice_status === 'Queued');
    expect(queued).toHaveLength(PENDING_TASK_LIMIT - 3);
    const running = await waitFor(async () => {
      const first = await api.task(ids[0] ?? '');
      return Number(first['faults']) > 0 ? first : undefined;
    }, 'the first task to hit its fault');
    expect(running).toMatchObject({ status: 'ACTIVE', nice_status: 'FILE_NOT_FOUND', is_ok: false });

    const cancel = await api.cancel(ids[0] ?? '');
    expect(cancel.body).toMatchObject({ DATA_TYPE: 'result', code: 'Canceled' });
    expect((await api.submit({ source: SRC, destination: DST, items: [{ source_path: '/missing/y', destination_path: '/out/y' }] })).status).toBe(202);
  });

  it('cancels: FAILED with fatal_error CANCELED; cancelling again answers TaskComplete', async () => {
    const slow = await slowFile(h, srcRoot);
    const res = await api.submit({ source: SRC, destination: DST, items: [slow.item] });
    const id = String(res.body['task_id']);
    expect((await api.cancel(id)).body).toMatchObject({ code: 'Canceled', message: 'The task has been cancelled successfully.' });
    const task = await api.task(id);
    expect(task).toMatchObject({ status: 'FAILED', fatal_error: { code: 'CANCELED', description: 'canceled' }, nice_status: null });
    expect(task['completion_time']).not.toBeNull();
    expect((await api.cancel(id)).body).toMatchObject({ code: 'TaskComplete' });
    const events = await api.events(id);
    expect((events.body['DATA'] as { code: string }[]).map((e) => e.code)).toContain('CANCELED');
  });

  it('deletes paths recursively with a DELETE task', async () => {
    await writeTree(dstRoot, { 'old/x.txt': 'x', 'old/y/z.txt': 'z' });
    const res = await api.submitDelete(DST, ['/old'], { recursive: true });
    expect(res.body).toMatchObject({ DATA_TYPE: 'delete_result', code: 'Accepted' });
    const task = await waitForTask(api, String(res.body['task_id']));
    expect(task).toMatchObject({ type: 'DELETE', status: 'SUCCEEDED', files: 2, directories: 2, sync_level: null });
    expect((await api.ls(DST, '/')).body['DATA']).toEqual([]);
  });

  it('lists tasks with filter, orderby, limit and offset', async () => {
    await writeTree(srcRoot, { 'f.txt': 'f' });
    const ids: string[] = [];
    for (const label of ['alpha one', 'beta two', 'alpha three']) {
      const res = await api.submit({ source: SRC, destination: DST, label, items: [{ source_path: '/f.txt', destination_path: `/${label.replace(' ', '-')}.txt` }] });
      ids.push(String(res.body['task_id']));
    }
    for (const id of ids) await waitForTask(api, id);
    const newestFirst = await api.taskList();
    expect(newestFirst.body).toMatchObject({ DATA_TYPE: 'task_list', total: 3, limit: 10, offset: 0 });
    expect((newestFirst.body['DATA'] as { task_id: string }[]).map((t) => t.task_id)).toEqual([...ids].reverse());
    const alpha = await api.taskList({ filter: 'label:~alpha/status:SUCCEEDED', orderby: 'request_time ASC' });
    expect((alpha.body['DATA'] as { label: string }[]).map((t) => t.label)).toEqual(['alpha one', 'alpha three']);
    const page = await api.taskList({ limit: 1, offset: 1, orderby: 'label ASC' });
    expect(page.body).toMatchObject({ total: 3, length: 1, DATA: [{ label: 'alpha three' }] });
    expect((await api.taskList({ filter: 'status:ACTIVE' })).body['total']).toBe(0);
    expect((await api.taskList({ filter: 'bogus:1' })).status).toBe(400);
    expect((await api.taskList({ limit: 5000 })).status).toBe(400);
  });
});

describe('Collections and file operations', () => {
  it('gets and searches collections', async () => {
    const col = await api.endpoint(SRC);
    expect(col.body).toMatchObject({ DATA_TYPE: 'endpoint', id: SRC, display_name: 'Ferry Demo Source', entity_type: 'GCSv5_mapped_collection' });
    const found = await api.search('ferry destination');
    expect(found.body).toMatchObject({ DATA_TYPE: 'endpoint_list', DATA: [{ id: DST }] });
    expect((await api.endpoint('00000000-0000-4000-8000-000000000000')).body).toMatchObject({ code: 'EndpointNotFound' });
  });

  it('ls, mkdir and rename answer like Transfer, errors included', async () => {
    await writeTree(srcRoot, { 'data/one.txt': '1', 'data/.hidden': 'h' });
    const ls = await api.ls(SRC, '/~/data/');
    expect(ls.status).toBe(200);
    expect(ls.body).toMatchObject({ DATA_TYPE: 'file_list', path: '/~/data/', absolute_path: '/data/', total: 2 });
    expect(ls.body['DATA']).toContainEqual(expect.objectContaining({ DATA_TYPE: 'file', name: 'one.txt', type: 'file', size: 1 }));
    const missing = await api.ls(SRC, '/nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'ClientError.NotFound' });
    expect(typeof missing.body['request_id']).toBe('string');
    const file = await api.ls(SRC, '/data/one.txt');
    expect(file).toMatchObject({ status: 502, body: { code: 'ExternalError.DirListingFailed.NotDirectory' } });

    const made = await api.mkdir(SRC, '/data/new');
    expect(made.body).toMatchObject({ DATA_TYPE: 'mkdir_result', code: 'DirectoryCreated' });
    const again = await api.mkdir(SRC, '/data/new');
    expect(again).toMatchObject({ status: 502, body: { code: 'ExternalError.MkdirFailed.Exists' } });

    const renamed = await api.rename(SRC, '/data/one.txt', '/data/new/uno.txt');
    expect(renamed.body).toMatchObject({ code: 'FileRenamed' });
    expect(await readFile(join(srcRoot, 'data', 'new', 'uno.txt'), 'utf8')).toBe('1');
    expect((await api.rename(SRC, '/data/one.txt', '/x')).status).toBe(404);

    const escape = await api.ls(SRC, '/../../..');
    expect((escape.body['DATA'] as { name: string }[]).map((e) => e.name)).toEqual(['data']);
  });
});

describe('Persistence', () => {
  it('keeps tasks and tokens across a restart and resumes an unfinished task', async () => {
    await writeTree(srcRoot, { 'p/1.bin': Buffer.alloc(40_000, 1), 'p/2.bin': Buffer.alloc(40_000, 2) });
    const { manager } = await signIn();
    const client = sdkClient(manager);
    const done = await client.submit({ source: SRC, destination: DST, items: [{ source_path: '/p/1.bin', destination_path: '/done.bin' }] });
    await waitForTask(client, String(done.body['task_id']));
    await h.emulator.control.settings({ bandwidthBytesPerSecond: 20_000 });
    const slow = await client.submit({ source: SRC, destination: DST, items: [{ source_path: '/p', destination_path: '/resumed', recursive: true }] });
    const slowId = String(slow.body['task_id']);
    await waitFor(async () => Number((await client.task(slowId))['bytes_transferred']) > 0, 'the slow task to make progress');

    await h.emulator.close();
    const restarted = await startHarness({ root: h.root });
    try {
      const list = await client.taskList({ limit: 10 });
      expect(list.status).toBe(200);
      expect(list.body['total']).toBe(2);
      const task = await waitForTask(client, slowId);
      expect(task).toMatchObject({ status: 'SUCCEEDED', files: 2 });
      expect((await readFile(join(dstRoot, 'resumed', '2.bin'))).equals(Buffer.alloc(40_000, 2))).toBe(true);
    } finally {
      await restarted.close();
    }
  });
});
