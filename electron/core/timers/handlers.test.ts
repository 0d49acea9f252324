import { afterEach, describe, expect, it } from 'vitest';
import type { TimerDetail, TimerDraft, TimersSnapshot } from '../../../shared/contract/timers';
import { capabilityHarness, runCleanups } from '../kernel/testing/harness';
import { createManualClock } from '../kernel/testing/manual-clock';
import { createTimersCapability } from './handlers';
import { fakeCollections, fakeTimersAuth, fakeTimersDeps } from './testing/fake-timers-deps';
import { FakeTimers } from './testing/fake-timers';
import { TIMERS_SCOPE } from './timers-port';
import { createTimersWatchSource } from './watch-source';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const HOUR = 3_600_000;

afterEach(runCleanups);

function setup(options: { consent?: boolean; guests?: readonly string[] } = {}) {
  const clock = createManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const auth = fakeTimersAuth('signed-in');
  auth.timersConsent = options.consent ?? true;
  const fake = new FakeTimers(clock.now);
  const shown: string[] = [];
  const deps = { ...fakeTimersDeps(auth, fakeCollections(options.guests)), activity: { detail: async (taskId: string) => void shown.push(taskId) } };
  const events: TimersSnapshot[] = [];
  deps.bus.subscribe((channel, payload) => {
    if (channel === 'timers:changed') events.push(payload as TimersSnapshot);
  });
  const capability = createTimersCapability(deps, { port: fake, clock, pollMs: HOUR });
  const h = capabilityHarness(capability);
  return { clock, auth, fake, capability, events, shown, bus: deps.bus, ...h };
}

const draft = (over: Partial<TimerDraft> = {}): TimerDraft => ({
  name: 'Nightly',
  source: SRC,
  destination: DST,
  items: [{ sourcePath: '/data/', destinationPath: '/backup/', recursive: true }],
  startAt: Date.parse('2026-01-01T01:00:00Z'),
  intervalSeconds: 86_400,
  end: { kind: 'runs', count: 10 },
  verifyChecksum: true,
  syncLevel: 3,
  filterRules: [{ method: 'exclude', name: '*.tmp' }],
  ...over,
});

