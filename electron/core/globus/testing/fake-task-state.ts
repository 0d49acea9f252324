/**
 * Test support: the task table of the fake Transfer service, as plain JSON so it can live in a
 * file that a second process (a SIGKILLed child) shares, and the simulation of how tasks run:
 * files land in order as the clock moves, tasks end, stall, are cancelled or fail.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { FileRecord, TaskDocument, TaskEvent, TaskType } from '../../../../shared/globus-types';
import type { LocalCollections } from './fake-collections';
import { fakeTaskDocument } from './fake-task-document';

export interface FakeFile {
  /** A transfer item's source path, or the path a delete removes. */
  readonly source: string;
  /** Null for a delete. */
  readonly destination: string | null;
  /** Why the file fails (set at submission by `failFile`, or when copying it failed), else null. */
  error: string | null;
}

export interface FakeTaskRecord {
  readonly taskId: string;
  readonly submissionId: string;
  readonly type: TaskType;
  /** The delete's collection for a DELETE. */
  readonly source: string | null;
  readonly destination: string | null;
  readonly label: string | null;
  readonly syncLevel: number | null;
  /** `recursive_symlinks: keep`: links are copied as links. */
  readonly keepLinks: boolean;
  /** A delete's `recursive`. */
  readonly recursive: boolean;
  readonly files: FakeFile[];
  readonly requestTime: number;
  /** Null: the task runs until the test ends it (updateTask, cancel). */
  readonly durationMs: number | null;
  /** Ends FAILED with nothing landed (`failNext`). */
  readonly injectedFailure: boolean;
  /** Files dealt with so far (landed or failed), in order. */
  processed: number;
  /** Files (or entries below a folder item) that landed. */
  transferred: number;
  bytes: number;
  stalledAt: number | null;
  canceledAt: number | null;
  endedAt: number | null;
  /** Globus forgot it: 404 on getTask, absent from lists. */
  forgotten: boolean;
  /** task_list does not show it (getTask does). */
  hidden: boolean;
  /** A task the test wrote whole (addTask): shown as written; updateTask patches it. */
  written: TaskDocument | null;
  /** Fields the test set on a simulated task (updateTask). */
  patch: Partial<TaskDocument>;
  /** successful_transfers / skipped_errors as the test set them; null: from the simulation. */
  successful: FileRecord[] | null;
  skipped: FileRecord[] | null;
  events: TaskEvent[];
}

export interface FakeStateData {
  /** In submission order. */
  tasks: FakeTaskRecord[];
  bySubmission: Record<string, string>;
  /** Every file that landed, in order: [collection, path]. */
  landings: [string, string][];
  failNext: number;
  hold: boolean;
  /** When the hold began (null: not held). A task cancelled or stalled while held keeps only what landed before it. */
  heldSince: number | null;
  collectionNames: Record<string, string>;
}

export interface FakeState {
  readonly data: FakeStateData;
  readonly index: Map<string, FakeTaskRecord>;
}

const emptyData = (): FakeStateData => ({ tasks: [], bySubmission: {}, landings: [], failNext: 0, hold: false, heldSince: null, collectionNames: {} });
const indexed = (data: FakeStateData): FakeState => ({ data, index: new Map(data.tasks.map((t) => [t.taskId, t])) });

/** The table in memory, or in a JSON file re-read and re-written (atomically) around every call. */
export class FakeStateStore {
  #memory: FakeState | undefined;

  constructor(private readonly file: string | undefined) {}

  use<T>(fn: (state: FakeState) => T): T {
    if (this.file === undefined) {
      this.#memory ??= indexed(emptyData());
      return fn(this.#memory);
    }
    const state = indexed(existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as FakeStateData) : emptyData());
    const out = fn(state);
    writeFileSync(`${this.file}.tmp`, JSON.stringify(state.data));
    // rename is atomic: a SIGKILL never leaves a torn file
    renameSync(`${this.file}.tmp`, this.file);
    return out;
  }
}

export interface SimulationEnv {
  readonly now: number;
  readonly collections: LocalCollections | undefined;
  /** skip: a task with failed files SUCCEEDS, listing them in skipped_errors; fail: it ends FAILED. */
  readonly failMode: 'skip' | 'fail';
}

/** Bytes a landed file counts for when no folder stands for the collection. */
const notionalFileSize = 1000;

/** Whether Globus counts the task as not yet ended (a status the test set wins). */
export function isUnfinished(t: FakeTaskRecord): boolean {
  if (t.forgotten) return false;
  const status = t.written?.status ?? t.patch.status;
  if (status !== undefined) return status === 'ACTIVE' || status === 'INACTIVE';
  return t.endedAt === null;
}

/** When tasks last made progress: now, or when the hold began (nothing lands while held). */
export function progressStoppedAt(data: FakeStateData, now: number): number {
  return data.hold ? (data.heldSince ?? now) : now;
}

/** Brings every simulated task up to `env.now`: ends the ones due, lands their files. */
export function advanceTasks(state: FakeState, env: SimulationEnv): void {
  for (const t of state.data.tasks) if (!t.written) advance(state.data, t, env);
}

