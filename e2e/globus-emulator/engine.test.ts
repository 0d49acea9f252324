/**
 * Transfer options as the service applies them: filter_rules, delete_destination_extra,
 * preserve_timestamp, fail_on_quota_errors, encrypt_data; delete of a missing path; empty DATA.
 */
import { transfer, type authorization } from '@globus/sdk';
import { randomUUID } from 'node:crypto';
import { readdir, stat, utimes } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { globToRegExp, passesFilter } from './engine';
import { DEMO_DESTINATION_COLLECTION_ID as DST, DEMO_SOURCE_COLLECTION_ID as SRC } from './index';
import { sdkClient, waitForTask, type Doc, type SdkClient } from './sdk-client';
import { signIn, startHarness, writeTree, type Harness } from './test-harness';

let h: Harness;
let api: SdkClient;
let manager: authorization.AuthorizationManager;
let srcRoot: string;
let dstRoot: string;

beforeEach(async () => {
  h = await startHarness();
  srcRoot = join(h.root, 'collections', 'source');
  dstRoot = join(h.root, 'collections', 'destination');
  manager = (await signIn()).manager;
  api = sdkClient(manager);
});
afterEach(async () => {
  await h.close();
});

/** POST /transfer with any document fields (the SDK sends the payload as given). */
async function submit(fields: Doc, data: readonly Doc[]): Promise<{ status: number; body: Doc }> {
  const res = await transfer.taskSubmission.submitTransfer(
    {
      payload: {
        submission_id: randomUUID(),
        source_endpoint: SRC,
        destination_endpoint: DST,
        ...fields,
        DATA: data.map((d) => ({ DATA_TYPE: 'transfer_item', ...d })),
      } as never,
    },
    { manager },
  );
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Doc };
}

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (dir: string): Promise<void> => {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (d.isDirectory()) await visit(join(dir, d.name));
      else out.push(relative(root, join(dir, d.name)));
    }
  };
  await visit(root);
  return out.sort();
}

