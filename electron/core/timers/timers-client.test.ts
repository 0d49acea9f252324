import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsentRequiredError, GlobusApiError } from '../globus';
import { createTimersClient, timersError } from './timers-client';
import { buildTimerDocument, toTimerDetail, toTimerSummary } from './timer-mapping';
import { TIMERS_SCOPE } from './timers-port';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const JOB = 'eeeeeeee-0000-4000-8000-00000000000e';
const TASK = '22f0148c-b1f2-11ec-b87e-3912f602f346';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(answer: (seen: Seen) => { status: number; body: unknown }): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server?.address() as AddressInfo).port}`, seen };
}

function client(url: string, scopes: string[] = []) {
  return createTimersClient({
    auth: {
      tokenFor: async (scope: string) => {
        scopes.push(scope);
        return 'tok';
      },
    },
    environment: () => ({ kind: 'custom', authUrl: url, transferUrl: url, timersUrl: url }),
    sleep: async () => undefined,
  });
}

const sampleDoc = () =>
  buildTimerDocument({ name: 'n', source: SRC, destination: DST, items: [{ sourcePath: '/a', destinationPath: '/b', recursive: false }], startAt: 0, intervalSeconds: null, end: { kind: 'never' } });

/** A v2 transfer timer as `POST /v2/timer` answers it. */
const v2Timer = {
  job_id: JOB,
  name: 'Very cool timer',
  timer_type: 'transfer',
  status: 'new',
  submitted_at: '2023-10-26T20:31:09+00:00',
  last_ran_at: null,
  next_run: '2023-10-27T05:00:00+00:00',
  number_of_runs: 0,
  number_of_errors: 0,
  inactive_reason: null,
  schedule: { type: 'recurring', interval_seconds: 604800, start: '2023-10-27T05:00:00+00:00', end: { condition: 'iterations', count: 2 } },
  body: {
    DATA_TYPE: 'transfer',
    source_endpoint: SRC,
    destination_endpoint: DST,
    DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/share/file1.txt', destination_path: '/~/dst.txt' }],
    verify_checksum: true,
    notify_on_succeeded: true,
  },
};

/** An older job (`GET /jobs/{id}`): Transfer action provider fields and a page of results. */
const v1Job = {
  job_id: JOB,
  name: 'older timer',
  start: '2022-04-01T19:30:00+00:00',
  interval: 864000.0,
  stop_after: null,
  callback_body: {
    body: {
      source_endpoint_id: SRC,
      destination_endpoint_id: DST,
      sync_level: 3,
      transfer_items: [{ source_path: '/share/file1.txt', destination_path: '/~/file1.txt', recursive: false }],
    },
  },
  status: 'inactive',
  inactive_reason: {
    cause: 'globus_auth_requirements',
    detail: {
      code: 'ConsentRequired',
      authorization_parameters: {
        session_message: 'Missing required data_access consent',
        required_scopes: [`https://auth.globus.org/scopes/actions.globus.org/transfer/transfer[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${DST}/data_access]]`],
      },
    },
  },
  submitted_at: '2022-04-01T19:29:55.942546+00:00',
  last_ran_at: '2022-04-01T19:30:07.103090+00:00',
  next_run: '2022-04-11T19:30:00+00:00',
  n_runs: 1,
  n_errors: 0,
  results: { data: [{ data: { details: { task_id: TASK, status: 'ACTIVE' }, status: 'ACTIVE' }, errors: null, status: 202, ran_at: '2022-04-01T19:30:07.103090' }], page_next: null },
};

describe('timer mapping', () => {
  it('reads a v2 transfer timer', () => {
    expect(toTimerSummary(v2Timer)).toEqual({
      id: JOB,
      name: 'Very cool timer',
      source: SRC,
      destination: DST,
      items: [{ sourcePath: '/share/file1.txt', destinationPath: '/~/dst.txt', recursive: false }],
      intervalSeconds: 604800,
      startAt: Date.parse('2023-10-27T05:00:00Z'),
      end: { kind: 'runs', count: 2 },
      state: 'scheduled',
      status: 'new',
      nextRunAt: Date.parse('2023-10-27T05:00:00Z'),
      lastRunAt: null,
      runCount: 0,
      errorCount: 0,
      inactiveReason: null,
      submittedAt: Date.parse('2023-10-26T20:31:09Z'),
    });
    expect(toTimerDetail(v2Timer)?.options).toEqual({ verifyChecksum: true, notifyOnSucceeded: true });
  });

  it('reads an older job: its interval, its consent problem and the task each run started', () => {
    const detail = toTimerDetail(v1Job);
    expect(detail).toMatchObject({
      source: SRC,
      destination: DST,
      intervalSeconds: 864000,
      startAt: Date.parse('2022-04-01T19:30:00Z'),
      end: { kind: 'never' },
      state: 'needs-consent',
      runCount: 1,
      options: { syncLevel: 3 },
      inactiveReason: { cause: 'globus_auth_requirements', message: 'Missing required data_access consent', collectionIds: [DST] },
    });
    expect(detail?.runs).toEqual([{ ranAt: Date.parse('2022-04-01T19:30:07.103Z'), endedAt: null, status: 'ACTIVE', taskId: TASK, error: null }]);
  });

  it('tells paused, ended and running timers apart', () => {
    expect(toTimerSummary({ ...v2Timer, status: 'inactive', inactive_reason: { cause: 'user', detail: null } })?.state).toBe('paused');
    expect(toTimerSummary({ ...v2Timer, status: 'ended' })?.state).toBe('ended');
    expect(toTimerSummary({ ...v2Timer, status: 'active', activity: { code: 'run_in_progress', start_timestamp: '2023-10-27T05:00:00Z', duration_seconds: 3 } })?.state).toBe('running');
    expect(toTimerSummary({ ...v2Timer, schedule: { type: 'once', datetime: '2023-10-27T05:00:00Z' } })).toMatchObject({ intervalSeconds: null, end: { kind: 'never' } });
    expect(toTimerSummary({ name: 'no id' })).toBeNull();
  });

  it('builds the create document with an end date and without what Timers refuses', () => {
    const doc = buildTimerDocument({
      name: 'n',
      source: SRC,
      destination: DST,
      items: [{ sourcePath: '/a', destinationPath: '/b', recursive: false }],
      startAt: Date.parse('2026-01-01T00:00:00Z'),
      intervalSeconds: 600,
      end: { kind: 'date', at: Date.parse('2026-02-01T00:00:00Z') },
      encrypt: true,
      deleteDestinationExtra: true,
    });
    expect(doc.schedule).toEqual({ type: 'recurring', interval_seconds: 600, start: '2026-01-01T00:00:00.000Z', end: { condition: 'time', datetime: '2026-02-01T00:00:00.000Z' } });
    expect(doc.body).toMatchObject({ encrypt_data: true, delete_destination_extra: true });
    expect(doc.body).not.toHaveProperty('submission_id');
    expect(doc.body).not.toHaveProperty('deadline');
  });
});

