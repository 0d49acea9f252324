import { join } from 'node:path';
import { errors, timers, type authorization } from '@globus/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEMO_DESTINATION_COLLECTION_ID as DST,
  DEMO_SOURCE_COLLECTION_ID as SRC,
  TIMERS_RESOURCE_SERVER,
  TRANSFER_SCOPE,
  timersScopeWithDataAccess,
  transferScopeWithDataAccess,
} from './index';
import { sdkClient, waitForTask, type Doc } from './sdk-client';
import { signIn, startHarness, waitFor, writeTree, type Harness } from './test-harness';

let h: Harness;
let srcRoot: string;

beforeEach(async () => {
  h = await startHarness();
  srcRoot = join(h.root, 'collections', 'source');
  await writeTree(srcRoot, { 'timed/a.txt': 'alpha', 'timed/sub/b.txt': 'beta' });
});
afterEach(async () => {
  await h.close();
});

const HOUR = 3600;

async function json(response: Promise<Response>): Promise<{ status: number; body: Doc }> {
  const res = await response;
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Doc };
}

/** Signs in asking for the Timers scope with the transfer scope (and these collections' data_access) below it. */
async function signInForTimers(collections: readonly string[] = []): Promise<authorization.AuthorizationManager> {
  const transfer = collections.length === 1 ? transferScopeWithDataAccess(collections[0] ?? '') : TRANSFER_SCOPE;
  return (await signIn({ scope: `openid profile email ${transfer} ${timersScopeWithDataAccess(collections)}` })).manager;
}

