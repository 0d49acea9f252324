/**
 * Test support (not exported from index.ts): a TransferService that really copies files between
 * collection roots on this machine. Tasks start ACTIVE and finish on a later tick, or stay ACTIVE
 * while `hold()` is in effect, so waiting code is exercised.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GlobusApiError, type TransferService } from '../globus/index';
import type { DeleteSubmission, SubmitResult, TaskDocument, TransferSubmission } from '../../../shared/globus-types';

interface FakeTask {
  doc: TaskDocument;
  run: () => Promise<void>;
}

export class FakeTransferService implements TransferService {
  readonly transfers: TransferSubmission[] = [];
  readonly deletes: DeleteSubmission[] = [];
  private readonly tasks = new Map<string, FakeTask>();
  private held = false;
  private readonly waiting: FakeTask[] = [];

  /** `roots`: collection UUID -> directory that is the collection's `/`. */
  constructor(private readonly roots: Readonly<Record<string, string>>) {}

  /** Local path of a collection path. */
  localPath(collection: string, path: string): string {
    const root = this.roots[collection];
    if (root === undefined) {
      throw new GlobusApiError({ code: 'ClientError.NotFound', message: `No collection ${collection}`, status: 404 });
    }
    return join(root, path);
  }

  hold(): void {
    this.held = true;
  }

  release(): void {
    this.held = false;
    for (const t of this.waiting.splice(0)) this.start(t);
  }

  private start(task: FakeTask): void {
    setImmediate(() => {
      void task.run();
    });
  }

  private newTask(type: 'TRANSFER' | 'DELETE', src: string | null, dst: string | null, files: number, run: (t: FakeTask) => Promise<void>): FakeTask {
    const id = randomUUID();
    const now = new Date().toISOString();
    const task: FakeTask = {
      doc: {
        task_id: id,
        type,
        status: 'ACTIVE',
        label: null,
        nice_status: 'Queued',
        source_endpoint_id: src,
        destination_endpoint_id: dst,
        request_time: now,
        completion_time: null,
        deadline: new Date(Date.now() + 86_400_000).toISOString(),
        files,
        directories: 0,
        files_transferred: 0,
        files_skipped: 0,
        bytes_transferred: 0,
        effective_bytes_per_second: 0,
        faults: 0,
        subtasks_total: files,
        subtasks_pending: files,
        subtasks_retrying: 0,
        subtasks_succeeded: 0,
        subtasks_failed: 0,
        subtasks_canceled: 0,
        subtasks_expired: 0,
        sync_level: null,
      },
      run: async () => {
        try {
          await run(task);
          task.doc = { ...task.doc, status: 'SUCCEEDED', nice_status: null, completion_time: new Date().toISOString() };
        } catch (error) {
          task.doc = { ...task.doc, status: 'FAILED', nice_status: (error as Error).message, completion_time: new Date().toISOString() };
        }
      },
    };
    this.tasks.set(id, task);
    if (this.held) this.waiting.push(task);
    else this.start(task);
    return task;
  }

  async getSubmissionId(): Promise<string> {
    return randomUUID();
  }

  async submitTransfer(doc: TransferSubmission): Promise<SubmitResult> {
    this.transfers.push(doc);
    const task = this.newTask('TRANSFER', doc.source_endpoint, doc.destination_endpoint, doc.DATA.length, async (t) => {
      let bytes = 0;
      for (const item of doc.DATA) {
        const src = this.localPath(doc.source_endpoint, item.source_path);
        const dst = this.localPath(doc.destination_endpoint, item.destination_path);
        await mkdir(dirname(dst), { recursive: true });
        await copyFile(src, dst);
        bytes += (await stat(dst)).size;
      }
      t.doc = { ...t.doc, files_transferred: doc.DATA.length, bytes_transferred: bytes, subtasks_pending: 0 };
    });
    return { task_id: task.doc.task_id, submission_id: doc.submission_id, code: 'Accepted' };
  }

  async submitDelete(doc: DeleteSubmission): Promise<SubmitResult> {
    this.deletes.push(doc);
    const task = this.newTask('DELETE', doc.endpoint, null, doc.DATA.length, async () => {
      for (const item of doc.DATA) {
        await rm(this.localPath(doc.endpoint, item.path), { recursive: doc.recursive ?? false, force: true });
      }
    });
    return { task_id: task.doc.task_id, submission_id: doc.submission_id, code: 'Accepted' };
  }

  async getTask(taskId: string): Promise<TaskDocument> {
    if (!/^[0-9a-f-]{36}$/.test(taskId)) {
      throw new GlobusApiError({ code: 'ClientError.BadRequest', message: `Invalid task id ${taskId}`, status: 400 });
    }
    const task = this.tasks.get(taskId);
    if (!task) throw new GlobusApiError({ code: 'TaskNotFound', message: `Task ${taskId} not found`, status: 404 });
    return task.doc;
  }

  private unsupported(): never {
    throw new Error('not supported by the fake transfer service');
  }

  listTasks(): never {
    return this.unsupported();
  }
  cancelTask(): never {
    return this.unsupported();
  }
  async taskEvents(): Promise<{ DATA: [] }> {
    return { DATA: [] };
  }
  successfulTransfers(): never {
    return this.unsupported();
  }
  skippedErrors(): never {
    return this.unsupported();
  }
  getCollection(): never {
    return this.unsupported();
  }
  searchCollections(): never {
    return this.unsupported();
  }
  ls(): never {
    return this.unsupported();
  }
  mkdir(): never {
    return this.unsupported();
  }
  rename(): never {
    return this.unsupported();
  }
}