describe('timers capability', () => {
  it('creates a transfer timer with the schedule, the transfer and every option, and lists it', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft()]);
    const sent = t.fake.calls.find((c) => c.verb === 'createTimer')?.document;
    expect(sent?.schedule).toEqual({ type: 'recurring', interval_seconds: 86_400, start: '2026-01-01T01:00:00.000Z', end: { condition: 'iterations', count: 10 } });
    expect(sent?.body).toMatchObject({
      DATA_TYPE: 'transfer',
      source_endpoint: SRC,
      destination_endpoint: DST,
      sync_level: 3,
      verify_checksum: true,
      label: 'Timer: Nightly',
      filter_rules: [{ DATA_TYPE: 'filter_rule', method: 'exclude', name: '*.tmp' }],
      DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/data/', destination_path: '/backup/', recursive: true }],
    });
    expect(sent?.body).not.toHaveProperty('submission_id');
    expect(created).toMatchObject({ name: 'Nightly', state: 'scheduled', intervalSeconds: 86_400, end: { kind: 'runs', count: 10 }, source: SRC, destination: DST });
    expect(created.options).toMatchObject({ syncLevel: 3, verifyChecksum: true, filterRules: [{ method: 'exclude', name: '*.tmp' }] });
    const list = await t.call<TimersSnapshot>('timers:list', []);
    expect(list.access).toBe('ready');
    expect(list.timers.map((x) => x.id)).toEqual([created.id]);
  });

  it('asks the Timers consent, with data_access for mapped collections, before the first timer', async () => {
    const t = setup({ consent: false, guests: [DST] });
    expect((await t.call<TimersSnapshot>('timers:list', [])).access).toBe('consent-needed');
    await t.call<TimerDetail>('timers:create', [draft()]);
    expect(t.auth.logins).toEqual([{ collections: [SRC], scopes: [TIMERS_SCOPE] }]);
    // Consent held and the collection consented: no second login.
    await t.call<TimerDetail>('timers:create', [draft({ name: 'Again' })]);
    expect(t.auth.logins).toHaveLength(1);
  });

  it('runs the consent Timers names when it refuses a create, then creates once more', async () => {
    const t = setup({ guests: [SRC, DST] });
    t.fake.consentRequiredOnCreate = [DST];
    const created = await t.call<TimerDetail>('timers:create', [draft()]);
    expect(t.auth.logins).toEqual([{ collections: [DST], scopes: [TIMERS_SCOPE] }]);
    expect(created.name).toBe('Nightly');
    expect(t.fake.calls.filter((c) => c.verb === 'createTimer')).toHaveLength(2);
  });

  it('refuses a start in the past and an end before the start, saying what to fix', async () => {
    const t = setup();
    const past = await t.invoke('timers:create', [draft({ startAt: t.clock.now() - HOUR })]);
    expect(past.ok).toBe(false);
    if (!past.ok) expect(past.error).toMatchObject({ kind: 'invalid', code: 'StartInPast', message: expect.stringContaining('choose a time from now on') });
    const late = await t.invoke('timers:create', [draft({ startAt: t.clock.now() + 400 * 24 * HOUR })]);
    if (!late.ok) expect(late.error.message).toContain('at most a year ahead');
    expect(late.ok).toBe(false);
    const end = await t.invoke('timers:create', [draft({ end: { kind: 'date', at: Date.parse('2026-01-01T00:30:00Z') } })]);
    expect(end.ok).toBe(false);
    if (!end.ok) expect(end.error.message).toContain('the end date must be after the start');
    expect(t.fake.calls.filter((c) => c.verb === 'createTimer')).toHaveLength(0);
  });

  it('starts "now" when the start is a moment ago (the form\u2019s clock)', async () => {
    const t = setup();
    await t.call<TimerDetail>('timers:create', [draft({ startAt: t.clock.now() - 60_000 })]);
    const sent = t.fake.calls.find((c) => c.verb === 'createTimer')?.document;
    expect(sent?.schedule).toMatchObject({ start: new Date(t.clock.now()).toISOString() });
  });

  it('renames in place, and replaces the timer for a new interval (keeping the runs left)', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft()]);
    const renamed = await t.call<TimerDetail>('timers:update', [created.id, { name: 'Nightly backup' }]);
    expect(renamed).toMatchObject({ id: created.id, name: 'Nightly backup' });
    t.clock.advance(2 * HOUR);
    t.fake.advance(() => 'cccccccc-0000-4000-8000-00000000000c');
    const replaced = await t.call<TimerDetail>('timers:update', [created.id, { intervalSeconds: 3600 }]);
    expect(replaced.id).not.toBe(created.id);
    expect(replaced).toMatchObject({ name: 'Nightly backup', intervalSeconds: 3600, end: { kind: 'runs', count: 9 }, items: created.items });
    expect(t.fake.calls.some((c) => c.verb === 'deleteJob' && c.id === created.id)).toBe(true);
  });

  it('pauses, resumes and deletes', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft()]);
    expect((await t.call<TimerDetail>('timers:pause', [created.id])).state).toBe('paused');
    expect((await t.call<TimerDetail>('timers:resume', [created.id])).state).toBe('scheduled');
    await t.call('timers:delete', [created.id]);
    expect((await t.call<TimersSnapshot>('timers:list', [])).timers).toEqual([]);
    const gone = await t.invoke('timers:get', [created.id]);
    expect(gone.ok).toBe(false);
    if (!gone.ok) expect(gone.error.kind).toBe('not-found');
  });

  it('shows a timer Globus made inactive as needing consent and fixes it: consent, then resume with new credentials', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft()]);
    t.fake.needConsent(created.id, [DST]);
    const broken = await t.call<TimerDetail>('timers:get', [created.id]);
    expect(broken.state).toBe('needs-consent');
    expect(broken.inactiveReason).toMatchObject({ cause: 'globus_auth_requirements', collectionIds: [DST], message: 'Missing required data_access consent' });
    t.auth.logins.length = 0;
    const fixed = await t.call<TimerDetail>('timers:fix-consent', [created.id]);
    expect(t.auth.logins).toEqual([{ collections: [DST], scopes: [TIMERS_SCOPE] }]);
    expect(t.fake.calls.find((c) => c.verb === 'resumeJob')).toEqual({ verb: 'resumeJob', id: created.id, updateCredentials: true });
    expect(fixed.state).toBe('scheduled');
    const again = await t.invoke('timers:fix-consent', [created.id]);
    expect(again.ok).toBe(false);
    if (!again.ok) expect(again.error.kind).toBe('conflict');
  });

  it('answers with the consent page while the person gives consent, then finishes and says so', async () => {
    const t = setup({ consent: false });
    t.auth.waitForPerson = true;
    const done: unknown[] = [];
    const off = fakeBusDone(t, done);
    const answer = await t.call<unknown>('timers:create', [draft()]);
    expect(answer).toEqual({ consentPending: true, loginUrl: 'https://auth.example/consent' });
    expect(t.fake.calls.filter((c) => c.verb === 'createTimer')).toHaveLength(0);
    t.auth.approve();
    await until(() => done.length === 1);
    const created = [...t.fake.jobs.values()][0];
    expect(done).toEqual([{ action: 'create', timerId: created?.job_id, error: null }]);
    off();
  });

  it('says why a fix failed when the person denies the consent', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft()]);
    t.fake.needConsent(created.id, [DST]);
    t.auth.waitForPerson = true;
    const done: { action: string; error: string | null }[] = [];
    const off = fakeBusDone(t, done);
    expect(await t.call('timers:fix-consent', [created.id])).toMatchObject({ consentPending: true });
    t.auth.deny();
    await until(() => done.length === 1);
    expect(done[0]).toEqual({ action: 'fix-consent', timerId: null, error: 'You did not allow it at Globus.' });
    expect(t.fake.calls.some((c) => c.verb === 'resumeJob')).toBe(false);
    off();
  });

  it('lists runs with the Transfer task each started, newest first', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft({ intervalSeconds: 3600, end: { kind: 'never' } })]);
    let n = 0;
    t.clock.advance(3 * HOUR);
    t.fake.advance(() => `dddddddd-0000-4000-8000-00000000000${(n += 1)}`);
    const detail = await t.call<TimerDetail>('timers:get', [created.id]);
    expect(detail.runCount).toBe(3);
    expect(detail.runs.map((r) => r.taskId)).toEqual(['dddddddd-0000-4000-8000-000000000003', 'dddddddd-0000-4000-8000-000000000002', 'dddddddd-0000-4000-8000-000000000001']);
    expect(detail.lastRunAt).toBe(Date.parse('2026-01-01T03:00:00Z'));
    // Activity learns each run's task once, also from the periodic refresh alone.
    expect([...t.shown].sort()).toEqual(['dddddddd-0000-4000-8000-000000000001', 'dddddddd-0000-4000-8000-000000000002', 'dddddddd-0000-4000-8000-000000000003']);
    t.clock.advance(HOUR);
    t.fake.advance(() => 'dddddddd-0000-4000-8000-000000000004');
    await t.call('timers:list', []);
    await until(() => t.shown.length === 4);
    expect(t.shown.at(-1)).toBe('dddddddd-0000-4000-8000-000000000004');
  });

  it('says signed-out, refreshes on its poll and emits what it read', async () => {
    const t = setup();
    await t.call<TimerDetail>('timers:create', [draft()]);
    const before = t.events.length;
    await t.clock.advanceAndSettle(HOUR);
    await until(() => t.events.length > before);
    t.auth.setState('signed-out');
    await until(() => t.events.at(-1)?.access === 'signed-out');
    const refused = await t.invoke('timers:create', [draft()]);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.kind).toBe('unauthorized');
  });

  it('gives the watchdog each timer\u2019s last move and since when it is due', async () => {
    const t = setup();
    const created = await t.call<TimerDetail>('timers:create', [draft({ intervalSeconds: 3600, end: { kind: 'never' } })]);
    const source = createTimersWatchSource(t.capability);
    expect(await source.list()).toEqual([{ kind: 'timer', id: created.id, name: 'Nightly', lastMovedAt: null, expectingSince: Date.parse('2026-01-01T01:00:00Z') }]);
    t.clock.advance(HOUR + 1000);
    t.fake.advance();
    expect(await source.list()).toEqual([
      { kind: 'timer', id: created.id, name: 'Nightly', lastMovedAt: Date.parse('2026-01-01T01:00:01Z'), expectingSince: Date.parse('2026-01-01T02:00:00Z') },
    ]);
    await t.call('timers:pause', [created.id]);
    expect((await source.list())[0]?.expectingSince).toBeNull();
  });
});

function fakeBusDone(t: ReturnType<typeof setup>, into: unknown[]): () => void {
  return t.bus.subscribe((channel, payload) => {
    if (channel === 'timers:done') into.push(payload);
  });
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  expect(check()).toBe(true);
}