async function createTimer(manager: authorization.AuthorizationManager, name: string, startInSeconds: number): Promise<Doc> {
  const now = (await h.emulator.control.clock()).nowMs;
  const created = await json(
    timers.timer.create(
      {
        payload: {
          timer: {
            timer_type: 'transfer',
            name,
            schedule: { type: 'recurring', interval_seconds: HOUR, start: new Date(now + startInSeconds * 1000).toISOString() },
            body: { source_endpoint: SRC, destination_endpoint: DST, DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/timed/', destination_path: '/timed-copy/', recursive: true }] },
          },
        } as never,
      },
      { manager },
    ),
  );
  expect(created.status).toBe(201);
  return created.body['timer'] as Doc;
}

const getJob = async (manager: authorization.AuthorizationManager, id: string, query: Record<string, number> = {}) =>
  json(timers.jobs.get(id, { query: query as never }, { manager }));

describe('Timers API', () => {
  it('is served for the Timers resource server only', async () => {
    expect(h.emulator.env.GLOBUS_SDK_SERVICE_URL_TIMERS).toBe(h.emulator.url);
    expect(h.emulator.env.GLOBUS_SDK_SERVICE_URL_GROUPS).toBe(h.emulator.url);
    const { tokens, manager } = await signIn({ scope: `openid ${TRANSFER_SCOPE}` });
    expect(tokens.other_tokens.map((t) => t.resource_server)).not.toContain(TIMERS_RESOURCE_SERVER);
    const transferToken = tokens.other_tokens[0]?.access_token ?? '';
    const refused = await json(timers.jobs.getAll({ headers: { Authorization: `Bearer ${transferToken}` } }));
    expect(refused.status).toBe(401);
    expect(refused.body['error']).toMatchObject({ code: 'AUTHENTICATION_ERROR', status: 401 });
    const timerTokens = await signIn({ scope: `openid ${timersScopeWithDataAccess([SRC])}` });
    const t = timerTokens.tokens.other_tokens.find((o) => o.resource_server === TIMERS_RESOURCE_SERVER);
    expect(t?.scope).toBe(`https://auth.globus.org/scopes/${TIMERS_RESOURCE_SERVER}/timer`);
    expect(manager).toBeDefined();
  });

  it('creates a recurring transfer timer; two intervals on the clock make two runs and two SUCCEEDED transfers', async () => {
    const manager = await signInForTimers();
    const timer = await createTimer(manager, 'hourly copy', HOUR);
    expect(timer).toMatchObject({ timer_type: 'transfer', name: 'hourly copy', status: 'new', number_of_runs: 0, number_of_errors: 0, last_ran_at: null, inactive_reason: null });
    expect(timer['schedule']).toMatchObject({ type: 'recurring', interval_seconds: HOUR });
    expect(timer['body']).toMatchObject({ DATA_TYPE: 'transfer', source_endpoint: SRC, notify_on_succeeded: true, verify_checksum: false });
    expect(timer['activity']).toMatchObject({ code: 'awaiting_next_run', next_run: timer['next_run'] });
    const jobId = String(timer['job_id']);

    expect((await h.emulator.control.advanceClock(HOUR - 60)).taskIds).toEqual([]);
    const advanced = await h.emulator.control.advanceClock(HOUR + 60);
    expect(advanced.taskIds).toHaveLength(2);
    const api = sdkClient(manager);
    for (const id of advanced.taskIds) {
      expect(await waitForTask(api, id)).toMatchObject({ status: 'SUCCEEDED', label: 'Timer: hourly copy', files_transferred: 2 });
    }

    const job = await getJob(manager, jobId);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ job_id: jobId, status: 'loaded', n_runs: 2, n_errors: 0, interval: HOUR, timer_type: 'transfer', stop_after: { date: null, n_runs: null } });
    const results = (job.body['results'] as { data: Doc[] }).data;
    expect(results.map((r) => r['resource_id']).sort()).toEqual([...advanced.taskIds].sort());
    expect(results[0]).toMatchObject({ status: 202, run_status: 'SUCCEEDED', data: { task_id: advanced.taskIds[1], details: { DATA_TYPE: 'task', status: 'SUCCEEDED' } } });
    expect((await getJob(manager, jobId, { result_count: 1 })).body['results']).toMatchObject({ data: [{ resource_id: advanced.taskIds[1] }] });

    const list = await json(timers.jobs.getAll({}, { manager }));
    expect((list.body['jobs'] as Doc[]).map((j) => j['job_id'])).toEqual([jobId]);
  });

  it('renames, pauses (a missed run happens once on resume), ends after n runs, and deletes', async () => {
    const manager = await signInForTimers();
    const jobId = String((await createTimer(manager, 'nightly', HOUR))['job_id']);
    const renamed = await json(timers.jobs.patch(jobId, { payload: { name: 'nightly backup', schedule: { end: { condition: 'iterations', count: 2 } } } as never }, { manager }));
    expect(renamed.body).toMatchObject({ name: 'nightly backup', stop_after: { n_runs: 2 }, schedule: { end: { condition: 'iterations', count: 2 } } });

    const paused = await json(timers.jobs.pause(jobId, {}, { manager }));
    expect(paused.body).toEqual({ message: `Successfully paused job ${jobId}.` });
    expect((await getJob(manager, jobId)).body).toMatchObject({ status: 'inactive', inactive_reason: { cause: 'user' }, activity: { code: 'paused', reason: 'user' } });
    expect((await h.emulator.control.advanceClock(2 * HOUR)).taskIds).toEqual([]);

    expect((await json(timers.jobs.resume(jobId, {}, { manager }))).body).toEqual({ message: `Successfully resumed job ${jobId}.` });
    const afterResume = await waitFor(async () => {
      const body = (await getJob(manager, jobId)).body;
      return body['n_runs'] === 1 ? body : undefined;
    }, 'the missed run after resume');
    expect(afterResume).toMatchObject({ status: 'loaded', inactive_reason: null });
    const first = String((afterResume['results'] as { data: Doc[] }).data[0]?.['resource_id']);
    await waitForTask(sdkClient(manager), first);

    const last = await h.emulator.control.advanceClock(HOUR);
    expect(last.taskIds).toHaveLength(1);
    expect((await getJob(manager, jobId)).body).toMatchObject({ status: 'ended', n_runs: 2, next_run: null });
    expect((await h.emulator.control.advanceClock(HOUR)).taskIds).toEqual([]);

    const removed = await json(timers.jobs.remove(jobId, {}, { manager }));
    expect(removed.body).toMatchObject({ job_id: jobId, status: 'delete_in_progress' });
    expect((await getJob(manager, jobId)).status).toBe(404);
    expect((await json(timers.jobs.getAll({}, { manager }))).body).toEqual({ jobs: [] });
  });

  it('answers validation errors the way Timers does (422 detail list)', async () => {
    const manager = await signInForTimers();
    const bad = await json(
      timers.timer.create(
        { payload: { timer: { timer_type: 'transfer', schedule: { type: 'recurring', interval_seconds: 5 }, body: { source_endpoint: SRC, destination_endpoint: DST, DATA: [] } } } as never },
        { manager },
      ),
    );
    expect(bad.status).toBe(422);
    expect(bad.body['detail']).toEqual([expect.objectContaining({ loc: ['body', 'timer', 'schedule', 'interval_seconds'], type: 'value_error' })]);
    expect((await getJob(manager, '00000000-0000-4000-8000-000000000000')).body).toMatchObject({ error: { code: 'NOT_FOUND', status: 404 } });
  });
});

