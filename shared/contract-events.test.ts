/**
 * Every push event has a real zod schema of its payload (issue 19): none accepts anything, and a
 * realistic payload of each channel, typed as the interface core builds it from, parses unchanged.
 * The kernel's event bus checks every emitted payload against these schemas in tests.
 */
import type { HttpsTransfer } from './contract/https-transfers';
import type { OpenTarget } from './deep-links';
import { describe, expect, it } from 'vitest';
import type { AccountStatus } from './account';
import type { ActivityDelta, ActivityRow, PollStatus, TaskEnded, TasksEndedSummary } from './activity';
import type { PutProgress, StoredKey } from './contract/connectors';
import type { ObjectStoresSnapshot } from './contract/object-stores';
import type { QueueStatus } from './contract/queue';
import type { SyncJob, SyncJobSummary, SyncProgress, SyncRun } from './contract/syncs';
import type { TaskAttention } from './contract/activity';
import type { Alert, AlertNotification } from './contract/alerts';
import type { HealthReport } from './contract/health';
import type { TimersDone, TimersSnapshot } from './contract/timers';
import { eventContract, type EventChannel, type EventPayload } from './ipc-contract';
import type { Settings } from './settings';

/** What each channel carries, as the documented interfaces declare it. */
interface EventSamples {
  'settings:changed': Settings;
  'account:status': AccountStatus;
  'activity:delta': ActivityDelta;
  'activity:status': PollStatus;
  'activity:task-ended': TaskEnded;
  'activity:tasks-summary': TasksEndedSummary;
  'connectors:put-progress': PutProgress;
  'connectors:keys-changed': readonly StoredKey[];
  'object-stores:changed': ObjectStoresSnapshot;
  'syncs:changed': readonly SyncJobSummary[];
  'syncs:progress': SyncProgress;
  'syncs:run': SyncRun;
  'queue:changed': QueueStatus;
  'app:open': OpenTarget;
  'activity:attention-changed': readonly TaskAttention[];
  'alerts:changed': readonly Alert[];
  'alerts:notify': AlertNotification;
  'health:changed': HealthReport;
  'https:changed': HttpsTransfer;
  'timers:changed': TimersSnapshot;
  'timers:done': TimersDone;
}

// Every channel has a sample and every sample a channel.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const samplesComplete: Same<keyof EventSamples, EventChannel> = true;
void samplesComplete;

const collection = '6c54cade-bde5-45c1-bdea-f4bd71dba2cc';
const otherCollection = 'ddb59aef-6d04-11e5-ba46-22000b92c6ec';
const taskId = '0c5a5d2e-2f6b-11ef-9c2a-0242ac110002';

const row: ActivityRow = {
  task_id: taskId,
  status: 'SUCCEEDED',
  type: 'TRANSFER',
  label: 'AUTO_2024-05-01_101500',
  source_id: collection,
  source_name: 'Lab workstation',
  destination_id: otherCollection,
  destination_name: 'HPC scratch',
  paths: '/data/run1 → /scratch/run1 (+3 more)',
  files: 42,
  files_transferred: 40,
  files_skipped: 2,
  bytes_transferred: 1_234_567_890,
  effective_bytes_per_second: 51_200_000.5,
  faults: 0,
  nice_status: null,
  request_time: '2024-05-01T10:15:00+00:00',
  completion_time: '2024-05-01T10:17:12+00:00',
  submitted_by_ferry: true,
  origin: 'sync',
};

const job: SyncJob = {
  id: '5b0f7c1e-3a2d-4c8e-9f10-2b3c4d5e6f70',
  name: 'detector',
  source: { collectionId: collection, localPath: '/home/me/detector', collectionPath: '/~/detector' },
  destination: { collectionId: otherCollection, path: '/scratch/detector' },
  schedule: { kind: 'cron', expression: '*/15 * * * *' },
  syncLevel: 3,
  include: ['**/*.h5'],
  exclude: ['**/tmp/**'],
  symlinks: 'skip',
  createEmptyDirs: true,
  enabled: true,
  maxItemsPerTransfer: 25_000,
  preserveTimestamp: true,
  verifyChecksum: false,
  notify: false,
  paused: false,
  createdAt: '2024-04-30T08:00:00.000Z',
  updatedAt: '2024-05-01T09:00:00.000Z',
};