describe('timers client over @globus/sdk', () => {
  it('sends each call to the Timers path with this sign-in\u2019s timer token', async () => {
    const { url, seen } = await serve((s) => {
      if (s.url.startsWith('/v2/timer')) return { status: 201, body: { timer: v2Timer } };
      if (s.url.startsWith('/jobs/?') || s.url === '/jobs' || s.url.startsWith('/jobs?')) return { status: 200, body: { jobs: [v2Timer] } };
      if (s.method === 'GET' || s.method === 'PATCH' || s.method === 'DELETE') return { status: 200, body: v2Timer };
      return { status: 200, body: { message: 'ok' } };
    });
    const scopes: string[] = [];
    const c = client(url, scopes);
    expect(await c.listJobs()).toHaveLength(1);
    expect(toTimerSummary(await c.createTimer(sampleDoc()))?.id).toBe(JOB);
    await c.getJob(JOB);
    await c.renameJob(JOB, 'renamed');
    await c.pauseJob(JOB);
    await c.resumeJob(JOB, { updateCredentials: true });
    await c.deleteJob(JOB);
    expect(seen.map((s) => `${s.method} ${s.url.split('?')[0]}`)).toEqual([
      'GET /jobs',
      'POST /v2/timer',
      `GET /jobs/${JOB}`,
      `PATCH /jobs/${JOB}`,
      `POST /jobs/${JOB}/pause`,
      `POST /jobs/${JOB}/resume`,
      `DELETE /jobs/${JOB}`,
    ]);
    expect(new Set(seen.map((s) => s.authorization))).toEqual(new Set(['Bearer tok']));
    expect(new Set(scopes)).toEqual(new Set([TIMERS_SCOPE]));
    expect(JSON.parse(seen[1]!.body)).toMatchObject({ timer: { timer_type: 'transfer', schedule: { type: 'once' } } });
    expect(JSON.parse(seen[3]!.body)).toEqual({ name: 'renamed' });
    const resume = seen[5]!;
    expect(resume.url).toContain('update_credentials=true');
    expect(JSON.parse(resume.body)).toEqual({ update_credentials: true });
  });

  it('turns a Globus Auth requirements answer into a consent error naming the collections', async () => {
    const { url } = await serve(() => ({
      status: 403,
      body: { code: 'ConsentRequired', authorization_parameters: { required_scopes: [`${TIMERS_SCOPE}[urn:globus:auth:scope:transfer.api.globus.org:all[*https://auth.globus.org/scopes/${SRC}/data_access]]`] } },
    }));
    const error = await client(url).createTimer(sampleDoc()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsentRequiredError);
    expect((error as ConsentRequiredError).collectionIds).toEqual([SRC]);
  });

  it('retries reads on 5xx but never a create', async () => {
    let n = 0;
    const { url, seen } = await serve(() => {
      n += 1;
      return n < 3 ? { status: 503, body: { error: { code: 'ERROR', detail: 'busy', status: 503 } } } : { status: 200, body: { jobs: [] } };
    });
    expect(await client(url).listJobs()).toEqual([]);
    expect(seen).toHaveLength(3);
    n = 0;
    const failed = await client(url).createTimer(sampleDoc()).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(GlobusApiError);
    expect(failed).toMatchObject({ kind: 'unavailable', message: 'busy' });
    expect(seen).toHaveLength(4);
  });

  it('words validation errors as what to fix', () => {
    const e = timersError(422, { detail: [{ loc: ['body', 'timer', 'schedule', 'interval_seconds'], msg: 'ensure this value is greater than or equal to 60', type: 'value_error' }] });
    expect(e.message).toBe('Globus Timers refused the timer: timer.schedule.interval_seconds: ensure this value is greater than or equal to 60');
    expect(e.kind).toBe('refused');
    expect(timersError(404, {}).kind).toBe('not-found');
  });
});