describe('Timers and data_access consent', () => {
  async function goInactive(manager: authorization.AuthorizationManager): Promise<string> {
    const jobId = String((await createTimer(manager, 'guarded', HOUR))['job_id']);
    await h.emulator.control.revokeConsent(SRC);
    expect((await h.emulator.control.advanceClock(HOUR)).taskIds).toEqual([]);
    const job = (await getJob(manager, jobId)).body;
    expect(job).toMatchObject({
      status: 'inactive',
      n_runs: 0,
      n_errors: 1,
      activity: { code: 'paused', reason: 'globus_auth_requirements' },
      inactive_reason: {
        cause: 'globus_auth_requirements',
        detail: { code: 'ConsentRequired', authorization_parameters: { required_scopes: [timersScopeWithDataAccess([SRC])] } },
      },
    });
    return jobId;
  }

  it('a revoked consent stops the timer; resume is refused until the person consents again through Auth', async () => {
    const manager = await signInForTimers([SRC]);
    const jobId = await goInactive(manager);

    const refused = await json(timers.jobs.resume(jobId, { query: { update_credentials: true } }, { manager }));
    expect(refused.status).toBe(403);
    expect(errors.isConsentRequiredError(refused.body)).toBe(true);
    expect(refused.body['error']).toMatchObject({ code: 'ConsentRequired', status: 403 });
    expect((await getJob(manager, jobId)).body['status']).toBe('inactive');

    // The normal consent flow: sign in again asking for what the error names, then resume.
    const scope = errors.toAuthorizationQueryParams(refused.body as never).scope ?? '';
    expect(scope).toBe(timersScopeWithDataAccess([SRC]));
    const again = (await signIn({ scope: `openid ${scope}` })).manager;
    expect((await json(timers.jobs.resume(jobId, {}, { manager: again }))).status).toBe(200);
    const job = await waitFor(async () => {
      const body = (await getJob(again, jobId)).body;
      return body['n_runs'] === 1 ? body : undefined;
    }, 'the missed run after consenting again');
    const taskId = String((job['results'] as { data: Doc[] }).data[0]?.['resource_id']);
    expect(await waitForTask(sdkClient(manager), taskId)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('grantConsent is a shortcut for consenting again: the same credentials can resume', async () => {
    const manager = await signInForTimers([SRC]);
    const jobId = await goInactive(manager);
    expect((await json(timers.jobs.resume(jobId, {}, { manager }))).status).toBe(403);
    await h.emulator.control.grantConsent(SRC);
    expect((await json(timers.jobs.resume(jobId, {}, { manager }))).status).toBe(200);
    await waitFor(async () => (await getJob(manager, jobId)).body['n_runs'] === 1, 'the run after grantConsent');
  });
});
