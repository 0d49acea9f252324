/**
 * Activity monitoring cost.
 * 1. Transfer API requests over one simulated minute (fake clock, 2 s fast interval) with 100
 *    and with 1000 active tasks that make progress on every poll: requests per poll (goal 1)
 *    and the 1000:100 ratio of request counts (goal 1, i.e. independent of task count).
 * 2. Time to apply a 10,000-task refresh (diff + SQLite write + row deltas) as a ratio to a
 *    plain JSON.parse of the same payload, for a first load, a refresh where every task changed,
 *    and one where nothing changed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivityService, type ActivityDelta } from '../electron/core/activity/index';
import { FakeTransferService } from '../electron/core/globus/testing/fake-transfer-service';
import { systemClock } from '../electron/core/kernel/index';
import { createManualClock } from '../electron/core/kernel/testing/manual-clock';
import type { BenchResult } from './types';

const fastMs = 2_000;
const minuteMs = 60_000;

/** The one fake Transfer service with tasks the bench writes and moves itself (they never end on their own). */
function benchFake(): FakeTransferService {
  return new FakeTransferService({ taskDurationMs: Infinity, identicalPaths: 'allowed' });
}

function addTasks(fake: FakeTransferService, n: number): void {
  for (let i = 0; i < n; i += 1) {
    fake.addTask({
      task_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      label: `bench task ${i}`,
      files: 1000,
      request_time: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      source_endpoint_display_name: 'Detector',
      destination_endpoint_display_name: 'Cluster',
    });
  }
}

function progress(fake: FakeTransferService, n: number, step: number): void {
  for (let i = 0; i < n; i += 1) {
    fake.updateTask(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, {
      files_transferred: step,
      bytes_transferred: step * 1_000_000,
      effective_bytes_per_second: 500_000 + step,
    });
  }
}

async function requestsPerMinute(taskCount: number, dir: string): Promise<{ requests: number; polls: number; deltas: number }> {
  const clock = createManualClock(Date.UTC(2024, 0, 1));
  const fake = benchFake();
  addTasks(fake, taskCount);
  const svc = createActivityService({
    dbFile: join(dir, `requests-${taskCount}.db`),
    transfer: fake,
    clock,
    fastIntervalMs: fastMs,
    slowIntervalMs: 30_000,
    backfillPages: 0,
  });
  svc.start();
  await clock.advanceAndSettle(0); // first load, not counted
  fake.resetCalls();
  let polls = 0;
  let deltas = 0;
  const offStatus = svc.onStatus(() => (polls += 1));
  const offDeltas = svc.subscribe(() => (deltas += 1));
  for (let t = fastMs, step = 1; t <= minuteMs; t += fastMs, step += 1) {
    progress(fake, taskCount, step);
    await clock.advanceAndSettle(fastMs);
  }
  const requests = fake.totalCalls();
  offStatus();
  offDeltas();
  await svc.close();
  return { requests, polls, deltas };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function applyRatios(dir: string, n: number, rounds: number): Promise<BenchResult[]> {
  const fake = benchFake();
  addTasks(fake, n);
  const results: BenchResult[] = [];
  const scenarios = ['first load', 'all changed', 'none changed'] as const;
  const timings: Record<(typeof scenarios)[number], number[]> = { 'first load': [], 'all changed': [], 'none changed': [] };
  const parseTimings: number[] = [];
  let upserted: Record<(typeof scenarios)[number], number> = { 'first load': 0, 'all changed': 0, 'none changed': 0 };
  for (let round = 0; round < rounds; round += 1) {
    const svc = createActivityService({
      dbFile: join(dir, `apply-${round}.db`),
      transfer: fake,
      clock: systemClock,
      backfillPages: 0,
      resolveCollectionNames: false,
    });
    let lastUpserted = 0;
    svc.subscribe((d: ActivityDelta) => (lastUpserted += d.upserted.length));
    for (const scenario of scenarios) {
      if (scenario === 'all changed') progress(fake, n, round + 2);
      // The reference: parse the same payload the Transfer API would send (all pages).
      const docs: unknown[] = [];
      for (let offset = 0; offset < n; offset += 1000) {
        docs.push(...(await fake.listTasks({ filter: 'status:ACTIVE,INACTIVE', limit: 1000, offset })).DATA);
      }
      const text = JSON.stringify({ DATA: docs, total: n });
      const p0 = performance.now();
      const parsed = JSON.parse(text) as { DATA: unknown[] };
      parseTimings.push(performance.now() - p0);
      if (parsed.DATA.length !== n) throw new Error('payload size mismatch');
      lastUpserted = 0;
      const t0 = performance.now();
      await svc.refreshNow();
      timings[scenario].push(performance.now() - t0);
      upserted = { ...upserted, [scenario]: lastUpserted };
    }
    await svc.close();
  }
  const parseMs = median(parseTimings);
  for (const scenario of scenarios) {
    const ms = median(timings[scenario]);
    results.push({
      name: `activity: apply ${n} task refresh (${scenario}) vs JSON.parse`,
      ratio: ms / parseMs,
      detail: `apply/parse time, lower is better: apply ${ms.toFixed(1)} ms (${upserted[scenario]} rows pushed), JSON.parse ${parseMs.toFixed(1)} ms of ${n} task documents; median of ${rounds}`,
    });
  }
  return results;
}

export async function run(): Promise<readonly BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-activity-'));
  try {
    const small = await requestsPerMinute(100, dir);
    const large = await requestsPerMinute(1000, dir);
    const perPoll = small.requests / small.polls;
    return [
      {
        name: 'activity: Transfer API requests per poll, 100 active tasks',
        ratio: perPoll,
        goal: '1',
        detail: `requests/polls over one simulated minute at a ${fastMs / 1000} s interval: ${small.requests} requests in ${small.polls} polls (${small.deltas} deltas pushed)`,
      },
      {
        name: 'activity: requests per minute, 1000 vs 100 active tasks',
        ratio: large.requests / small.requests,
        goal: '1',
        detail: `1000 tasks: ${large.requests} requests in ${large.polls} polls; 100 tasks: ${small.requests} requests in ${small.polls} polls`,
      },
      ...(await applyRatios(dir, 10_000, 3)),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
