import { transfer } from '@globus/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DESTINATION_COLLECTION_ID as DST, DEMO_SOURCE_COLLECTION_ID as SRC } from './index';
import { sdkClient, waitForTask, type SdkClient } from './sdk-client';
import { signIn, startHarness, writeTree, type Harness } from './test-harness';
import { join } from 'node:path';

let h: Harness;
let api: SdkClient;
let o: { manager: Awaited<ReturnType<typeof signIn>>['manager'] };

beforeEach(async () => {
  h = await startHarness();
  o = { manager: (await signIn()).manager };
  api = sdkClient(o.manager);
});
afterEach(async () => {
  await h.close();
});

const json = async (r: Promise<Response>) => {
  const res = await r;
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('Transfer bookmarks', () => {
  it('creates, lists, renames and deletes the person\u2019s bookmarks through @globus/sdk', async () => {
    const made = await json(transfer.collectionBookmarks.create({ payload: { name: 'Runs', endpoint_id: SRC, path: '/runs' } } as never, o));
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ DATA_TYPE: 'bookmark', name: 'Runs', endpoint_id: SRC, path: '/runs/' });
    const id = String(made.body['id']);
    const dup = await json(transfer.collectionBookmarks.create({ payload: { name: 'Runs', endpoint_id: DST, path: '/' } } as never, o));
    expect(dup.status).toBe(409);
    const badPath = await json(transfer.collectionBookmarks.create({ payload: { name: 'x', endpoint_id: DST, path: 'relative' } } as never, o));
    expect(badPath.status).toBe(400);

    expect((await json(transfer.collectionBookmarks.getAll({}, o))).body['DATA']).toEqual([made.body]);
    const renamed = await json(transfer.collectionBookmarks.update(id, { payload: { name: 'Detector runs' } } as never, o));
    expect(renamed.body['name']).toBe('Detector runs');
    expect((await json(transfer.collectionBookmarks.remove(id, {}, o))).body).toMatchObject({ code: 'Deleted' });
    expect((await json(transfer.collectionBookmarks.get(id, {}, o))).status).toBe(404);
  });

  it('a task document echoes the options it was submitted with, and pause_info answers', async () => {
    await writeTree(join(h.root, 'collections', 'source'), { 'r/a.txt': 'a', 'r/b.log': 'b' });
    const submitted = await json(
      transfer.taskSubmission.submitTransfer(
        {
          payload: {
            submission_id: await api.submissionId(),
            source_endpoint: SRC,
            destination_endpoint: DST,
            encrypt_data: true,
            fail_on_quota_errors: true,
            filter_rules: [{ DATA_TYPE: 'filter_rule', method: 'exclude', name: '*.log', type: 'file' }],
            DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/r/', destination_path: '/r/', recursive: true }],
          },
        } as never,
        o,
      ),
    );
    const task = await waitForTask(api, String(submitted.body['task_id']));
    expect(task).toMatchObject({
      status: 'SUCCEEDED',
      encrypt_data: true,
      fail_on_quota_errors: true,
      delete_destination_extra: false,
      filter_rules: [{ DATA_TYPE: 'filter_rule', method: 'exclude', name: '*.log', type: 'file' }],
    });
    const pause = await json(transfer.task.getPauseInfo(String(task['task_id']), {}, o));
    expect(pause.body).toMatchObject({ DATA_TYPE: 'pause_info_limited', pause_rules: [] });
  });
});
