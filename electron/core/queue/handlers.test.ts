import { afterEach, describe, expect, it } from 'vitest';
import type { AccountState } from '../../../shared/account';
import type { QueueItemPage, QueueStatus } from '../../../shared/contract/queue';
import type { DirEntry, Paged } from '../../../shared/globus-types';
import { defaultSettings, type Settings } from '../../../shared/settings';
import { createActivityService } from '../activity';
import { createSubmitter } from '../globus';
import { FakeTransferService, type FakeTransferOptions } from '../globus/testing/fake-transfer-service';
import type { SettingsService } from '../settings';
import { fakeAuth } from '../globus/testing/fake-auth';
import { createEventBus } from '../kernel';
import { capabilityHarness, onCleanup, runCleanups, tempDir, until } from '../kernel/testing/harness';
import { createQueueCapability, type QueueCapabilityOptions, type QueueDeps } from './handlers';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const DST_B = 'cccccccc-0000-4000-8000-000000000003';

afterEach(runCleanups);

/** A fake Transfer service whose collections hold a small tree for `ls`. */
class TreeTransfer extends FakeTransferService {
  readonly tree = new Map<string, DirEntry[]>();
  override async ls(_collectionId: string, path: string): Promise<Paged<DirEntry> & { readonly path: string }> {
    return { DATA: this.tree.get(path) ?? [], path };
  }
}