describe('filter rules (pure)', () => {
  it('matches whole names with fnmatch globs', () => {
    expect(globToRegExp('*.tmp').test('a.tmp')).toBe(true);
    expect(globToRegExp('*.tmp').test('a.tmp.bak')).toBe(false);
    expect(globToRegExp('file?.[ch]').test('file1.c')).toBe(true);
    expect(globToRegExp('[!a]*').test('abc')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
  it('lets the first rule whose type fits decide; none: included', () => {
    const rules = [
      { method: 'include', name: 'keep.tmp', type: 'file' },
      { method: 'exclude', name: '*.tmp' },
      { method: 'exclude', name: 'cache', type: 'dir' },
    ] as const;
    expect(passesFilter(rules, 'keep.tmp', 'file')).toBe(true);
    expect(passesFilter(rules, 'x.tmp', 'file')).toBe(false);
    expect(passesFilter(rules, 'cache', 'dir')).toBe(false);
    expect(passesFilter(rules, 'cache', 'file')).toBe(true);
    expect(passesFilter(rules, 'data.bin', 'file')).toBe(true);
  });
});

describe('transfer options', () => {
  it('applies ordered filter_rules to names below a recursive item; an excluded folder is not entered', async () => {
    await writeTree(srcRoot, { 'r/a.txt': 'a', 'r/b.tmp': 'b', 'r/keep.tmp': 'k', 'r/cache/c.txt': 'c', 'r/sub/cache': 'file named cache', 'r/sub/d.tmp': 'd' });
    const res = await submit(
      {
        filter_rules: [
          { DATA_TYPE: 'filter_rule', method: 'include', name: 'keep.tmp', type: 'file' },
          { DATA_TYPE: 'filter_rule', method: 'exclude', name: '*.tmp' },
          { DATA_TYPE: 'filter_rule', method: 'exclude', name: 'cache', type: 'dir' },
        ],
      },
      [{ source_path: '/r/', destination_path: '/out/', recursive: true }],
    );
    expect(res.status).toBe(202);
    expect(await waitForTask(api, String(res.body['task_id']))).toMatchObject({ status: 'SUCCEEDED', files_transferred: 3 });
    expect(await files(join(dstRoot, 'out'))).toEqual(['a.txt', 'keep.tmp', 'sub/cache']);
  });

  it('delete_destination_extra removes what the source lacks, within the transferred folder, sparing excluded names', async () => {
    await writeTree(srcRoot, { 'r/a.txt': 'a', 'r/sub/b.txt': 'b' });
    await writeTree(dstRoot, { 'out/a.txt': 'old', 'out/extra.txt': 'x', 'out/gone/c.txt': 'c', 'out/sub/stale.txt': 's', 'out/notes.tmp': 'n', 'outside.txt': 'o' });
    const res = await submit(
      { delete_destination_extra: true, sync_level: 3, filter_rules: [{ DATA_TYPE: 'filter_rule', method: 'exclude', name: '*.tmp', type: 'file' }] },
      [{ source_path: '/r/', destination_path: '/out/', recursive: true }],
    );
    expect(res.status).toBe(202);
    expect(await waitForTask(api, String(res.body['task_id']))).toMatchObject({ status: 'SUCCEEDED' });
    expect(await files(join(dstRoot, 'out'))).toEqual(['a.txt', 'notes.tmp', 'sub/b.txt']);
    expect(await files(dstRoot)).toContain('outside.txt');
  });

  it('preserve_timestamp keeps the source mtime; encrypt_data and fail_on_quota_errors are accepted', async () => {
    await writeTree(srcRoot, { 'p/f.txt': 'f' });
    const when = new Date('2021-05-06T07:08:09Z');
    await utimes(join(srcRoot, 'p/f.txt'), when, when);
    const res = await submit({ preserve_timestamp: true, encrypt_data: true, fail_on_quota_errors: true }, [{ source_path: '/p/f.txt', destination_path: '/f.txt' }]);
    expect(res.status).toBe(202);
    expect(await waitForTask(api, String(res.body['task_id']))).toMatchObject({ status: 'SUCCEEDED' });
    expect(Math.floor((await stat(join(dstRoot, 'f.txt'))).mtimeMs / 1000)).toBe(Math.floor(when.getTime() / 1000));
  });

  it('fail_on_quota_errors ends the task FAILED at the first quota error instead of retrying', async () => {
    await writeTree(srcRoot, { 'q/f.txt': 'f' });
    await h.emulator.control.failFiles({ pathContains: '/q/f.txt', errorCode: 'QUOTA_EXCEEDED' });
    const res = await submit({ fail_on_quota_errors: true }, [{ source_path: '/q/f.txt', destination_path: '/q.txt' }]);
    const task = await waitForTask(api, String(res.body['task_id']));
    expect(task).toMatchObject({ status: 'FAILED' });
    expect(JSON.stringify(task['fatal_error'])).toContain('QUOTA_EXCEEDED');
  });

  it('refuses bad option values and an empty DATA (NoTransferItems)', async () => {
    const empty = await submit({}, []);
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'ClientError.BadRequest.NoTransferItems', message: 'A transfer requires at least one item' });
    const badRule = await submit({ filter_rules: [{ DATA_TYPE: 'filter_rule', method: 'skip', name: '*' }] }, [{ source_path: '/a', destination_path: '/b' }]);
    expect(badRule.status).toBe(400);
    const badBool = await submit({ encrypt_data: 'yes' }, [{ source_path: '/a', destination_path: '/b' }]);
    expect(badBool.status).toBe(400);
  });
});

describe('delete tasks', () => {
  it('a missing path fails the task with FILE_NOT_FOUND; with ignore_missing it succeeds', async () => {
    const failed = await api.submitDelete(DST, ['/not-there']);
    const task = await waitForTask(api, String(failed.body['task_id']));
    expect(task).toMatchObject({ type: 'DELETE', status: 'FAILED' });
    expect(JSON.stringify(task['fatal_error'])).toContain('FILE_NOT_FOUND');
    const ignored = await api.submitDelete(DST, ['/not-there'], { ignore_missing: true });
    expect(await waitForTask(api, String(ignored.body['task_id']))).toMatchObject({ status: 'SUCCEEDED' });
  });
});
