import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errors } from '@globus/sdk';
import {
  DEMO_DESTINATION_COLLECTION_ID as DST,
  DEMO_SOURCE_COLLECTION_ID as SRC,
  TRANSFER_SCOPE,
  transferScopeWithDataAccess,
} from './index';
import { sdkClient, waitForTask, type SdkClient } from './sdk-client';
import { signIn, slowFile, startHarness, waitFor, writeTree, type Harness } from './test-harness';

let h: Harness;
let api: SdkClient;
let srcRoot: string;

beforeEach(async () => {
  h = await startHarness();
  srcRoot = join(h.root, 'collections', 'source');
  api = sdkClient((await signIn()).manager);
  await writeTree(srcRoot, { 'set/a.txt': 'a', 'set/bad.txt': 'b', 'set/c.txt': 'c' });
});
afterEach(async () => {
  await h.close();
});

const setItem = [{ source_path: '/set', destination_path: '/set', recursive: true }];

describe('Fault injection', () => {
  it('fails the next N requests with 5xx, then answers normally', async () => {
    await h.emulator.control.failRequests({ count: 2, pathPrefix: '/v0.10/task_list' });
    const first = await api.taskList();
    expect(first.status).toBe(503);
    expect(first.body).toMatchObject({ code: 'ServiceUnavailable' });
    expect(typeof first.body['request_id']).toBe('string');
    expect((await api.taskList()).status).toBe(503);
    expect((await api.taskList()).status).toBe(200);
    await h.emulator.control.failRequests({ count: 1, status: 500 });
    expect(await api.endpoint(SRC)).toMatchObject({ status: 500, body: { code: 'InternalError' } });
  });

  it('delays responses', async () => {
    await h.emulator.control.delayResponses({ ms: 300, count: 1 });
    const started = Date.now();
    expect((await api.endpoint(SRC)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('a failing file keeps the task ACTIVE with faults and error events, then FAILED at the deadline', async () => {
    await h.emulator.control.failFiles({ pathContains: 'bad.txt', errorCode: 'PERMISSION_DENIED' });
    const deadline = new Date(Date.now() + 1_500).toISOString();
    const res = await api.submit({ source: SRC, destination: DST, deadline, items: setItem });
    const id = String(res.body['task_id']);
    const faulted = await waitFor(async () => {
      const t = await api.task(id);
      return Number(t['faults']) >= 2 ? t : undefined;
    }, 'retried faults');
    expect(faulted).toMatchObject({ status: 'ACTIVE', nice_status: 'PERMISSION_DENIED', is_ok: false, files_transferred: 2 });
    const errorsOnly = await api.events(id, { filter: 'is_error:1' });
    expect((errorsOnly.body['DATA'] as { code: string; is_error: boolean }[])[0]).toMatchObject({ code: 'PERMISSION_DENIED', is_error: true });
    const task = await waitForTask(api, id);
    expect(task).toMatchObject({ status: 'FAILED', fatal_error: { code: 'DEADLINE_EXPIRED' }, subtasks_expired: 1 });
  });

  it('a file that fails a limited number of times is retried and the task succeeds', async () => {
    await h.emulator.control.failFiles({ pathContains: 'bad.txt', errorCode: 'CONNECTION_RESET', times: 2 });
    const res = await api.submit({ source: SRC, destination: DST, items: setItem });
    const task = await waitForTask(api, String(res.body['task_id']));
    expect(task).toMatchObject({ status: 'SUCCEEDED', faults: 2, files_transferred: 3 });
  });

  it('skip_source_errors records the file in skipped_errors and the task succeeds', async () => {
    await h.emulator.control.failFiles({ pathContains: 'bad.txt', errorCode: 'FILE_NOT_FOUND' });
    const res = await api.submit({ source: SRC, destination: DST, skip_source_errors: true, items: setItem });
    const id = String(res.body['task_id']);
    expect(await waitForTask(api, id)).toMatchObject({ status: 'SUCCEEDED', files_transferred: 2, subtasks_skipped_errors: 1 });
    const skipped = await api.skipped(id);
    expect(skipped.body).toMatchObject({
      DATA_TYPE: 'skipped_errors',
      DATA: [{ DATA_TYPE: 'skipped_error', source_path: '/set/bad.txt', error_code: 'FILE_NOT_FOUND' }],
    });
  });

  it('a stalled task stays ACTIVE without progress until released', async () => {
    const slow = await slowFile(h, srcRoot);
    const res = await api.submit({ source: SRC, destination: DST, items: [slow.item] });
    const id = String(res.body['task_id']);
    await h.emulator.control.stallTask(id);
    await slow.release();
    // Once two polls agree, several more polls (each a full round trip through the SDK) see no progress.
    let last = -1;
    const settled = await waitFor(async () => {
      const bytes = Number((await api.task(id))['bytes_transferred']);
      const same = bytes === last;
      last = bytes;
      return same ? bytes : undefined;
    }, 'the stalled byte count to settle');
    for (let i = 0; i < 5; i++) {
      expect(await api.task(id)).toMatchObject({ status: 'ACTIVE', files_transferred: 0, bytes_transferred: settled });
    }
    expect(settled).toBeLessThan(1 << 20);
    await h.emulator.control.stallTask(id, false);
    expect(await waitForTask(api, id)).toMatchObject({ status: 'SUCCEEDED', files_transferred: 1, bytes_transferred: 1 << 20 });
  });

  it('a task made INACTIVE stops, and resumes when reactivated', async () => {
    const slow = await slowFile(h, srcRoot);
    const res = await api.submit({ source: SRC, destination: DST, items: [...setItem, slow.item] });
    const id = String(res.body['task_id']);
    await h.emulator.control.setTaskInactive(id);
    expect(await api.task(id)).toMatchObject({ status: 'INACTIVE' });
    expect((await api.taskList({ filter: 'status:INACTIVE' })).body['total']).toBe(1);
    await slow.release();
    await h.emulator.control.setTaskInactive(id, false);
    expect(await waitForTask(api, id)).toMatchObject({ status: 'SUCCEEDED', files_transferred: 4 });
    expect(await readFile(join(h.root, 'collections', 'destination', 'set', 'c.txt'), 'utf8')).toBe('c');
    expect((await readFile(join(h.root, 'collections', 'destination', 'slow', 'big.bin'))).length).toBe(1 << 20);
  });

  it('requires data_access consent: 403 ConsentRequired with required_scopes, then works after consenting', async () => {
    await h.emulator.control.requireConsent(DST);
    const denied = await api.ls(DST, '/');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'ConsentRequired', required_scopes: [transferScopeWithDataAccess(DST)] });
    expect(errors.isConsentRequiredError(denied.body)).toBe(true);
    expect(errors.isAuthorizationRequirementsError(denied.body)).toBe(true);
    const submit = await api.submit({ source: SRC, destination: DST, items: setItem });
    expect(submit).toMatchObject({ status: 403, body: { code: 'ConsentRequired' } });
    expect((await api.ls(SRC, '/')).status).toBe(200);

    const scope = errors.toAuthorizationQueryParams(denied.body as Parameters<typeof errors.toAuthorizationQueryParams>[0])['scope'];
    expect(scope).toBe(`${TRANSFER_SCOPE}[*https://auth.globus.org/scopes/${DST}/data_access]`);
    const consented = sdkClient((await signIn({ scope: `openid ${scope ?? ''}` })).manager);
    expect((await consented.ls(DST, '/')).status).toBe(200);
    expect((await consented.submit({ source: SRC, destination: DST, items: setItem })).status).toBe(202);

    await h.emulator.control.reset();
    expect((await api.ls(DST, '/')).status).toBe(200);
  });
});
