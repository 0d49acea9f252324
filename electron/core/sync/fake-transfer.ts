/**
 * A TransferService for tests that copies files between local folders (one per collection id).
 * Its tasks live in a JSON file when `stateFile` is given, so a second process (or the test
 * after SIGKILLing a child) sees the same submissions: a resubmitted submission id answers
 * `Duplicate` with the original task, as Globus does. Not exported from index.ts.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, cpSync, readdirSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TaskDocument, TransferSubmission } from '../../../shared/globus-types';
import { GlobusApiError, type TransferService } from '../globus';

interface FakeTask {
  doc: TaskDocument;
  items: { source: string; destination: string }[];
  outcome: 'SUCCEEDED' | 'FAILED';
  seq: number;
}

interface FakeState {
  tasks: Record<string, FakeTask>;
  bySubmission: Record<string, string>;
  /** Destination paths copied by succeeded tasks, in order. */
  copied: string[];
  failNext: number;
  hold: boolean;
}

export interface FakeTransfer extends TransferService {
  /** The next `n` submitted tasks end FAILED (nothing copied). */
  failNext(n: number): void;
  /** Held tasks stay ACTIVE until released. */
  hold(on: boolean): void;
  /** Items of every accepted task, in submission order. */
  tasks(): { taskId: string; label: string; submissionId: string; status: string; items: string[] }[];
  copied(): string[];
}

