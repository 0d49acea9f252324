/**
 * Test support (never exported from an index.ts): the one fake Globus Transfer service for every
 * capability's tests, crash children and benches. Configured per test:
 * - a task table: tasks submitted run on the clock (`taskDurationMs`; files land in order as
 *   time moves), or are written whole by the test (`addTask` / `updateTask`);
 * - call counting (`calls`, `listQueries`, `activeAtPoll`, `totalCalls`, `resetCalls`);
 * - `collections`: folders on this machine standing for collections, so tasks really copy files,
 *   deletes really remove them and mkdir / ls / rename work on disk;
 * - faults: a pending-task limit, 409 Conflict on identical paths, per-file failures,
 *   `failNext`, `stall`, `forget`, `hideFromList`, `hold`, and `onSubmit` to throw at will;
 * - `stateFile`: the table lives in a JSON file, so a SIGKILLed child and the test share it
 *   (a resubmitted submission id answers Duplicate with the original task, as Globus does).
 */
import { randomUUID } from 'node:crypto';
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
import { systemClock } from '../../kernel';
import { GlobusApiError, type TaskListQuery, type TransferService } from '../transfer-port';
import { LocalCollections } from './fake-collections';
import { zeroCalls, type FakeCalls, type FakeTaskSummary, type FakeTransferOptions } from './fake-transfer-options';
import { fakeTaskDocument } from './fake-task-document';
import {
  advanceTasks,
  FakeStateStore,
  isUnfinished,
  progressStoppedAt,
  taskDocument,
  taskFiles,
  type FakeState,
  type FakeTaskRecord,
  type SimulationEnv,
} from './fake-task-state';

export type { FakeCalls, FakeTaskSummary, FakeTransferOptions } from './fake-transfer-options';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether the next submitted task is one `failNext` asked to fail (counting it off). */
function takeFailure(s: FakeState): boolean {
  if (s.data.failNext <= 0) return false;
  s.data.failNext -= 1;
  return true;
}

type NewTask = Pick<FakeTaskRecord, 'type' | 'source' | 'destination' | 'label' | 'files'> & Partial<FakeTaskRecord>;

export class FakeTransferService implements TransferService {
  readonly options: FakeTransferOptions;
  /** Calls per method, in this process. */
  readonly calls: FakeCalls = zeroCalls();
  readonly listQueries: TaskListQuery[] = [];
  /** Unfinished tasks at every task_list call. */
  readonly activeAtPoll: number[] = [];
  /** Submissions answered Duplicate. */
  duplicates = 0;
  /** Every document submitted in this process, in order (refused ones too). */
  readonly submissions: (TransferSubmission | DeleteSubmission)[] = [];
  readonly #store: FakeStateStore;
  readonly #collections: LocalCollections | undefined;

  constructor(options: FakeTransferOptions = {}) {
    this.options = options;
    this.#store = new FakeStateStore(options.stateFile);
    this.#collections = options.collections ? new LocalCollections(options.collections) : undefined;
  }

  get transfers(): TransferSubmission[] {
    return this.submissions.filter((d): d is TransferSubmission => 'destination_endpoint' in d);
  }

  get deletes(): DeleteSubmission[] {
    return this.submissions.filter((d): d is DeleteSubmission => 'endpoint' in d);
  }

  // --- test controls --------------------------------------------------------------------

  /** A task written whole (fakeTaskDocument defaults); it changes only through updateTask / cancel. */
  addTask(partial: Partial<TaskDocument> & { readonly task_id: string }): TaskDocument {
    const doc = fakeTaskDocument(partial);
    this.#use((s) => this.#add(s, { type: doc.type, source: null, destination: null, label: doc.label, files: [], taskId: doc.task_id, written: doc }));
    return doc;
  }