function advance(data: FakeStateData, t: FakeTaskRecord, env: SimulationEnv): void {
  if (t.endedAt === null) {
    if (t.canceledAt !== null) t.endedAt = t.canceledAt;
    else if (!data.hold && t.stalledAt === null && t.durationMs !== null && env.now - t.requestTime >= Math.max(1, t.durationMs)) {
      t.endedAt = t.requestTime + t.durationMs;
    }
  }
  // A delete removes its paths when it ends (a cancelled one removes nothing).
  const waits = t.type === 'DELETE' ? t.endedAt === null || t.canceledAt !== null : t.endedAt === null && data.hold;
  if (t.injectedFailure || waits) return;
  const due = Math.floor(fraction(t, env.now) * t.files.length);
  for (; t.processed < due; t.processed += 1) {
    const file = t.files[t.processed];
    if (file && file.error === null) land(data, t, file, env.collections);
  }
}

/** The share of the work done, frozen at a stall or a cancel. */
function fraction(t: FakeTaskRecord, now: number): number {
  if (t.endedAt !== null && t.canceledAt === null) return 1;
  if (t.durationMs === null) return 0;
  const stop = Math.min(t.stalledAt ?? Infinity, t.canceledAt ?? Infinity, now);
  return Math.max(0, Math.min(1, (stop - t.requestTime) / Math.max(1, t.durationMs)));
}

function land(data: FakeStateData, t: FakeTaskRecord, file: FakeFile, collections: LocalCollections | undefined): void {
  const collection = t.type === 'DELETE' ? (t.source ?? '') : (t.destination ?? '');
  try {
    if (t.type === 'DELETE') {
      collections?.remove(collection, file.source, t.recursive);
      return;
    }
    const item = { source: file.source, destination: file.destination ?? '' };
    const landed = collections
      ? collections.copy(t.source ?? '', collection, item, t.keepLinks)
      : { paths: [item.destination], bytes: notionalFileSize };
    for (const path of landed.paths) data.landings.push([collection, path]);
    t.transferred += landed.paths.length;
    t.bytes += landed.bytes;
  } catch (error) {
    file.error = copyErrorCode(error);
  }
}

/** The Globus error code of a file that could not be copied. */
function copyErrorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT' || code === 'ClientError.NotFound') return 'FILE_NOT_FOUND';
  return code === 'EACCES' || code === 'EPERM' ? 'PERMISSION_DENIED' : 'ENDPOINT_ERROR';
}

/** The document Globus would answer for a task now. */
export function taskDocument(t: FakeTaskRecord, env: SimulationEnv, names: Readonly<Record<string, string>>): TaskDocument {
  if (t.written) return t.written;
  const ended = t.endedAt !== null;
  const cancelled = t.canceledAt !== null;
  const failed = t.files.filter((f) => f.error !== null).length;
  const status = !ended ? 'ACTIVE' : cancelled || t.injectedFailure || (failed > 0 && env.failMode === 'fail') ? 'FAILED' : 'SUCCEEDED';
  const fatal = cancelled
    ? { code: 'CANCELED', description: 'canceled' }
    : t.injectedFailure
      ? { code: 'FAILED', description: 'injected failure' }
      : { code: 'FILE_ERRORS', description: `${failed} files failed` };
  const name = (id: string | null) => (id === null ? null : (names[id] ?? null));
  return {
    ...fakeTaskDocument({
      task_id: t.taskId,
      type: t.type,
      status,
      label: t.label,
      nice_status: ended ? null : 'OK',
      source_endpoint_id: t.source,
      destination_endpoint_id: t.destination,
      source_endpoint_display_name: name(t.source),
      destination_endpoint_display_name: name(t.destination),
      request_time: new Date(t.requestTime).toISOString(),
      completion_time: ended ? new Date(t.endedAt ?? t.requestTime).toISOString() : null,
      deadline: new Date(t.requestTime + 86_400_000).toISOString(),
      files: t.files.length,
      files_transferred: t.transferred,
      files_skipped: ended && env.failMode === 'skip' && !cancelled ? failed : 0,
      bytes_transferred: t.bytes,
      subtasks_total: t.files.length,
      subtasks_pending: t.files.length - t.processed,
      subtasks_succeeded: t.transferred,
      sync_level: t.syncLevel,
      fatal_error: status === 'FAILED' ? fatal : null,
    }),
    ...t.patch,
  };
}

/** Files of a task as successful_transfers / skipped_errors list them. */
export function taskFiles(t: FakeTaskRecord, kind: 'successful' | 'skipped', failMode: 'skip' | 'fail'): FileRecord[] {
  const set = kind === 'successful' ? t.successful : t.skipped;
  if (set !== null || t.written) return set ?? [];
  const done = t.files.slice(0, t.processed);
  if (kind === 'successful') {
    return done.filter((f) => f.error === null).map((f) => ({ source_path: f.source, destination_path: f.destination }));
  }
  if (failMode !== 'skip' || t.endedAt === null || t.canceledAt !== null) return [];
  return t.files
    .filter((f) => f.error !== null)
    .map((f) => ({ source_path: f.source, destination_path: f.destination, error_code: f.error ?? '', error_details: `fake: ${f.error ?? ''}` }));
}
