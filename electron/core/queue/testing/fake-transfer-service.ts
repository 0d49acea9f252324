/**
 * A fake Globus Transfer service for the queue's tests. It simulates what the queue has to
 * survive: tasks that progress with the clock, the user's pending-task limit, Duplicate
 * submission ids, 409 Conflict on identical paths, stalled tasks, tasks Globus forgets, tasks
 * the task list misses, per-file failures (skipped or failing the task) and cancel.
 * It also counts what a test asserts on: tasks per submission, active tasks at every poll and
 * how many times each file landed at its destination.
 */
import { randomUUID } from 'node:crypto';
import { GlobusApiError, type TaskListQuery, type TransferService } from '../../globus';
import type {
  CancelResult,
  CollectionSummary,
  DeleteSubmission,
  DirEntry,
  FileRecord,
  Paged,
  SubmitResult,
  TaskDocument,
  TaskEvent,
  TransferSubmission,
} from '../../../../shared/globus-types';

export interface FakeTransferOptions {
  readonly clock: { now(): number };
  /** How long a task runs, from submission to end. */
  readonly taskDurationMs?: number;
  /** Globus' own cap on a user's unfinished tasks; a submission past it gets `limitError`. */
  readonly pendingLimit?: number;
  readonly limitError?: { readonly status: number; readonly code: string; readonly message: string };
  /** Files whose source path this returns an error code for fail. */
  readonly failFile?: (sourcePath: string) => string | undefined;
  /** skip: the task SUCCEEDS with those files in skipped_errors; fail: the task ends FAILED. */
  readonly failMode?: 'skip' | 'fail';
  /** Page size of successful_transfers / skipped_errors. */
  readonly pageSize?: number;
  /** Per submission, a chance to throw instead (after or before the task is created). */
  readonly onSubmit?: (doc: TransferSubmission, phase: 'before' | 'after') => void;
}

interface FakeFile {
  readonly source_path: string;
  readonly destination_path: string;
  readonly error: string | undefined;
}

interface FakeTask {
  readonly taskId: string;
  readonly submissionId: string;
  readonly source: string;
  readonly destination: string;
  readonly label: string | null;
  readonly files: readonly FakeFile[];
  readonly requestTime: number;
  readonly durationMs: number;
  readonly notify: readonly [boolean | undefined, boolean | undefined, boolean | undefined];
  stalledAt: number | undefined;
  canceledAt: number | undefined;
  forgotten: boolean;
  hidden: boolean;
  landed: number;
}

export interface FakeStats {
  submitCalls: number;
  duplicates: number;
  listCalls: number;
  getTaskCalls: number;
  cancelCalls: number;
  submissionIdsIssued: number;
  /** Unfinished tasks seen at every task_list call. */
  readonly activeAtPoll: number[];
}

export class FakeTransferService implements TransferService {
  readonly tasks = new Map<string, FakeTask>();
  readonly bySubmission = new Map<string, string>();
  /** `destination:path` -> times a file landed there. */
  readonly landed = new Map<string, number>();
  readonly stats: FakeStats = {
    submitCalls: 0,
    duplicates: 0,
    listCalls: 0,
    getTaskCalls: 0,
    cancelCalls: 0,
    submissionIdsIssued: 0,
    activeAtPoll: [],
  };
  readonly submissions: TransferSubmission[] = [];
  options: FakeTransferOptions;

  constructor(options: FakeTransferOptions) {
    this.options = options;
  }

  // --- test controls ---

  /** The task stops making progress from now on (and stays ACTIVE). */
  stall(taskId: string): void {
    const t = this.#task(taskId);
    t.stalledAt ??= this.options.clock.now();
  }

  /** Globus forgets the task: 404 on getTask, absent from lists. */
  forget(taskId: string): void {
    this.#task(taskId).forgotten = true;
  }

  /** task_list stops showing the task (getTask still does). */
  hideFromList(taskId: string): void {
    this.#task(taskId).hidden = true;
  }

  /** A task submitted by someone else (not through the queue), e.g. to cause a Conflict. */
  addForeignTask(source: string, destination: string, paths: readonly (readonly [string, string])[], durationMs: number): string {
    const taskId = randomUUID();
    this.tasks.set(taskId, {
      taskId,
      submissionId: randomUUID(),
      source,
      destination,
      label: 'foreign',
      files: paths.map(([s, d]) => ({ source_path: s, destination_path: d, error: undefined })),
      requestTime: this.options.clock.now(),
      durationMs,
      notify: [undefined, undefined, undefined],
      stalledAt: undefined,
      canceledAt: undefined,
      forgotten: false,
      hidden: false,
      landed: 0,
    });
    return taskId;
  }

