import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGlobusAuth, type GlobusAuth } from './auth-service';
import { plainFileCipher } from './secret-cipher';
import { FAKE_CLIENT_ID, startFakeGlobus, type FakeGlobus } from './testing/fake-globus';
import { createTransferService } from './transfer-service';
import { GlobusApiError, type TransferService } from './transfer-port';

const COLLECTION = 'b7e2d9c4-1f3a-4b6c-8d0e-5a7c9e1b3d24';

describe('Transfer service over @globus/sdk (against a fake Globus)', () => {
  let fake: FakeGlobus;
  let dir: string;
  let auth: GlobusAuth;
  let service: TransferService;
  let waits: number[];
  const cleanup: (() => Promise<void>)[] = [];

  const signedIn = async (target: FakeGlobus, file: string): Promise<GlobusAuth> => {
    const a = createGlobusAuth({
      tokenFile: file,
      cipher: plainFileCipher(),
      environment: () => target.env,
      clientId: () => FAKE_CLIENT_ID,
      openBrowser: async (url) => {
        await fetch(url);
      },
    });
    cleanup.push(() => a.dispose());
    await a.login();
    return a;
  };

  beforeEach(async () => {
    fake = await startFakeGlobus();
    cleanup.push(() => fake.close());
    dir = await mkdtemp(join(tmpdir(), 'ferry-transfer-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    auth = await signedIn(fake, join(dir, 'tokens.json'));
    waits = [];
    service = createTransferService({
      auth,
      retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it('lists a folder with size and last_modified, and creates one', async () => {
    const made = await service.mkdir(COLLECTION, '/~/results/');
    expect(made).toMatchObject({ code: 'DirectoryCreated' });
    const listing = await service.ls(COLLECTION, '/~/');
    expect(listing.path).toBe('/~/');
    expect(listing.DATA).toEqual([
      { name: 'data.h5', type: 'file', size: 1234, last_modified: '2024-05-01 10:00:00+00:00', permissions: '0644' },
      { name: 'results', type: 'dir', size: 4096, last_modified: '2024-05-02 10:00:00+00:00' },
    ]);
    const lsCall = fake.requests.find((r) => r.path.endsWith('/ls'));
    expect(lsCall?.path).toBe(`/v0.10/operation/endpoint/${COLLECTION}/ls`);
  });

  it('retries 5xx with backoff and then succeeds', async () => {
    fake.script('GET', '/v0.10/submission_id', { status: 503, body: { code: 'ServiceUnavailable', message: 'busy' } }, { status: 500, body: {} });
    const id = await service.getSubmissionId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.requests.filter((r) => r.path === '/v0.10/submission_id')).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1] ?? 0).toBeLessThanOrEqual(40);
  });

  it('retries a dropped connection', async () => {
    fake.script('GET', '/v0.10/submission_id', { status: 0, body: null });
    await expect(service.getSubmissionId()).resolves.toMatch(/^[0-9a-f-]{36}$/);
    expect(waits).toHaveLength(1);
  });

  it('gives up after the bounded attempts with a typed error carrying the request id', async () => {
    const busy = { status: 502, body: { code: 'ServiceUnavailable', message: 'Transfer is down for maintenance', request_id: 'rq-502' } };
    fake.script('GET', '/v0.10/task/', busy, busy, busy, busy);
    const error = await service.getTask('t1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlobusApiError);
    expect(error).toMatchObject({ code: 'ServiceUnavailable', status: 502, requestId: 'rq-502', message: 'Transfer is down for maintenance' });
    expect(waits).toHaveLength(2);
  });

  it('never retries a 4xx', async () => {
    const error = await service.getTask('missing').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ClientError.NotFound', status: 404, requestId: 'r404' });
    expect(fake.requests.filter((r) => r.path === '/v0.10/task/missing')).toHaveLength(1);
    fake.script('POST', '/v0.10/transfer', { status: 409, body: { code: 'Conflict', message: 'A transfer with identical paths has not yet completed', request_id: 'r409' } });
    await expect(
      service.submitTransfer({ source_endpoint: COLLECTION, destination_endpoint: COLLECTION, submission_id: 's', DATA: [{ source_path: '/a', destination_path: '/b' }] }),
    ).rejects.toMatchObject({ code: 'Conflict', status: 409 });
    expect(fake.requests.filter((r) => r.path === '/v0.10/transfer')).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it('does not retry a collection\'s own 502 answer (mkdir on an existing path)', async () => {
    await service.mkdir(COLLECTION, '/~/x/');
    await expect(service.mkdir(COLLECTION, '/~/x/')).rejects.toMatchObject({ code: 'ExternalError.MkdirFailed.Exists', status: 502 });
    expect(waits).toEqual([]);
  });

  it('treats a reused submission id (Duplicate) as the original task', async () => {
    fake.script('POST', '/v0.10/transfer', { status: 409, body: { code: 'Duplicate', task_id: 'task-1', submission_id: 'sub-1', message: 'dup', request_id: 'rd' } });
    const result = await service.submitTransfer({
      source_endpoint: COLLECTION,
      destination_endpoint: COLLECTION,
      submission_id: 'sub-1',
      DATA: [{ source_path: '/a', destination_path: '/b' }],
    });
    expect(result).toEqual({ task_id: 'task-1', submission_id: 'sub-1', code: 'Duplicate', message: 'dup', request_id: 'rd' });
  });

  it('sends every call to the environment of its own service, even interleaved', async () => {
    const other = await startFakeGlobus();
    cleanup.push(() => other.close());
    const otherAuth = await signedIn(other, join(dir, 'other.json'));
    const otherService = createTransferService({ auth: otherAuth });
    const before = { a: fake.requests.length, b: other.requests.length };
    await Promise.all([service.getSubmissionId(), otherService.getSubmissionId(), service.ls(COLLECTION, '/'), otherService.ls(COLLECTION, '/')]);
    expect(fake.requests.length - before.a).toBe(2);
    expect(other.requests.length - before.b).toBe(2);
    expect(process.env.GLOBUS_SDK_SERVICE_URL_TRANSFER).toBeUndefined();
    expect(process.env.GLOBUS_SDK_SERVICE_URL_AUTH).toBeUndefined();
  });

  it('says so when Globus cannot be reached', async () => {
    await fake.close();
    const error = await service.getSubmissionId().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'NetworkError', status: 0 });
    expect((error as Error).message).toMatch(/Could not reach Globus Transfer/);
    expect(waits).toHaveLength(2);
  });
});