  updateTask(taskId: string, patch: Partial<TaskDocument>): TaskDocument {
    return this.#use((s, env) => {
      const t = this.#find(s, taskId);
      if (t.written) t.written = { ...t.written, ...patch };
      else t.patch = { ...t.patch, ...patch };
      return this.#doc(s, t, env);
    });
  }

  deleteTask(taskId: string): void {
    this.#use((s) => {
      s.index.delete(taskId);
      s.data.tasks = s.data.tasks.filter((t) => t.taskId !== taskId);
    });
  }

  setFiles(taskId: string, kind: 'successful' | 'skipped', records: readonly FileRecord[]): void {
    this.#use((s) => {
      this.#find(s, taskId)[kind] = [...records];
    });
  }

  setEvents(taskId: string, events: readonly TaskEvent[]): void {
    this.#use((s) => {
      this.#find(s, taskId).events = [...events];
    });
  }

  setCollection(id: string, displayName: string): void {
    this.#use((s) => {
      s.data.collectionNames[id] = displayName;
    });
  }

  /** A task submitted by someone else (not through Ferry), e.g. to cause a Conflict. */
  addForeignTask(source: string, destination: string, paths: readonly (readonly [string, string])[], durationMs: number): string {
    const files = paths.map(([from, to]) => ({ source: from, destination: to, error: null }));
    return this.#use((s) => this.#add(s, { type: 'TRANSFER', source, destination, label: 'foreign', files, durationMs }).taskId);
  }

  /** The task stops making progress from now on (and stays ACTIVE). */
  stall(taskId: string): void {
    this.#use((s, env) => {
      const t = this.#find(s, taskId);
      t.stalledAt ??= progressStoppedAt(s.data, env.now);
    });
  }

  /** Globus forgets the task: 404 on getTask, absent from lists. */
  forget(taskId: string): void {
    this.#use((s) => {
      this.#find(s, taskId).forgotten = true;
    });
  }

  /** task_list stops showing the task (getTask still does). */
  hideFromList(taskId: string): void {
    this.#use((s) => {
      this.#find(s, taskId).hidden = true;
    });
  }

  /** While held, no task ends and no file lands; they go on when released (one cancelled meanwhile keeps what landed before the hold). */
  hold(on = true): void {
    this.#use((s, env) => {
      if (!on) s.data.heldSince = null;
      else if (!s.data.hold) s.data.heldSince = env.now;
      s.data.hold = on;
    });
  }

  release(): void {
    this.hold(false);
  }

  /** The next `n` submitted tasks end FAILED with nothing landed. */
  failNext(n: number): void {
    this.#use((s) => {
      s.data.failNext = n;
    });
  }

  activeTaskIds(): string[] {
    return this.#use((s) => s.data.tasks.filter(isUnfinished).map((t) => t.taskId));
  }

  tasks(): FakeTaskSummary[] {
    return this.#use((s, env) =>
      s.data.tasks.map((t) => {
        const doc = this.#doc(s, t, env);
        return {
          taskId: t.taskId,
          submissionId: t.submissionId,
          type: doc.type,
          label: doc.label ?? '',
          status: doc.status,
          source: doc.source_endpoint_id,
          destination: doc.destination_endpoint_id,
          items: t.files.map((f) => f.destination ?? f.source),
        };
      }),
    );
  }

  /** Destination paths of every file that landed, in order (a folder item: each entry below it). */
  copied(): string[] {
    return this.#use((s) => s.data.landings.map(([, path]) => path));
  }

  /** `collection:path` -> how many times a file landed there. */
  landed(): Map<string, number> {
    return this.#use((s) => {
      const out = new Map<string, number>();
      for (const [collection, path] of s.data.landings) out.set(`${collection}:${path}`, (out.get(`${collection}:${path}`) ?? 0) + 1);
      return out;
    });
  }

  totalCalls(): number {
    return Object.values(this.calls).reduce((a, b) => a + b, 0);
  }

  resetCalls(): void {
    for (const k of Object.keys(this.calls) as (keyof FakeCalls)[]) this.calls[k] = 0;
    this.listQueries.length = 0;
    this.activeAtPoll.length = 0;
    this.duplicates = 0;
  }

  // --- TransferService ------------------------------------------------------------------

  async getSubmissionId(): Promise<string> {
    this.calls.getSubmissionId += 1;
    return randomUUID();
  }

  async submitTransfer(doc: TransferSubmission & { readonly recursive_symlinks?: string }): Promise<SubmitResult> {
    this.calls.submitTransfer += 1;
    this.submissions.push(doc);
    this.options.onSubmit?.(doc, 'before');
    const result = this.#use((s) => {
      const prior = this.#duplicate(s, doc.submission_id);
      if (prior) return prior;
      this.#checkLimit(s);
      this.#checkConflict(s, doc);
      const fail = this.options.failFile;
      const files = doc.DATA.map((d) => ({ source: d.source_path, destination: d.destination_path, error: fail?.(d.source_path) ?? null }));
      const t = this.#add(s, {
        type: 'TRANSFER',
        source: doc.source_endpoint,
        destination: doc.destination_endpoint,
        label: doc.label ?? null,
        files,
        submissionId: doc.submission_id,
        syncLevel: doc.sync_level ?? null,
        keepLinks: doc.recursive_symlinks === 'keep',
        injectedFailure: takeFailure(s),
      });
      return { task_id: t.taskId, submission_id: doc.submission_id, code: 'Accepted', message: 'The transfer has been accepted' };
    });
    if (result.code === 'Accepted') this.options.onSubmit?.(doc, 'after');
    return result;
  }

  async submitDelete(doc: DeleteSubmission): Promise<SubmitResult> {
    this.calls.submitDelete += 1;
    this.submissions.push(doc);
    return this.#use((s) => {
      const prior = this.#duplicate(s, doc.submission_id);
      if (prior) return prior;
      this.#checkLimit(s);
      const files = doc.DATA.map((d) => ({ source: d.path, destination: null, error: null }));
      const t = this.#add(s, {
        type: 'DELETE',
        source: doc.endpoint,
        destination: null,
        label: doc.label ?? null,
        files,
        submissionId: doc.submission_id,
        recursive: doc.recursive ?? false,
        injectedFailure: takeFailure(s),
      });
      return { task_id: t.taskId, submission_id: doc.submission_id, code: 'Accepted', message: 'The delete has been accepted' };
    });
  }

  async getTask(taskId: string): Promise<TaskDocument> {
    this.calls.getTask += 1;
    return this.#use((s, env) => this.#doc(s, this.#known(s, taskId), env));
  }

  async listTasks(query: TaskListQuery = {}): Promise<Paged<TaskDocument>> {
    this.calls.listTasks += 1;
    this.listQueries.push(query);
    return this.#use((s, env) => {
      this.activeAtPoll.push(s.data.tasks.filter(isUnfinished).length);
      let docs = s.data.tasks.filter((t) => !t.forgotten && !t.hidden).map((t) => this.#doc(s, t, env));
      for (const clause of (query.filter ?? '').split('/').filter(Boolean)) {
        const at = clause.indexOf(':');
        const field = clause.slice(0, at);
        const values = new Set(clause.slice(at + 1).split(','));
        if (field === 'status') docs = docs.filter((d) => values.has(d.status));
        else if (field === 'type') docs = docs.filter((d) => values.has(d.type));
        else if (field === 'task_id') docs = docs.filter((d) => values.has(d.task_id));
        else throw new GlobusApiError({ code: 'BadRequest', message: `unsupported filter ${field}`, status: 400 });
      }
      if (query.orderby === 'request_time DESC') docs.sort((a, b) => b.request_time.localeCompare(a.request_time));
      const offset = query.offset ?? 0;
      const limit = Math.min(1000, query.limit ?? 10);
      const DATA = docs.slice(offset, offset + limit);
      return { DATA, total: docs.length, offset, limit, has_next_page: offset + DATA.length < docs.length };
    });
  }

  async cancelTask(taskId: string): Promise<CancelResult> {
    this.calls.cancelTask += 1;
    return this.#use((s, env) => {
      const t = this.#known(s, taskId);
      if (!isUnfinished(t)) return { code: 'TaskComplete', message: 'The task completed before it could be canceled' };
      if (t.written) t.written = { ...t.written, status: 'FAILED', nice_status: null, completion_time: new Date(env.now).toISOString() };
      else {
        t.canceledAt = env.now;
        // Held, it has made no progress since the hold began: the cancel keeps only what landed before.
        if (s.data.hold) t.stalledAt ??= progressStoppedAt(s.data, env.now);
      }
      advanceTasks(s, env);
      return { code: 'Canceled', message: 'The task has been cancelled successfully.' };
    });
  }

  async taskEvents(taskId: string, page: { limit?: number; offset?: number } = {}): Promise<Paged<TaskEvent>> {
    this.calls.taskEvents += 1;
    return this.#use((s) => {
      const list = this.#known(s, taskId).events;
      const offset = page.offset ?? 0;
      const limit = page.limit ?? 10;
      const DATA = list.slice(offset, offset + limit);
      return { DATA, total: list.length, offset, limit, has_next_page: offset + DATA.length < list.length };
    });
  }

  async successfulTransfers(taskId: string, marker?: string): Promise<Paged<FileRecord>> {
    this.calls.successfulTransfers += 1;
    return this.#use((s) => this.#page(taskFiles(this.#known(s, taskId), 'successful', this.#failMode), marker));
  }

  async skippedErrors(taskId: string, marker?: string): Promise<Paged<FileRecord>> {
    this.calls.skippedErrors += 1;
    return this.#use((s) => this.#page(taskFiles(this.#known(s, taskId), 'skipped', this.#failMode), marker));
  }

  async getCollection(collectionId: string): Promise<CollectionSummary> {
    this.calls.getCollection += 1;
    const name = this.#use((s) => s.data.collectionNames[collectionId]);
    if (name !== undefined) return { id: collectionId, display_name: name };
    if (this.options.unknownCollections === 'named-by-id' || this.#collections?.has(collectionId)) {
      return { id: collectionId, display_name: collectionId };
    }
    throw new GlobusApiError({ code: 'EndpointNotFound', message: `No collection ${collectionId}`, status: 404 });
  }

  async searchCollections(text: string, limit = 25): Promise<Paged<CollectionSummary>> {
    this.calls.searchCollections += 1;
    const names = this.#use((s) => Object.entries(s.data.collectionNames));
    const found = names.filter(([, name]) => name.toLowerCase().includes(text.toLowerCase())).slice(0, limit);
    return { DATA: found.map(([id, name]) => ({ id, display_name: name })) };
  }

  async ls(collectionId: string, path: string): Promise<Paged<DirEntry> & { readonly path: string }> {
    this.calls.ls += 1;
    return this.#collections ? this.#collections.ls(collectionId, path) : { DATA: [], path };
  }

  async mkdir(collectionId: string, path: string): Promise<{ readonly code: string; readonly message: string }> {
    this.calls.mkdir += 1;
    return this.#collections ? this.#collections.mkdir(collectionId, path) : { code: 'DirectoryCreated', message: 'fake' };
  }

  async rename(collectionId: string, oldPath: string, newPath: string): Promise<{ readonly code: string; readonly message: string }> {
    this.calls.rename += 1;
    return this.#collections ? this.#collections.rename(collectionId, oldPath, newPath) : { code: 'FileRenamed', message: 'fake' };
  }

  // --- the table ------------------------------------------------------------------------

  get #failMode(): 'skip' | 'fail' {
    return this.options.failMode ?? 'skip';
  }

  /** Loads the table, brings every task up to now, runs `fn` (and saves the table). */
  #use<T>(fn: (state: FakeState, env: SimulationEnv) => T): T {
    const env: SimulationEnv = { now: (this.options.clock ?? systemClock).now(), collections: this.#collections, failMode: this.#failMode };
    return this.#store.use((state) => {
      advanceTasks(state, env);
      return fn(state, env);
    });
  }

  #add(s: FakeState, init: NewTask): FakeTaskRecord {
    const duration = this.options.taskDurationMs ?? 1000;
    const t: FakeTaskRecord = {
      taskId: randomUUID(),
      submissionId: randomUUID(),
      syncLevel: null,
      keepLinks: false,
      recursive: false,
      requestTime: (this.options.clock ?? systemClock).now(),
      durationMs: Number.isFinite(duration) ? duration : null,
      injectedFailure: false,
      processed: 0,
      transferred: 0,
      bytes: 0,
      stalledAt: null,
      canceledAt: null,
      endedAt: null,
      forgotten: false,
      hidden: false,
      written: null,
      patch: {},
      successful: null,
      skipped: null,
      events: [],
      ...init,
    };
    if (s.index.has(t.taskId)) s.data.tasks = s.data.tasks.filter((other) => other.taskId !== t.taskId);
    s.data.tasks.push(t);
    s.index.set(t.taskId, t);
    s.data.bySubmission[t.submissionId] = t.taskId;
    return t;
  }

  #doc(s: FakeState, t: FakeTaskRecord, env: SimulationEnv): TaskDocument {
    return taskDocument(t, env, s.data.collectionNames);
  }

  /** For test controls: a task the table holds, forgotten or not. */
  #find(s: FakeState, taskId: string): FakeTaskRecord {
    const t = s.index.get(taskId);
    if (!t) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `Task ${taskId} not found`, status: 404 });
    return t;
  }

  /** 404 for an unknown or forgotten task; with `malformedTaskIds: 'bad-request'`, 400 for an id that is no UUID. */
  #known(s: FakeState, taskId: string): FakeTaskRecord {
    const t = s.index.get(taskId);
    if (t && !t.forgotten) return t;
    if (!t && this.options.malformedTaskIds === 'bad-request' && !uuidPattern.test(taskId)) {
      throw new GlobusApiError({ code: 'ClientError.BadRequest', message: `Invalid task id ${taskId}`, status: 400 });
    }
    throw new GlobusApiError({ code: 'ClientError.NotFound', message: `Task ${taskId} not found`, status: 404 });
  }

  #duplicate(s: FakeState, submissionId: string): SubmitResult | undefined {
    const prior = s.data.bySubmission[submissionId];
    if (prior === undefined) return undefined;
    this.duplicates += 1;
    return { task_id: prior, submission_id: submissionId, code: 'Duplicate', message: 'already submitted' };
  }

  #checkLimit(s: FakeState): void {
    if (s.data.tasks.filter(isUnfinished).length < (this.options.pendingLimit ?? 100)) return;
    const e = this.options.limitError ?? { status: 409, code: 'LimitExceeded', message: 'Too many pending tasks for this user' };
    throw new GlobusApiError({ ...e });
  }

  /** Globus refuses a transfer with paths identical to an unfinished task's (409 Conflict). */
  #checkConflict(s: FakeState, doc: TransferSubmission): void {
    if (this.options.identicalPaths === 'allowed') return;
    const wanted = new Set(doc.DATA.map((d) => `${d.source_path}\u0000${d.destination_path}`));
    for (const t of s.data.tasks) {
      if (!isUnfinished(t) || t.source !== doc.source_endpoint || t.destination !== doc.destination_endpoint) continue;
      if (t.files.some((f) => wanted.has(`${f.source}\u0000${f.destination ?? ''}`))) {
        throw new GlobusApiError({ status: 409, code: 'Conflict', message: `A transfer with identical paths has not yet completed (task ${t.taskId})` });
      }
    }
  }

  #page(records: readonly FileRecord[], marker?: string): Paged<FileRecord> {
    const size = this.options.pageSize ?? 100;
    const start = marker === undefined ? 0 : Number(marker);
    const next = start + size < records.length ? String(start + size) : null;
    return { DATA: records.slice(start, start + size), has_next_page: next !== null, next_marker: next };
  }
}