  activeTaskIds(): string[] {
    this.#settle();
    return [...this.tasks.values()].filter((t) => !this.#ended(t) && !t.forgotten).map((t) => t.taskId);
  }

  // --- TransferService ---

  async getSubmissionId(): Promise<string> {
    this.stats.submissionIdsIssued += 1;
    return randomUUID();
  }

  async submitTransfer(doc: TransferSubmission): Promise<SubmitResult> {
    this.#settle();
    this.stats.submitCalls += 1;
    this.submissions.push(doc);
    this.options.onSubmit?.(doc, 'before');
    const existing = this.bySubmission.get(doc.submission_id);
    if (existing !== undefined) {
      this.stats.duplicates += 1;
      return { task_id: existing, submission_id: doc.submission_id, code: 'Duplicate', message: 'already submitted' };
    }
    const unfinished = [...this.tasks.values()].filter((t) => !this.#ended(t) && !t.forgotten);
    if (unfinished.length >= (this.options.pendingLimit ?? 100)) {
      const e = this.options.limitError ?? { status: 409, code: 'LimitExceeded', message: 'Too many pending tasks for this user' };
      throw new GlobusApiError({ ...e });
    }
    const wanted = new Set(doc.DATA.map((d) => `${d.source_path}\u0000${d.destination_path}`));
    for (const t of unfinished) {
      if (t.source !== doc.source_endpoint || t.destination !== doc.destination_endpoint) continue;
      if (t.files.some((f) => wanted.has(`${f.source_path}\u0000${f.destination_path}`))) {
        throw new GlobusApiError({
          status: 409,
          code: 'Conflict',
          message: `A transfer with identical paths has not yet completed (task ${t.taskId})`,
        });
      }
    }
    const taskId = randomUUID();
    const fail = this.options.failFile;
    this.tasks.set(taskId, {
      taskId,
      submissionId: doc.submission_id,
      source: doc.source_endpoint,
      destination: doc.destination_endpoint,
      label: doc.label ?? null,
      files: doc.DATA.map((d) => ({ source_path: d.source_path, destination_path: d.destination_path, error: fail?.(d.source_path) })),
      requestTime: this.options.clock.now(),
      durationMs: this.options.taskDurationMs ?? 1000,
      notify: [doc.notify_on_succeeded, doc.notify_on_failed, doc.notify_on_inactive],
      stalledAt: undefined,
      canceledAt: undefined,
      forgotten: false,
      hidden: false,
      landed: 0,
    });
    this.bySubmission.set(doc.submission_id, taskId);
    this.options.onSubmit?.(doc, 'after');
    return { task_id: taskId, submission_id: doc.submission_id, code: 'Accepted', message: 'The transfer has been accepted' };
  }

  async submitDelete(_doc: DeleteSubmission): Promise<SubmitResult> {
    throw new GlobusApiError({ status: 501, code: 'NotImplemented', message: 'fake: delete' });
  }

  async getTask(taskId: string): Promise<TaskDocument> {
    this.#settle();
    this.stats.getTaskCalls += 1;
    const t = this.tasks.get(taskId);
    if (!t || t.forgotten) throw notFound(taskId);
    return this.#doc(t);
  }

  async listTasks(query: TaskListQuery = {}): Promise<Paged<TaskDocument>> {
    this.#settle();
    this.stats.listCalls += 1;
    this.stats.activeAtPoll.push(this.activeTaskIds().length);
    const filters = parseFilter(query.filter ?? '');
    const docs = [...this.tasks.values()]
      .filter((t) => !t.forgotten && !t.hidden)
      .map((t) => this.#doc(t))
      .filter((d) => matches(d, filters));
    const offset = query.offset ?? 0;
    const limit = query.limit ?? 10;
    const page = docs.slice(offset, offset + limit);
    return { DATA: page, total: docs.length, offset, limit, has_next_page: offset + limit < docs.length };
  }

  async cancelTask(taskId: string): Promise<CancelResult> {
    this.#settle();
    this.stats.cancelCalls += 1;
    const t = this.tasks.get(taskId);
    if (!t || t.forgotten) throw notFound(taskId);
    if (this.#ended(t)) return { code: 'TaskComplete', message: 'The task completed before it could be canceled' };
    t.canceledAt = this.options.clock.now();
    this.#settle();
    return { code: 'Canceled', message: 'The task has been cancelled successfully.' };
  }

  async taskEvents(_taskId: string): Promise<Paged<TaskEvent>> {
    return { DATA: [] };
  }

  async successfulTransfers(taskId: string, marker?: string): Promise<Paged<FileRecord>> {
    this.#settle();
    const t = this.tasks.get(taskId);
    if (!t || t.forgotten) throw notFound(taskId);
    const done = this.#landedFiles(t).map((f) => ({ source_path: f.source_path, destination_path: f.destination_path }));
    return this.#page(done, marker);
  }

  async skippedErrors(taskId: string, marker?: string): Promise<Paged<FileRecord>> {
    this.#settle();
    const t = this.tasks.get(taskId);
    if (!t || t.forgotten) throw notFound(taskId);
    const skipped = (this.options.failMode ?? 'skip') === 'skip' && this.#ended(t) && t.canceledAt === undefined
      ? t.files.filter((f) => f.error !== undefined).map((f) => ({
          source_path: f.source_path,
          destination_path: f.destination_path,
          error_code: f.error,
          error_details: `fake: ${f.error}`,
        }))
      : [];
    return this.#page(skipped, marker);
  }

  async getCollection(collectionId: string): Promise<CollectionSummary> {
    return { id: collectionId, display_name: collectionId };
  }

  async searchCollections(): Promise<Paged<CollectionSummary>> {
    return { DATA: [] };
  }

  async ls(_collectionId: string, path: string): Promise<Paged<DirEntry> & { readonly path: string }> {
    return { DATA: [], path };
  }

  async mkdir(): Promise<{ readonly code: string; readonly message: string }> {
    return { code: 'DirectoryCreated', message: 'fake' };
  }

  async rename(): Promise<{ readonly code: string; readonly message: string }> {
    return { code: 'FileRenamed', message: 'fake' };
  }

  // --- simulation ---

  #task(taskId: string): FakeTask {
    const t = this.tasks.get(taskId);
    if (!t) throw new Error(`fake: no task ${taskId}`);
    return t;
  }

  /** Fraction of the work done, frozen at a stall or a cancel. */
  #fraction(t: FakeTask): number {
    const stop = Math.min(t.stalledAt ?? Infinity, t.canceledAt ?? Infinity, this.options.clock.now());
    return Math.max(0, Math.min(1, (stop - t.requestTime) / Math.max(1, t.durationMs)));
  }

  #ended(t: FakeTask): boolean {
    return t.canceledAt !== undefined || (t.stalledAt === undefined && this.#fraction(t) >= 1);
  }

  #okFiles(t: FakeTask): FakeFile[] {
    return t.files.filter((f) => f.error === undefined);
  }

  #landedFiles(t: FakeTask): FakeFile[] {
    const ok = this.#okFiles(t);
    return ok.slice(0, Math.floor(this.#fraction(t) * ok.length));
  }

  /** Files land at the destination as the task makes progress, each once per task. */
  #settle(): void {
    for (const t of this.tasks.values()) {
      const files = this.#landedFiles(t);
      for (let i = t.landed; i < files.length; i++) {
        const f = files[i];
        if (!f) continue;
        const key = `${t.destination}:${f.destination_path}`;
        this.landed.set(key, (this.landed.get(key) ?? 0) + 1);
      }
      t.landed = Math.max(t.landed, files.length);
    }
  }

  #doc(t: FakeTask): TaskDocument {
    const ended = this.#ended(t);
    const failed = t.files.filter((f) => f.error !== undefined).length;
    const mode = this.options.failMode ?? 'skip';
    const status = !ended ? 'ACTIVE' : t.canceledAt !== undefined || (failed > 0 && mode === 'fail') ? 'FAILED' : 'SUCCEEDED';
    const landed = this.#landedFiles(t).length;
    const size = 1000;
    return {
      DATA_TYPE: 'task',
      task_id: t.taskId,
      type: 'TRANSFER',
      status,
      label: t.label,
      nice_status: ended ? null : 'OK',
      source_endpoint_id: t.source,
      destination_endpoint_id: t.destination,
      request_time: new Date(t.requestTime).toISOString(),
      completion_time: ended ? new Date(t.canceledAt ?? t.requestTime + t.durationMs).toISOString() : null,
      deadline: new Date(t.requestTime + 86_400_000).toISOString(),
      files: t.files.length,
      directories: 0,
      files_transferred: landed,
      files_skipped: ended && mode === 'skip' && t.canceledAt === undefined ? failed : 0,
      bytes_transferred: landed * size,
      effective_bytes_per_second: 0,
      faults: 0,
      subtasks_total: t.files.length,
      subtasks_pending: t.files.length - landed,
      subtasks_retrying: 0,
      subtasks_succeeded: landed,
      subtasks_failed: 0,
      subtasks_canceled: 0,
      subtasks_expired: 0,
      sync_level: null,
      fatal_error:
        status === 'FAILED'
          ? t.canceledAt !== undefined
            ? { code: 'CANCELED', description: 'canceled' }
            : { code: 'FILE_ERRORS', description: `${failed} files failed` }
          : null,
    };
  }

  #page(records: FileRecord[], marker?: string): Paged<FileRecord> {
    const size = this.options.pageSize ?? 100;
    const start = marker === undefined ? 0 : Number(marker);
    const slice = records.slice(start, start + size);
    const next = start + size < records.length ? String(start + size) : null;
    return { DATA: slice, has_next_page: next !== null, next_marker: next };
  }
}

function notFound(taskId: string): GlobusApiError {
  return new GlobusApiError({ status: 404, code: 'ClientError.NotFound', message: `Task ${taskId} not found` });
}

function parseFilter(filter: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const part of filter.split('/')) {
    const at = part.indexOf(':');
    if (at <= 0) continue;
    out.set(part.slice(0, at), new Set(part.slice(at + 1).split(',')));
  }
  return out;
}

function matches(doc: TaskDocument, filters: Map<string, Set<string>>): boolean {
  const status = filters.get('status');
  if (status && !status.has(doc.status)) return false;
  const type = filters.get('type');
  if (type && !type.has(doc.type)) return false;
  const ids = filters.get('task_id');
  if (ids && !ids.has(doc.task_id)) return false;
  return true;
}
