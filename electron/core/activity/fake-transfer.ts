import type {
  CollectionSummary,
  DeleteSubmission,
  FileRecord,
  Paged,
  TaskDocument,
  TaskEvent,
  TransferSubmission,
} from '../../../shared/globus-types';
import { GlobusApiError, type TaskListQuery, type TransferService } from '../globus';

/**
 * An in-memory TransferService for tests and benches of the activity module: tasks are
 * edited directly, every call is counted, `task_list` understands the `status:` and
 * `task_id:` filters and limit/offset paging.
 */
export interface FakeTransfer extends TransferService {
  readonly calls: { [K in keyof TransferService]: number };
  readonly listQueries: TaskListQuery[];
  readonly submissions: (TransferSubmission | DeleteSubmission)[];
  addTask(partial: Partial<TaskDocument> & { readonly task_id: string }): TaskDocument;
  updateTask(taskId: string, patch: Partial<TaskDocument>): TaskDocument;
  deleteTask(taskId: string): void;
  setFiles(taskId: string, kind: 'successful' | 'skipped', records: readonly FileRecord[]): void;
  setEvents(taskId: string, events: readonly TaskEvent[]): void;
  setCollection(id: string, displayName: string): void;
  totalCalls(): number;
  resetCalls(): void;
}

export function fakeTaskDocument(partial: Partial<TaskDocument> & { readonly task_id: string }): TaskDocument {
  return {
    DATA_TYPE: 'task',
    type: 'TRANSFER',
    status: 'ACTIVE',
    label: null,
    nice_status: 'Queued',
    source_endpoint_id: 'src-collection',
    destination_endpoint_id: 'dst-collection',
    source_endpoint_display_name: 'Source',
    destination_endpoint_display_name: 'Destination',
    request_time: '2024-01-01T00:00:00+00:00',
    completion_time: null,
    deadline: '2024-01-02T00:00:00+00:00',
    files: 0,
    directories: 0,
    files_transferred: 0,
    files_skipped: 0,
    bytes_transferred: 0,
    effective_bytes_per_second: 0,
    faults: 0,
    subtasks_total: 0,
    subtasks_pending: 0,
    subtasks_retrying: 0,
    subtasks_succeeded: 0,
    subtasks_failed: 0,
    subtasks_canceled: 0,
    subtasks_expired: 0,
    sync_level: null,
    ...partial,
  };
}

const pageSize = 2;