const run: SyncRun = {
  id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a',
  jobId: job.id,
  jobName: job.name,
  status: 'transferring',
  trigger: 'schedule',
  label: 'AUTO_2024-05-01_101500',
  startedAt: '2024-05-01T10:15:00.000Z',
  endedAt: null,
  message: '',
  stats: {
    filesScanned: 1200,
    dirsScanned: 30,
    bytesScanned: 9_876_543_210,
    changedFiles: 42,
    changedBytes: 1_234_567_890,
    emptyDirs: 1,
    removedEntries: 0,
    symlinksSkipped: 2,
    symlinkLoops: [],
    warnings: 0,
    sample: ['run1/a.h5', 'run1/b.h5'],
    phases: { scanMs: 812, mkdirMs: 40, submitMs: 120, transferMs: 0, commitMs: 0 },
  },
  tasks: [{ chunk: 0, submissionId: 'a1b2c3d4-0000-4000-8000-000000000001', taskId, items: 42, status: 'submitted', error: null }],
};

const samples: EventSamples = {
  'timers:changed': {
    access: 'ready',
    timers: [
      {
        id: '8a1f0c3e-9d2b-4e5f-a6c7-b8d9e0f1a2b3',
        name: 'Nightly',
        source: collection,
        destination: otherCollection,
        items: [{ sourcePath: '/data/', destinationPath: '/backup/', recursive: true }],
        intervalSeconds: 3600,
        startAt: 1_714_558_000_000,
        end: { kind: 'runs', count: 10 },
        state: 'needs-consent',
        status: 'inactive',
        nextRunAt: null,
        lastRunAt: 1_714_558_000_000,
        runCount: 3,
        errorCount: 1,
        inactiveReason: {
          cause: 'globus_auth_requirements',
          message: 'Missing required data_access consent',
          requiredScopes: ['https://auth.globus.org/scopes/524230d7-ea86-4a52-8312-86065a9e0417/timer'],
          collectionIds: [collection],
        },
        submittedAt: 1_714_550_000_000,
      },
    ],
    error: null,
    at: 1_714_558_800_000,
  },
  'timers:done': { action: 'fix-consent', timerId: '8a1f0c3e-9d2b-4e5f-a6c7-b8d9e0f1a2b3', error: null },
  'activity:attention-changed': [
    {
      taskId,
      label: 'Calibration',
      faults: 3,
      event: { code: 'FILE_NOT_FOUND', is_error: true, description: 'file not found', details: 'No such file or directory: /calib/bad.dat', time: '2024-05-01T10:15:02+00:00' },
      explanation: {
        id: 'file-not-found',
        title: 'File not found',
        cause: 'The source path does not exist.',
        action: 'Fix the source path and resubmit.',
        fixPath: true,
        retries: true,
        raw: 'FILE_NOT_FOUND: file not found — No such file or directory: /calib/bad.dat',
      },
      since: 1_714_558_502_000,
      item: { index: 1, sourcePath: '/calib/bad.dat', destinationPath: '/out/bad.dat' },
      canFixPath: true,
    },
  ],
  'alerts:changed': [
    {
      id: 'watchdog:sync:7d1e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6',
      kind: 'watchdog',
      severity: 'warning',
      title: 'Sync job "detector" moved nothing for 24 hours',
      body: 'Its last transfer ended on 29 Nov; changes are waiting.',
      raisedAt: 1_714_558_800_000,
      subject: { kind: 'sync', id: '7d1e6c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6' },
    },
  ],
  'alerts:notify': { title: 'Ferry daily summary: 12 GB moved', body: '14 transfers succeeded, 1 failed.', tag: 'ferry-daily-summary' },
  'health:changed': {
    checkedAt: '2026-11-30T12:00:00.000Z',
    warnDaysBefore: 7,
    checks: [
      {
        subject: `consent:${collection}`,
        kind: 'consent',
        title: 'Lab storage',
        collectionId: collection,
        usedBy: ['Queue destination'],
        status: 'failing',
        failsAt: '2026-11-30T12:00:00.000Z',
        explanation: 'Lab storage needs your data_access consent.',
        fix: { kind: 'consent', scope: `https://auth.globus.org/scopes/${collection}/data_access`, collectionId: collection },
      },
    ],
    problems: [],
  },
  'app:open': { kind: 'task', taskId },
  'settings:changed': {
    dataDir: '/home/me/.local/share/ferry',
    theme: 'dark',
    globus: { kind: 'production' },
    globusClientId: '',
    uploadLimitMb: 10_240,
    notifications: { taskEnded: true, globusEmailsForBulkTasks: false },
    alerts: { warnDaysBefore: 7, watchdogHours: 24, dailySummary: false },
  },
  'account:status': {
    state: 'signed-in',
    identity: { sub: 'b0c1d2e3-f4a5-4b6c-8d7e-9f0a1b2c3d4e', username: 'me@example.org', name: 'Me', email: 'me@example.org' },
    accessTokenExpiresAt: 1_714_560_000_000,
    consentedCollections: [collection],
    secretStorage: 'os-keychain',
    loginUrl: null,
    pendingLogin: null,
    message: null,
    refreshTokenWarning: null,
    refreshTokenUsedAt: 1_714_556_400_000,
    environment: 'production',
  },
  'activity:delta': { revision: 7, upserted: [row], removed: ['1f2e3d4c-5b6a-11ef-9c2a-0242ac110002'] },
  'activity:status': { running: true, mode: 'fast', lastPollAt: 1_714_558_512_000, lastError: null, activeCount: 3 },
  'activity:task-ended': { row, previousStatus: 'ACTIVE' },
  'activity:tasks-summary': { succeeded: 5, failed: 1, sample: ['AUTO_2024-05-01_101500', taskId] },
  'connectors:put-progress': { id: 'stage-1', path: '/home/me/results.npz', state: 'running', doneBytes: 1_048_576, totalBytes: 3_145_728, error: null },
  'connectors:keys-changed': [
    {
      id: '3f2e1d0c-9b8a-4765-8432-10fedcba9876',
      name: 'results.npz',
      sourcePath: '/home/me/results.npz',
      sizeBytes: 3_145_728,
      connectorName: 'local-files',
      connectorType: 'file',
      key: { connector_name: 'local-files', connector_key: ['5d0b3c5e-7f6a-4c1b-9e2d-8a7b6c5d4e3f'] },
      putAt: 1_714_558_600_000,
    },
  ],
  'object-stores:changed': {
    home: '/home/me/.local/share/proxystore',
    stores: [
      {
        name: 'lab-store',
        uuid: '7e6d5c4b-3a29-4817-a6f5-e4d3c2b1a098',
        dir: '/home/me/.local/share/proxystore/lab-store',
        state: 'running',
        runningHere: true,
        pid: 4242,
        host: '127.0.0.1',
        port: 8765,
        url: 'http://127.0.0.1:8765',
        mode: 'PEERING',
        relayAddress: 'ws://127.0.0.1:8700',
        relayState: 'connected',
        relayError: null,
        peers: [{ uuid: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', name: 'other-store', connectedAt: '2024-05-01T10:00:00.000Z' }],
        storage: 'sqlite',
        objectCount: 12,
        totalBytes: 48_000_000,
        maxObjectSize: 100_000_000,
      },
      {
        name: 'scratch',
        uuid: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
        dir: '/home/me/.local/share/proxystore/scratch',
        state: 'stopped',
        runningHere: false,
        pid: null,
        host: '127.0.0.1',
        port: 8766,
        url: 'http://127.0.0.1:8766',
        mode: 'SOLO',
        relayAddress: null,
        relayState: null,
        relayError: null,
        peers: [],
        storage: 'memory',
        objectCount: null,
        totalBytes: null,
        maxObjectSize: 100_000_000,
      },
    ],
    relay: { address: 'ws://127.0.0.1:8700', port: 8700, peers: [] },
  },
  'syncs:changed': [
    { job, running: true, nextRunAt: '2024-05-01T10:30:00.000Z', lastRun: run, recentChangedFiles: [0, 12, 42] },
    { job: { ...job, id: '6c1f8d2e-4b3a-4d9c-8e7f-3a2b1c0d9e8f', name: 'manual', schedule: { kind: 'manual' }, syncLevel: null, paused: true }, running: false, nextRunAt: null, lastRun: null, recentChangedFiles: [] },
  ],
  'syncs:progress': { jobId: job.id, runId: run.id, phase: 'submit', filesScanned: 1200, dirsScanned: 30, changedFiles: 42, changedBytes: 1_234_567_890, done: 20, total: 42 },
  'syncs:run': run,
  'queue:changed': {
    paused: false,
    dispatching: true,
    hold: null,
    counts: { queued: 1500, batched: 1000, submitted: 2000, succeeded: 12_000, failed: 3 },
    activeTasks: 2,
    inactiveTasks: 0,
    maxActiveTasks: 90,
    batchSize: 1000,
    pendingBatches: 1,
    backoffUntil: null,
    lastError: null,
    notifyGlobus: false,
    destinations: [{ collection: otherCollection, name: 'HPC scratch', enabled: true, queued: 1500, activeTasks: 2, bytesPerSecond: 52_428_800 }],
    blocked: [{ batchId: 17, destination: otherCollection, blockedBy: taskId, retryAt: 1_714_558_900_000 }],
    reconciliations: [{ id: 4, at: 1_714_558_000_000, kind: 'duplicate-resolved', batchId: 12, taskId, detail: 'resubmission answered Duplicate' }],
    throughputWindowMs: 60_000,
    at: 1_714_558_800_000,
  },
  'https:changed': {
    id: 'h-1',
    direction: 'upload',
    collectionId: collection,
    collectionName: 'Lab HTTPS',
    state: 'running',
    createdAt: 1_714_558_800_000,
    updatedAt: 1_714_558_801_000,
    totalBytes: 52_428_800,
    doneBytes: 1_048_576,
    fileCount: 1,
    filesDone: 0,
    bytesPerSecond: 1_048_576,
    error: null,
    files: [{ source: '/home/me/big.bin', destination: '/data/big.bin', bytes: 52_428_800, doneBytes: 1_048_576, done: false }],
  },
};

// The interfaces and the schemas' outputs agree (what core emits is what listeners receive).
const asPayloads: { readonly [E in EventChannel]: EventPayload<E> } = samples;
void asPayloads;

/** Keys a sample may lack and still be valid (optional in the interface). */
const optionalKeys: Partial<Record<EventChannel, readonly string[]>> = { 'syncs:progress': ['done', 'total'] };

/** Where a schema may accept any value: free-form JSON the interface declares `unknown`. */
const freeForm = ['connectors:keys-changed[].key'];

interface Def {
  readonly type: string;
  readonly [key: string]: unknown;
}
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/** Paths (dotted) to every part of a schema that accepts anything (custom, any, unknown). */
function acceptsAnything(schema: unknown, path: string, out: string[], seen = new Set<unknown>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = defOf(schema);
  const walk = (s: unknown, p: string) => acceptsAnything(s, p, out, seen);
  switch (def.type) {
    case 'custom':
    case 'any':
    case 'unknown':
      out.push(path);
      return;
    case 'object':
      for (const [key, value] of Object.entries(def.shape as Record<string, unknown>)) walk(value, `${path}.${key}`);
      if (def.catchall && defOf(def.catchall).type !== 'never') walk(def.catchall, `${path}.*`);
      return;
    case 'array':
      walk(def.element, `${path}[]`);
      return;
    case 'record':
      walk(def.keyType, `${path}{key}`);
      walk(def.valueType, `${path}{}`);
      return;
    case 'union':
      (def.options as unknown[]).forEach((option) => walk(option, path));
      return;
    case 'tuple':
      (def.items as unknown[]).forEach((item, i) => walk(item, `${path}[${i}]`));
      if (def.rest) walk(def.rest, `${path}[...]`);
      return;
    case 'intersection':
      walk(def.left, path);
      walk(def.right, path);
      return;
    case 'pipe':
      walk(def.in, path);
      return;
    case 'lazy':
      walk((def.getter as () => unknown)(), path);
      return;
    default:
      if ('innerType' in def) walk(def.innerType, path);
  }
}

const channels = Object.keys(eventContract) as EventChannel[];

describe('event contract', () => {
  it('has a sample for every channel (and the slices declare some events)', () => {
    expect(channels.length).toBeGreaterThan(0);
    expect(channels.sort()).toEqual(Object.keys(samples).sort());
  });

  it.each(channels)('%s: refuses payloads of the wrong shape', (channel) => {
    const schema = eventContract[channel];
    expect(defOf(schema).type).not.toBe('custom');
    for (const bad of [null, undefined, {}, 'payload', 42, true]) expect(schema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it.each(channels)('%s: accepts anything only where the interface holds free-form JSON', (channel) => {
    const loose: string[] = [];
    acceptsAnything(eventContract[channel], channel, loose);
    expect(loose).toEqual(freeForm.filter((p) => p.startsWith(`${channel}.`) || p.startsWith(`${channel}[`)));
  });

  it.each(channels)('%s: a realistic payload parses unchanged', (channel) => {
    const parsed = eventContract[channel].safeParse(samples[channel]);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data).toEqual(samples[channel]);
  });

  it.each(channels)('%s: every required field is checked', (channel) => {
    const sample: unknown = samples[channel];
    const target = (Array.isArray(sample) ? sample[0] : sample) as Record<string, unknown>;
    const keys = Object.keys(target).filter((k) => !(optionalKeys[channel] ?? []).includes(k));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const { [key]: _dropped, ...rest } = target;
      const payload = Array.isArray(sample) ? [rest] : rest;
      expect(eventContract[channel].safeParse(payload).success, `${channel} without ${key}`).toBe(false);
    }
  });

  it('checks the values, not only the keys', () => {
    const wrong: { readonly [E in EventChannel]?: unknown } = {
      'connectors:put-progress': { ...samples['connectors:put-progress'], state: 'paused' },
      'connectors:keys-changed': [{ ...samples['connectors:keys-changed'][0], connectorType: 'ftp' }],
      'object-stores:changed': { ...samples['object-stores:changed'], relay: { ...samples['object-stores:changed'].relay, peers: null } },
      'syncs:changed': [{ ...samples['syncs:changed'][0], job: { ...job, syncLevel: 4 } }],
      'syncs:progress': { ...samples['syncs:progress'], phase: 'upload' },
      'syncs:run': { ...run, tasks: [{ ...run.tasks[0], status: 'ACTIVE' }] },
      'queue:changed': { ...samples['queue:changed'], counts: { queued: 1 } },
    };
    for (const [channel, payload] of Object.entries(wrong)) expect(eventContract[channel as EventChannel].safeParse(payload).success, channel).toBe(false);
  });

  it('keeps optional progress counters optional, and lists readonly', () => {
    const { done: _done, total: _total, ...scan } = samples['syncs:progress'];
    expect(eventContract['syncs:progress'].safeParse({ ...scan, phase: 'scan', runId: null }).success).toBe(true);
    const keys = eventContract['connectors:keys-changed'].parse(samples['connectors:keys-changed']);
    expect(Object.isFrozen(keys)).toBe(true);
  });
});