function fakeSettings(stateDir: string) {
  let current: Settings = defaultSettings(stateDir);
  const listeners = new Set<(s: Settings) => void>();
  const settings = {
    get: () => current,
    onChanged(listener: (s: Settings) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as SettingsService;
  const setEmails = (on: boolean) => {
    current = { ...current, notifications: { ...current.notifications, globusEmailsForBulkTasks: on } };
    for (const l of [...listeners]) l(current);
  };
  return { settings, setEmails };
}

interface SetupOptions {
  readonly account?: AccountState;
  readonly fake?: Partial<FakeTransferOptions>;
  readonly capability?: QueueCapabilityOptions;
  readonly stateDir?: string;
}

function setup(o: SetupOptions = {}) {
  const stateDir = o.stateDir ?? tempDir('ferry-queue-capability-');
  const bus = createEventBus();
  const events: QueueStatus[] = [];
  bus.subscribe((channel, payload) => {
    if (channel === 'queue:changed') events.push(payload as QueueStatus);
  });
  const fake = new TreeTransfer({ taskDurationMs: 40, unknownCollections: 'named-by-id', ...o.fake });
  const account = fakeAuth(o.account ?? 'signed-in');
  const prefs = fakeSettings(stateDir);
  // As create-core wires them: Activity records every task the one submitter announces.
  const submitter = createSubmitter(() => fake);
  const activity = createActivityService({ dbFile: ':memory:', submitter });
  onCleanup(() => activity.close());
  const deps: QueueDeps = {
    stateDir,
    bus,
    settings: prefs.settings,
    auth: account.auth,
    transfer: fake,
    submitter,
    env: {},
  };
  const capability = createQueueCapability(deps, { throttleMs: 20, ...o.capability, queueOptions: { pollIntervalMs: 20, ...o.capability?.queueOptions } });
  const { dispose, invoke, call } = capabilityHarness(capability);
  const status = () => call<QueueStatus>('queue:snapshot', []);
  return { stateDir, capability, fake, account, prefs, activity, events, invoke, call, status, dispose };
}

const send = (paths: readonly string[], destination = DST, destinationFolder = '/inbox') => ({
  source: SRC,
  destination,
  destinationFolder,
  files: paths.map((path) => ({ path, size: 10 })),
});

const paths = (n: number, dir = '/data') => Array.from({ length: n }, (_, i) => `${dir}/f${i}.dat`);

describe('queue capability: validation', () => {
  it('refuses bad requests with a message that says what to fix', async () => {
    const { invoke } = setup({ account: 'signed-out' });
    const cases: [string, unknown[], RegExp][] = [
      ['queue:enqueue', [{ ...send(['/a']), source: 'nope' }], /Globus id/],
      ['queue:enqueue', [send(['relative/path'])], /must start with \//],
      ['queue:enqueue', [send(['~/home.txt'])], /must start with \//],
      ['queue:enqueue', [send([])], /at least one file/],
      ['queue:enqueue', [{ ...send(['/a']), destinationFolder: 'inbox' }], /must start with \//],
      ['queue:enqueue', [{ ...send([]), files: [{ path: '/a', size: -1 }] }], /negative/],
      ['queue:enqueue', [{ ...send([]), files: [{ path: '/a', size: 1.5 }] }], /whole number/],
      ['queue:enqueue', [{ ...send(['/a']), extra: 1 }], /extra|Unrecognized/i],
      ['queue:update-options', [{ maxActiveTasks: 101 }], /at most 100 active tasks/],
      ['queue:update-options', [{ maxActiveTasks: 0 }], /at least 1/],
      ['queue:update-options', [{ batchSize: 0 }], /at least 1 file/],
      ['queue:update-options', [{ batchSize: 2.5 }], /whole number/],
      ['queue:list-items', [{ state: 'lost' }], /state must be one of/],
      ['queue:list-items', [{ limit: 5000 }], /1,000/],
      ['queue:set-destination-enabled', ['x', true], /Globus id/],
      ['queue:retry-failed', [[]], /at least one item/],
      ['queue:cancel-batch', [0], /positive/],
    ];
    for (const [channel, args, message] of cases) {
      const r = await invoke(channel, args);
      expect(r.ok, `${channel} ${JSON.stringify(args)}`).toBe(false);
      if (!r.ok) {
        expect(r.error.kind, `${channel} ${JSON.stringify(args)}`).toBe('invalid');
        expect(r.error.message, `${channel} ${JSON.stringify(args)}`).toMatch(message);
      }
    }
  });

  it('refuses files that would land on one path or on themselves', async () => {
    const { invoke } = setup({ account: 'signed-out' });
    const twice = await invoke('queue:enqueue', [send(['/a/x.dat', '/b/x.dat'])]);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.error.message).toMatch(/\/a\/x\.dat and \/b\/x\.dat would both land at \/inbox\/x\.dat/);
    const self = await invoke('queue:enqueue', [{ ...send(['/inbox/x.dat']), destination: SRC }]);
    expect(self.ok).toBe(false);
    if (!self.ok) expect(self.error.message).toMatch(/onto itself/);
  });
});

describe('queue capability: snapshot and items', () => {
  it('answers a plain-JSON snapshot with counts, M, N, destinations and why it holds', async () => {
    const { call, status } = setup({ account: 'signed-out' });
    await call('queue:enqueue', [send(paths(3))]);
    const s = await status();
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
    expect(s).toMatchObject({
      paused: false,
      dispatching: false,
      hold: 'signed-out',
      counts: { queued: 3, batched: 0, submitted: 0, succeeded: 0, failed: 0 },
      activeTasks: 0,
      maxActiveTasks: 90,
      batchSize: 1000,
      notifyGlobus: false,
      blocked: [],
      reconciliations: [],
    });
    expect(s.destinations).toEqual([{ collection: DST, name: null, enabled: true, queued: 3, activeTasks: 0, bytesPerSecond: 0 }]);
  });

  it('maps files into the destination folder and lists folders recursively with their sizes', async () => {
    const { fake, call } = setup({ account: 'signed-out' });
    fake.tree.set('/runs/', [
      { name: 'a.dat', type: 'file', size: 5, last_modified: null },
      { name: 'sub', type: 'dir', size: 0, last_modified: null },
      { name: 'odd', type: 'link', size: 0, last_modified: null },
    ]);
    fake.tree.set('/runs/sub/', [{ name: 'b.dat', type: 'file', size: 7, last_modified: null }]);
    const result = await call<{ inserted: number; foldersExpanded: number; duplicate: boolean }>('queue:enqueue', [
      { source: SRC, destination: DST, destinationFolder: '/inbox/', files: [{ path: '/one/x.dat' }, { path: '/runs/' }] },
    ]);
    expect(result).toEqual({ inserted: 3, duplicate: false, foldersExpanded: 1 });
    const page = await call<QueueItemPage>('queue:list-items', [{}]);
    expect(page.items.map((i) => [i.sourcePath, i.destinationPath, i.size, i.origin, i.state])).toEqual([
      ['/one/x.dat', '/inbox/x.dat', 0, 'manual', 'queued'],
      ['/runs/a.dat', '/inbox/runs/a.dat', 5, 'manual', 'queued'],
      ['/runs/sub/b.dat', '/inbox/runs/sub/b.dat', 7, 'manual', 'queued'],
    ]);
  });

  it('enqueues a request id once', async () => {
    const { call, status } = setup({ account: 'signed-out' });
    const first = await call<{ inserted: number; duplicate: boolean }>('queue:enqueue', [{ ...send(paths(2)), requestId: 'r1' }]);
    const again = await call<{ inserted: number; duplicate: boolean }>('queue:enqueue', [{ ...send(paths(2)), requestId: 'r1' }]);
    expect(first).toMatchObject({ inserted: 2, duplicate: false });
    expect(again).toMatchObject({ inserted: 0, duplicate: true });
    expect((await status()).counts.queued).toBe(2);
  });

  it('pages items and filters them by state and destination', async () => {
    const { call } = setup({ account: 'signed-out' });
    await call('queue:enqueue', [send(paths(5))]);
    await call('queue:enqueue', [send(paths(2, '/other'), DST_B)]);
    const first = await call<QueueItemPage>('queue:list-items', [{ limit: 4 }]);
    expect(first.items).toHaveLength(4);
    expect(first.hasMore).toBe(true);
    const rest = await call<QueueItemPage>('queue:list-items', [{ limit: 4, offset: 4 }]);
    expect(rest).toMatchObject({ offset: 4, hasMore: false });
    expect(rest.items).toHaveLength(3);
    const toB = await call<QueueItemPage>('queue:list-items', [{ destination: DST_B }]);
    expect(toB.items.map((i) => i.sourcePath)).toEqual(['/other/f0.dat', '/other/f1.dat']);
    expect((await call<QueueItemPage>('queue:list-items', [{ state: 'succeeded' }])).items).toEqual([]);
    expect((await call<QueueItemPage>('queue:list-items', [{ state: 'queued' }])).items).toHaveLength(7);
  });
});

describe('queue capability: dispatching', () => {
  it('holds everything while signed out, sends on sign-in and records each task in Activity', async () => {
    const { fake, account, activity, call, status } = setup({ account: 'signed-out', capability: { queueOptions: { batchSize: 4 } } });
    await call('queue:enqueue', [send(paths(10))]);
    expect(fake.calls.submitTransfer).toBe(0);
    account.set('signed-in');
    await until(async () => (await status()).counts.succeeded === 10, 'all items to succeed');
    expect(fake.tasks().length).toBe(3);
    for (const { taskId } of fake.tasks()) {
      expect(activity.row(taskId), taskId).toMatchObject({ origin: 'queue', submitted_by_ferry: true });
    }
    const s = await status();
    expect(s).toMatchObject({ dispatching: true, hold: null });
    expect(s.destinations[0]?.name).toBe(DST); // the fake names a collection by its id
  });

  it('records a submitted batch in Activity before its task ends', async () => {
    const { fake, activity, call } = setup({ fake: { taskDurationMs: 60_000 } });
    await call('queue:enqueue', [send(paths(2))]);
    await until(() => fake.tasks().length === 1, 'a task');
    const [taskId] = fake.tasks().map((t) => t.taskId);
    await until(() => activity.row(taskId ?? '') !== null, 'the task in Activity');
    expect(activity.row(taskId ?? '')).toMatchObject({ origin: 'queue', destination_id: DST });
  });

  it('stops on sign-out or expiry without losing items, and goes on after signing in again', async () => {
    const { fake, account, call, status } = setup({ fake: { taskDurationMs: 60_000 }, capability: { queueOptions: { batchSize: 2, maxActiveTasks: 1 } } });
    await call('queue:enqueue', [send(paths(4))]);
    await until(() => fake.tasks().length === 1, 'the first task');
    account.set('expired');
    await until(async () => (await status()).hold === 'signed-out', 'the hold');
    // Let a round already under way at the sign-out finish (its calls to the fake settle in microtasks).
    await new Promise((r) => setImmediate(r));
    await call('queue:enqueue', [send(paths(2, '/more'))]);
    const before = fake.calls.listTasks + fake.calls.submitTransfer;
    // While signed out nothing reaches Globus, however often the queue is asked to act.
    await call('queue:resume', []);
    await call('queue:retry-failed', [null]);
    expect(fake.calls.listTasks + fake.calls.submitTransfer).toBe(before);
    const held = await status();
    expect(held.counts.queued + held.counts.batched + held.counts.submitted).toBe(6);
    account.set('signed-in');
    await until(() => fake.calls.listTasks > 0 && fake.calls.listTasks + fake.calls.submitTransfer > before, 'the queue to poll again');
    expect((await status()).dispatching).toBe(true);
  });

  it('passes the e-mail setting to Globus and follows its changes', async () => {
    const { fake, prefs, call, status } = setup({ fake: { taskDurationMs: 30 } });
    await call('queue:enqueue', [send(paths(1))]);
    await until(() => fake.transfers.length === 1, 'a submission');
    expect(fake.transfers[0]?.notify_on_succeeded).toBe(false);
    prefs.setEmails(true);
    expect((await status()).notifyGlobus).toBe(true);
    await call('queue:enqueue', [send(paths(1, '/second'))]);
    await until(() => fake.transfers.length === 2, 'a second submission');
    expect(fake.transfers[1]).toMatchObject({ notify_on_succeeded: true, notify_on_failed: true, notify_on_inactive: true });
  });

  it('pauses and resumes, and a disabled destination holds its items until enabled', async () => {
    const { fake, call, status } = setup();
    await call('queue:pause', []);
    expect((await status()).hold).toBe('paused');
    await call('queue:enqueue', [send(paths(3))]);
    await call('queue:enqueue', [send(paths(2, '/b'), DST_B)]);
    const disabled = await call<QueueStatus>('queue:set-destination-enabled', [DST, false]);
    expect(disabled.destinations.find((d) => d.collection === DST)).toMatchObject({ enabled: false, queued: 3 });
    expect(fake.calls.submitTransfer).toBe(0);
    await call('queue:resume', []);
    await until(async () => (await status()).counts.succeeded === 2, 'the enabled destination to finish');
    const held = await status();
    expect(held.counts.queued).toBe(3);
    expect(fake.tasks().every((t) => t.destination === DST_B)).toBe(true);
    await call('queue:set-destination-enabled', [DST, true]);
    await until(async () => (await status()).counts.succeeded === 5, 'the held items to go');
  });

  it('retries failed items, all or by id', async () => {
    let failing = true;
    const { call, status } = setup({ fake: { failFile: (p) => (failing && p.endsWith('f1.dat') ? 'PERMISSION_DENIED' : undefined) } });
    await call('queue:enqueue', [send(paths(3))]);
    await until(async () => (await status()).counts.failed === 1, 'one failed item');
    const failed = await call<QueueItemPage>('queue:list-items', [{ state: 'failed' }]);
    expect(failed.items[0]?.reason).toMatch(/PERMISSION_DENIED/);
    failing = false;
    const id = failed.items[0]?.id ?? 0;
    expect(await call('queue:retry-failed', [[id]])).toEqual({ retried: 1 });
    await until(async () => (await status()).counts.succeeded === 3, 'the retried item to succeed');
    expect(await call('queue:retry-failed', [null])).toEqual({ retried: 0 });
  });

  it('cancels a running batch and requeues its files; refuses batches that are not running', async () => {
    const { fake, invoke, call, status } = setup({ fake: { taskDurationMs: 60_000 }, capability: { queueOptions: { maxActiveTasks: 1, batchSize: 2 } } });
    await call('queue:enqueue', [send(paths(4))]);
    await until(() => fake.tasks().length === 1, 'a task');
    const batches = await call<{ id: number; state: string }[]>('queue:list-batches', []);
    expect(batches.map((b) => b.state)).toEqual(['active']);
    const active = batches[0];
    const queued = await call<QueueItemPage>('queue:list-items', [{ state: 'queued' }]);
    const openBatch = queued.items[0]?.batchId ?? 0;
    for (const id of [openBatch, 9999]) {
      const refused = await invoke('queue:cancel-batch', [id]);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error).toMatchObject(
          id === 9999
            ? { code: 'NotFound', kind: 'not-found', message: expect.stringMatching(/no batch 9999/) }
            : { code: 'NotCancellable', kind: 'conflict', message: expect.stringMatching(/only running batches/) },
        );
      }
    }
    expect(await call('queue:cancel-batch', [active?.id ?? 0])).toEqual({ cancelled: true });
    await until(async () => (await status()).reconciliations.some((r) => r.kind === 'cancelled-by-user'), 'the log entry');
    await until(() => fake.tasks().length >= 2, 'the requeued files to go out again');
  });

  it('keeps N and M across a restart; M is capped at 100 by the contract', async () => {
    const first = setup({ account: 'signed-out' });
    const updated = await first.call<QueueStatus>('queue:update-options', [{ batchSize: 250, maxActiveTasks: 12 }]);
    expect(updated).toMatchObject({ batchSize: 250, maxActiveTasks: 12 });
    await first.dispose();
    const second = setup({ account: 'signed-out', stateDir: first.stateDir });
    expect(await second.status()).toMatchObject({ batchSize: 250, maxActiveTasks: 12 });
  });
});

describe('queue capability: events', () => {
  it('pushes queue:changed at most a few times per burst, ending with the latest state', async () => {
    const { events, call } = setup({ account: 'signed-out', capability: { throttleMs: 200 } });
    const started = Date.now();
    for (let i = 0; i < 30; i++) await call('queue:enqueue', [send([`/burst/f${i}.dat`])]);
    await until(() => events.at(-1)?.counts.queued === 30, 'the last count');
    const elapsed = Date.now() - started;
    expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1);
    expect(events.length).toBeLessThan(30);
  });
});