export function createFakeTransfer(): FakeTransfer {
  const tasks = new Map<string, TaskDocument>();
  const files = new Map<string, FileRecord[]>();
  const events = new Map<string, TaskEvent[]>();
  const collections = new Map<string, string>();
  const calls = {
    getSubmissionId: 0,
    submitTransfer: 0,
    submitDelete: 0,
    getTask: 0,
    listTasks: 0,
    cancelTask: 0,
    taskEvents: 0,
    successfulTransfers: 0,
    skippedErrors: 0,
    getCollection: 0,
    searchCollections: 0,
    ls: 0,
    mkdir: 0,
    rename: 0,
  };
  const listQueries: TaskListQuery[] = [];
  const submissions: (TransferSubmission | DeleteSubmission)[] = [];
  let nextId = 1;

  const need = (id: string): TaskDocument => {
    const t = tasks.get(id);
    if (!t) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `Task ${id} not found`, status: 404 });
    return t;
  };
  const markerPage = (list: readonly FileRecord[], marker?: string): Paged<FileRecord> => {
    const start = marker ? Number(marker) : 0;
    const end = start + pageSize;
    return { DATA: list.slice(start, end), next_marker: end < list.length ? String(end) : null, has_next_page: end < list.length };
  };
  const submit = (doc: TransferSubmission | DeleteSubmission) => {
    submissions.push(doc);
    const task_id = `task-${nextId++}`;
    const isDelete = 'endpoint' in doc;
    tasks.set(
      task_id,
      fakeTaskDocument({
        task_id,
        type: isDelete ? 'DELETE' : 'TRANSFER',
        label: doc.label ?? null,
        source_endpoint_id: isDelete ? doc.endpoint : doc.source_endpoint,
        destination_endpoint_id: isDelete ? null : doc.destination_endpoint,
        files: doc.DATA.length,
      }),
    );
    return Promise.resolve({ task_id, submission_id: doc.submission_id, code: 'Accepted' });
  };

  const fake: FakeTransfer = {
    calls,
    listQueries,
    submissions,
    addTask(partial) {
      const doc = fakeTaskDocument(partial);
      tasks.set(doc.task_id, doc);
      return doc;
    },
    updateTask(taskId, patch) {
      const doc = { ...need(taskId), ...patch };
      tasks.set(taskId, doc);
      return doc;
    },
    deleteTask(taskId) {
      tasks.delete(taskId);
    },
    setFiles(taskId, kind, records) {
      files.set(`${kind}:${taskId}`, [...records]);
    },
    setEvents(taskId, list) {
      events.set(taskId, [...list]);
    },
    setCollection(id, displayName) {
      collections.set(id, displayName);
    },
    totalCalls: () => Object.values(calls).reduce((a, b) => a + b, 0),
    resetCalls() {
      for (const k of Object.keys(calls) as (keyof typeof calls)[]) calls[k] = 0;
      listQueries.length = 0;
    },
    getSubmissionId() {
      calls.getSubmissionId += 1;
      return Promise.resolve(`submission-${nextId++}`);
    },
    submitTransfer(doc) {
      calls.submitTransfer += 1;
      return submit(doc);
    },
    submitDelete(doc) {
      calls.submitDelete += 1;
      return submit(doc);
    },
    async getTask(taskId) {
      calls.getTask += 1;
      return need(taskId);
    },
    async listTasks(query = {}) {
      calls.listTasks += 1;
      listQueries.push(query);
      let list = [...tasks.values()];
      for (const clause of (query.filter ?? '').split('/').filter(Boolean)) {
        const [field, values = ''] = clause.split(':');
        const set = new Set(values.split(','));
        if (field === 'status') list = list.filter((t) => set.has(t.status));
        else if (field === 'task_id') list = list.filter((t) => set.has(t.task_id));
        else if (field === 'type') list = list.filter((t) => set.has(t.type));
        else throw new GlobusApiError({ code: 'BadRequest', message: `unsupported filter ${field}`, status: 400 });
      }
      if (query.orderby === 'request_time DESC') list.sort((a, b) => b.request_time.localeCompare(a.request_time));
      const offset = query.offset ?? 0;
      const limit = Math.min(1000, query.limit ?? 10);
      const DATA = list.slice(offset, offset + limit);
      return { DATA, total: list.length, offset, limit, has_next_page: offset + DATA.length < list.length };
    },
    async cancelTask(taskId) {
      calls.cancelTask += 1;
      const t = need(taskId);
      if (t.status === 'SUCCEEDED' || t.status === 'FAILED') return { code: 'TaskComplete', message: 'already complete' };
      tasks.set(taskId, { ...t, status: 'FAILED', nice_status: null, completion_time: '2024-01-01T01:00:00+00:00' });
      return { code: 'Canceled', message: 'The task has been cancelled.' };
    },
    async taskEvents(taskId, page = {}) {
      calls.taskEvents += 1;
      need(taskId);
      const list = events.get(taskId) ?? [];
      const offset = page.offset ?? 0;
      const limit = page.limit ?? 10;
      const DATA = list.slice(offset, offset + limit);
      return { DATA, total: list.length, offset, limit, has_next_page: offset + DATA.length < list.length };
    },
    async successfulTransfers(taskId, marker) {
      calls.successfulTransfers += 1;
      need(taskId);
      return markerPage(files.get(`successful:${taskId}`) ?? [], marker);
    },
    async skippedErrors(taskId, marker) {
      calls.skippedErrors += 1;
      need(taskId);
      return markerPage(files.get(`skipped:${taskId}`) ?? [], marker);
    },
    async getCollection(id): Promise<CollectionSummary> {
      calls.getCollection += 1;
      const name = collections.get(id);
      if (name === undefined) throw new GlobusApiError({ code: 'EndpointNotFound', message: 'no such collection', status: 404 });
      return { id, display_name: name };
    },
    async searchCollections() {
      calls.searchCollections += 1;
      return { DATA: [] };
    },
    async ls(_collectionId, path) {
      calls.ls += 1;
      return { DATA: [], path };
    },
    async mkdir() {
      calls.mkdir += 1;
      return { code: 'DirectoryCreated', message: 'ok' };
    },
    async rename() {
      calls.rename += 1;
      return { code: 'FileRenamed', message: 'ok' };
    },
  };
  return fake;
}
