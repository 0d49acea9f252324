import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DESTINATION_COLLECTION_ID as DST, DEMO_SOURCE_COLLECTION_ID as SRC } from './index';
import { sdkClient, type Doc, type SdkClient } from './sdk-client';
import { signIn, slowFile, startHarness, waitFor, writeTree, type Harness } from './test-harness';

let h: Harness;
let api: SdkClient;
let srcRoot: string;

beforeEach(async () => {
  h = await startHarness();
  srcRoot = join(h.root, 'collections', 'source');
  api = sdkClient((await signIn()).manager);
});
afterEach(async () => {
  await h.close();
});

const errorEvents = async (taskId: string): Promise<Doc[]> => (await api.events(taskId, { filter: 'is_error:1' })).body['DATA'] as Doc[];

describe('Faults and error events on demand', () => {
  it('an injected event shows in event_list and raises faults on a running task', async () => {
    const slow = await slowFile(h, srcRoot);
    const submitted = await api.submit({ source: SRC, destination: DST, items: [slow.item] });
    const taskId = String(submitted.body['task_id']);
    expect(await h.emulator.control.injectTaskEvent(taskId, { code: 'CONNECTION_RESET' })).toMatchObject({ faults: 1 });
    const custom = await h.emulator.control.injectTaskEvent(taskId, { code: 'ENDPOINT_TOO_BUSY', description: 'endpoint too busy', details: 'The endpoint is too busy' });
    expect(custom.faults).toBe(2);

    const task = await api.task(taskId);
    expect(task).toMatchObject({ status: 'ACTIVE', faults: 2, nice_status: 'ENDPOINT_TOO_BUSY' });
    const events = await errorEvents(taskId);
    expect(events.slice(0, 2)).toEqual([
      expect.objectContaining({ DATA_TYPE: 'event', code: 'ENDPOINT_TOO_BUSY', is_error: true, description: 'endpoint too busy', details: 'The endpoint is too busy' }),
      expect.objectContaining({ code: 'CONNECTION_RESET', is_error: true, description: 'connection reset' }),
    ]);
    expect(String(events[1]?.['details'])).toContain('Connection reset by peer');
    await api.cancel(taskId);
    await expect(h.emulator.control.injectTaskEvent(taskId)).rejects.toThrow(/404/);
  });

  it('a FILE_NOT_FOUND fault without a limit keeps the task ACTIVE with faults rising and GridFTP-like details', async () => {
    await writeTree(srcRoot, { 'gone/a.txt': 'a', 'gone/missing.txt': 'm' });
    await h.emulator.control.failFiles({ pathContains: 'missing.txt', errorCode: 'FILE_NOT_FOUND' });
    const submitted = await api.submit({ source: SRC, destination: DST, items: [{ source_path: '/gone/', destination_path: '/gone/', recursive: true }] });
    const taskId = String(submitted.body['task_id']);
    const task = await waitFor(async () => {
      const t = await api.task(taskId);
      return Number(t['faults']) >= 2 ? t : undefined;
    }, 'repeated faults');
    expect(task).toMatchObject({ status: 'ACTIVE', nice_status: 'FILE_NOT_FOUND', is_ok: false });
    const [latest] = await errorEvents(taskId);
    expect(latest).toMatchObject({ code: 'FILE_NOT_FOUND', is_error: true, description: 'file not found' });
    const details = String(latest?.['details']);
    expect(details).toContain('Endpoint: Ferry Demo Source');
    expect(details).toContain('File: /gone/missing.txt');
    expect(details).toMatch(/550-GlobusError: v=1 c=PATH_NOT_FOUND/);
    expect(details).toMatch(/550-GridFTP-Error-String: No such file or directory/);
    await api.cancel(taskId);
  });
});