export function createFakeTransfer(opts: { collections: Record<string, string>; stateFile?: string }): FakeTransfer {
  let memory: FakeState = { tasks: {}, bySubmission: {}, copied: [], failNext: 0, hold: false };
  const load = (): FakeState => {
    if (!opts.stateFile) return memory;
    if (!existsSync(opts.stateFile)) return { tasks: {}, bySubmission: {}, copied: [], failNext: 0, hold: false };
    return JSON.parse(readFileSync(opts.stateFile, 'utf8')) as FakeState;
  };
  const save = (s: FakeState): void => {
    if (!opts.stateFile) {
      memory = s;
      return;
    }
    writeFileSync(`${opts.stateFile}.tmp`, JSON.stringify(s));
    // rename is atomic: a SIGKILL never leaves a torn file
    renameSync(`${opts.stateFile}.tmp`, opts.stateFile);
  };
  const root = (collection: string): string => {
    const r = opts.collections[collection];
    if (!r) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No collection ${collection}`, status: 404 });
    return r;
  };
  const notSupported = (what: string): never => {
    throw new Error(`fake transfer: ${what} not supported`);
  };
  const finish = (s: FakeState, t: FakeTask): void => {
    if (t.doc.status !== 'ACTIVE' || s.hold) return;
    let transferred = 0;
    let bytes = 0;
    if (t.outcome === 'SUCCEEDED') {
      const keepLinks = (t.doc as TaskDocument & { keep_links?: boolean }).keep_links === true;
      for (const item of t.items) {
        const src = join(root(t.doc.source_endpoint_id ?? ''), item.source);
        const dst = join(root(t.doc.destination_endpoint_id ?? ''), item.destination);
        mkdirSync(dirname(dst), { recursive: true });
        const st = lstatSync(src);
        if (st.isDirectory()) {
          // a recursive item: every file below it
          cpSync(src, dst, { recursive: true });
          for (const f of readdirSync(src, { recursive: true }) as string[]) {
            s.copied.push(`${item.destination}/${f}`);
            transferred++;
          }
          continue;
        }
        rmSync(dst, { force: true });
        if (keepLinks && st.isSymbolicLink()) symlinkSync(readlinkSync(src), dst);
        else {
          copyFileSync(src, dst);
          bytes += st.size;
        }
        transferred++;
        s.copied.push(item.destination);
      }
    }
    t.doc = {
      ...t.doc,
      status: t.outcome,
      nice_status: t.outcome === 'FAILED' ? 'FAILED' : null,
      completion_time: new Date().toISOString(),
      files_transferred: transferred,
      bytes_transferred: bytes,
      subtasks_succeeded: transferred,
      fatal_error: t.outcome === 'FAILED' ? { code: 'FAILED', description: 'injected failure' } : null,
    };
  };
  return {
    async getSubmissionId() {
      return randomUUID();
    },
    async submitTransfer(doc: TransferSubmission & { recursive_symlinks?: string }) {
      const s = load();
      const prior = s.bySubmission[doc.submission_id];
      if (prior) return { task_id: prior, submission_id: doc.submission_id, code: 'Duplicate', message: 'duplicate submission' };
      const taskId = randomUUID();
      const outcome = s.failNext > 0 ? 'FAILED' : 'SUCCEEDED';
      if (s.failNext > 0) s.failNext--;
      const task: TaskDocument & { keep_links: boolean } = {
        task_id: taskId,
        type: 'TRANSFER',
        status: 'ACTIVE',
        label: doc.label ?? null,
        nice_status: 'Queued',
        source_endpoint_id: doc.source_endpoint,
        destination_endpoint_id: doc.destination_endpoint,
        request_time: new Date().toISOString(),
        completion_time: null,
        deadline: new Date(Date.now() + 86_400_000).toISOString(),
        files: doc.DATA.length,
        directories: 0,
        files_transferred: 0,
        files_skipped: 0,
        bytes_transferred: 0,
        effective_bytes_per_second: 0,
        faults: 0,
        subtasks_total: doc.DATA.length,
        subtasks_pending: doc.DATA.length,
        subtasks_retrying: 0,
        subtasks_succeeded: 0,
        subtasks_failed: 0,
        subtasks_canceled: 0,
        subtasks_expired: 0,
        sync_level: doc.sync_level ?? null,
        keep_links: doc.recursive_symlinks === 'keep',
      };
      const seq = Object.keys(s.tasks).length;
      s.tasks[taskId] = { doc: task, items: doc.DATA.map((d) => ({ source: d.source_path, destination: d.destination_path })), outcome, seq };
      s.bySubmission[doc.submission_id] = taskId;
      save(s);
      return { task_id: taskId, submission_id: doc.submission_id, code: 'Accepted', message: 'accepted' };
    },
    async getTask(taskId) {
      const s = load();
      const t = s.tasks[taskId];
      if (!t) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No task ${taskId}`, status: 404 });
      finish(s, t);
      save(s);
      return t.doc;
    },
    async cancelTask(taskId) {
      const s = load();
      const t = s.tasks[taskId];
      if (!t) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No task ${taskId}`, status: 404 });
      if (t.doc.status !== 'ACTIVE') return { code: 'TaskComplete', message: 'already ended' };
      t.doc = { ...t.doc, status: 'FAILED', nice_status: 'CANCELED', completion_time: new Date().toISOString() };
      save(s);
      return { code: 'Canceled', message: 'canceled' };
    },
    async mkdir(collectionId, path) {
      const dir = join(root(collectionId), path);
      if (existsSync(dir)) throw new GlobusApiError({ code: 'ExternalError.MkdirFailed.Exists', message: `Path already exists: ${path}`, status: 502 });
      if (!existsSync(dirname(dir))) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No parent for ${path}`, status: 404 });
      mkdirSync(dir);
      return { code: 'DirectoryCreated', message: `The directory ${path} was created successfully` };
    },
    submitDelete: () => notSupported('submitDelete'),
    listTasks: () => notSupported('listTasks'),
    taskEvents: () => notSupported('taskEvents'),
    successfulTransfers: () => notSupported('successfulTransfers'),
    skippedErrors: () => notSupported('skippedErrors'),
    getCollection: () => notSupported('getCollection'),
    searchCollections: () => notSupported('searchCollections'),
    ls: () => notSupported('ls'),
    rename: () => notSupported('rename'),
    failNext(n) {
      const s = load();
      s.failNext = n;
      save(s);
    },
    hold(on) {
      const s = load();
      s.hold = on;
      save(s);
    },
    tasks() {
      const s = load();
      return Object.values(s.tasks)
        .sort((a, b) => a.seq - b.seq)
        .map((t) => ({
          taskId: t.doc.task_id,
          label: t.doc.label ?? '',
          submissionId: Object.entries(s.bySubmission).find(([, id]) => id === t.doc.task_id)?.[0] ?? '',
          status: t.doc.status,
          items: t.items.map((i) => i.destination),
        }));
    },
    copied() {
      return load().copied;
    },
  };
}
