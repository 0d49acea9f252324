/**
 * The sync runs of bench/sync-scan.bench.ts, in a process of their own (bundled, no tsx), so that
 * (c) measures what a sync run holds, not the bench's tree building. Driven over IPC:
 * `first` | `nochange` | `incremental` answer with the run's time and stats; `done` with the state
 * size and this process's peak RSS, then exits.
 */
import { randomUUID } from 'node:crypto';
import { createSubmitter } from '../electron/core/globus';
import { SyncEngine, type TaskDocument, type TransferService } from '../electron/core/sync';

/** Accepts every submission at once; tasks report SUCCEEDED; nothing moves. */
function instantTransfer(): TransferService {
  const tasks = new Map<string, TaskDocument>();
  const fail = (): never => {
    throw new Error('not used by the bench');
  };
  return {
    getSubmissionId: async () => randomUUID(),
    submitTransfer: async (doc) => {
      const id = randomUUID();
      tasks.set(id, {
        task_id: id,
        type: 'TRANSFER',
        status: 'SUCCEEDED',
        label: doc.label ?? null,
        nice_status: null,
        source_endpoint_id: doc.source_endpoint,
        destination_endpoint_id: doc.destination_endpoint,
        request_time: new Date().toISOString(),
        completion_time: new Date().toISOString(),
        deadline: new Date().toISOString(),
        files: doc.DATA.length,
        directories: 0,
        files_transferred: doc.DATA.length,
        files_skipped: 0,
        bytes_transferred: 0,
        effective_bytes_per_second: 0,
        faults: 0,
        subtasks_total: doc.DATA.length,
        subtasks_pending: 0,
        subtasks_retrying: 0,
        subtasks_succeeded: doc.DATA.length,
        subtasks_failed: 0,
        subtasks_canceled: 0,
        subtasks_expired: 0,
        sync_level: null,
      });
      return { task_id: id, submission_id: doc.submission_id, code: 'Accepted' };
    },
    getTask: async (id) => tasks.get(id) ?? fail(),
    mkdir: async () => ({ code: 'DirectoryCreated', message: '' }),
    submitDelete: fail,
    listTasks: fail,
    cancelTask: fail,
    taskEvents: fail,
    successfulTransfers: fail,
    skippedErrors: fail,
    getCollection: fail,
    searchCollections: fail,
    ls: fail,
    rename: fail,
  };
}

export interface ChildStart {
  readonly root: string;
  readonly dataDir: string;
}

export type ChildCommand = 'first' | 'nochange' | 'incremental' | 'done';

export interface ChildRunReply {
  readonly ms: number;
  /** CPU time of this process during the run (every thread: user + system). */
  readonly cpuMs: number;
  readonly status: string;
  readonly changedFiles: number;
  readonly tasks: number;
  readonly phases: { readonly scanMs: number; readonly submitMs: number; readonly commitMs: number };
  readonly stateBytes: number;
  /** This process's peak RSS so far (after this run). */
  readonly maxRssMb: number;
}

export interface ChildDoneReply {
  readonly stateBytes: number;
  /** The run file lists (their own database file). */
  readonly runsBytes: number;
  readonly maxRssMb: number;
  readonly startRssMb: number;
}

const send = (message: unknown): void => {
  process.send?.(message);
};

const startRssMb = process.memoryUsage().rss / 1e6;
let engine: SyncEngine | undefined;
let jobId = '';

process.on('message', (raw: unknown) => {
  void (async () => {
    const msg = raw as { start?: ChildStart; command?: ChildCommand };
    if (msg.start) {
      const transfer = instantTransfer();
      engine = new SyncEngine({ dataDir: msg.start.dataDir, transfer, submitter: createSubmitter(() => transfer), pollIntervalMs: 1 });
      jobId = engine.createJob({
        name: 'bench',
        source: { collectionId: randomUUID(), localPath: msg.start.root, collectionPath: '/xmasdata/2018' },
        destination: { collectionId: randomUUID(), path: '/clusterfs/xmas/xmas-storage/2018' },
        schedule: { kind: 'manual' },
        maxItemsPerTransfer: 25_000,
      }).id;
      send({ ready: true });
      return;
    }
    if (!engine) throw new Error('start first');
    if (msg.command === 'done') {
      const reply: ChildDoneReply = { stateBytes: engine.stateSize(jobId), runsBytes: engine.runFilesSize(jobId), maxRssMb: process.resourceUsage().maxRSS / 1024, startRssMb };
      await engine.close();
      send(reply);
      process.disconnect?.();
      return;
    }
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const run = await engine.runJobToCompletion(jobId);
    const reply: ChildRunReply = {
      ms: performance.now() - t0,
      cpuMs: ((u) => (u.user + u.system) / 1000)(process.cpuUsage(c0)),
      status: run.status,
      changedFiles: run.stats.changedFiles,
      tasks: run.tasks.length,
      phases: run.stats.phases,
      stateBytes: engine.stateSize(jobId),
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    };
    send(reply);
  })().catch((error: unknown) => {
    send({ error: error instanceof Error ? error.stack ?? error.message : String(error) });
  });
});
