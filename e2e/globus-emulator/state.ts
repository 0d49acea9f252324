/**
 * The emulator's persistent state: one SQLite file in --root, so a restart keeps collections,
 * tokens, tasks, events and per-file records.
 */
import { join } from 'node:path';
import { openSqlite, type EmulatorDatabase, type EmulatorMigration } from './database';

export type TaskStatus = 'ACTIVE' | 'INACTIVE' | 'SUCCEEDED' | 'FAILED';
export type TaskType = 'TRANSFER' | 'DELETE';

export interface CollectionRow {
  readonly id: string;
  readonly display_name: string;
  readonly root: string;
  readonly owner_string: string;
  readonly description: string | null;
  require_consent: number;
  /** `GCSv5_mapped_collection` or `GCSv5_guest_collection`. */
  readonly entity_type: string;
  readonly mapped_collection_id: string | null;
  /** Identity id of the owner; null = the default person. */
  readonly owner_id: string | null;
}

export interface TransferItemRow {
  readonly source_path: string;
  readonly destination_path: string;
  readonly recursive: boolean;
}

/** One task, as stored. Counters are mutated in place by the engine and written back. */
export interface TaskRow {
  readonly task_id: string;
  readonly owner_id: string;
  readonly submission_id: string;
  readonly type: TaskType;
  status: TaskStatus;
  label: string | null;
  readonly source_endpoint_id: string | null;
  readonly destination_endpoint_id: string | null;
  readonly request_time: number;
  completion_time: number | null;
  deadline: number;
  readonly sync_level: number | null;
  readonly verify_checksum: number;
  readonly preserve_timestamp: number;
  readonly skip_source_errors: number;
  readonly recursive: number;
  readonly ignore_missing: number;
  /** JSON: TransferItemRow[] for transfers, string[] (paths) for deletes. */
  readonly items: string;
  readonly paths_key: string;
  files: number;
  directories: number;
  files_transferred: number;
  files_skipped: number;
  bytes_transferred: number;
  bytes_checksummed: number;
  faults: number;
  subtasks_total: number;
  subtasks_pending: number;
  subtasks_retrying: number;
  subtasks_succeeded: number;
  subtasks_failed: number;
  subtasks_canceled: number;
  subtasks_expired: number;
  subtasks_skipped_errors: number;
  nice_status: string | null;
  fatal_error: string | null;
  stalled: number;
  inactive: number;
}

const migrations: readonly EmulatorMigration[] = [
  {
    version: 1,
    up: (db) => {
      db.exec(`
        CREATE TABLE collections (
          id TEXT PRIMARY KEY, display_name TEXT NOT NULL, root TEXT NOT NULL,
          owner_string TEXT NOT NULL, description TEXT, require_consent INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE auth_codes (
          code TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, scope TEXT NOT NULL,
          code_challenge TEXT, code_challenge_method TEXT, sub TEXT NOT NULL, offline INTEGER NOT NULL,
          expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE refresh_tokens (
          token TEXT PRIMARY KEY, client_id TEXT NOT NULL, sub TEXT NOT NULL, resource_server TEXT NOT NULL,
          scope TEXT NOT NULL, data_access TEXT NOT NULL, revoked INTEGER NOT NULL DEFAULT 0,
          code TEXT
        );
        CREATE TABLE access_tokens (
          token TEXT PRIMARY KEY, client_id TEXT NOT NULL, sub TEXT NOT NULL, resource_server TEXT NOT NULL,
          scope TEXT NOT NULL, data_access TEXT NOT NULL, refresh_token TEXT, code TEXT,
          expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX access_tokens_refresh ON access_tokens(refresh_token);
        CREATE TABLE tasks (
          task_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, submission_id TEXT NOT NULL, type TEXT NOT NULL,
          status TEXT NOT NULL, label TEXT, source_endpoint_id TEXT, destination_endpoint_id TEXT,
          request_time INTEGER NOT NULL, completion_time INTEGER, deadline INTEGER NOT NULL,
          sync_level INTEGER, verify_checksum INTEGER NOT NULL, preserve_timestamp INTEGER NOT NULL,
          skip_source_errors INTEGER NOT NULL, recursive INTEGER NOT NULL, ignore_missing INTEGER NOT NULL,
          items TEXT NOT NULL, paths_key TEXT NOT NULL,
          files INTEGER NOT NULL DEFAULT 0, directories INTEGER NOT NULL DEFAULT 0,
          files_transferred INTEGER NOT NULL DEFAULT 0, files_skipped INTEGER NOT NULL DEFAULT 0,
          bytes_transferred INTEGER NOT NULL DEFAULT 0, bytes_checksummed INTEGER NOT NULL DEFAULT 0,
          faults INTEGER NOT NULL DEFAULT 0, subtasks_total INTEGER NOT NULL DEFAULT 0,
          subtasks_pending INTEGER NOT NULL DEFAULT 0, subtasks_retrying INTEGER NOT NULL DEFAULT 0,
          subtasks_succeeded INTEGER NOT NULL DEFAULT 0, subtasks_failed INTEGER NOT NULL DEFAULT 0,
          subtasks_canceled INTEGER NOT NULL DEFAULT 0, subtasks_expired INTEGER NOT NULL DEFAULT 0,
          subtasks_skipped_errors INTEGER NOT NULL DEFAULT 0,
          nice_status TEXT, fatal_error TEXT, stalled INTEGER NOT NULL DEFAULT 0, inactive INTEGER NOT NULL DEFAULT 0,
          UNIQUE (owner_id, submission_id)
        );
        CREATE INDEX tasks_owner_time ON tasks(owner_id, request_time);
        CREATE INDEX tasks_owner_status ON tasks(owner_id, status, request_time);
        CREATE INDEX tasks_paths ON tasks(owner_id, paths_key, status);
        CREATE TABLE task_events (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, code TEXT NOT NULL,
          is_error INTEGER NOT NULL, description TEXT NOT NULL, details TEXT NOT NULL, time INTEGER NOT NULL
        );
        CREATE INDEX task_events_task ON task_events(task_id, seq);
        CREATE TABLE task_successes (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL,
          source_path TEXT, destination_path TEXT NOT NULL
        );
        CREATE INDEX task_successes_task ON task_successes(task_id, seq);
        CREATE TABLE task_skipped (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, source_path TEXT NOT NULL,
          destination_path TEXT NOT NULL, error_code TEXT NOT NULL, error_details TEXT NOT NULL,
          error_time INTEGER NOT NULL, is_directory INTEGER NOT NULL
        );
        CREATE INDEX task_skipped_task ON task_skipped(task_id, seq);
      `);
    },
  },
  {
    version: 2,
    up: (db) => {
      db.exec(`
        ALTER TABLE collections ADD COLUMN entity_type TEXT NOT NULL DEFAULT 'GCSv5_mapped_collection';
        ALTER TABLE collections ADD COLUMN mapped_collection_id TEXT;
        ALTER TABLE collections ADD COLUMN owner_id TEXT;
        CREATE TABLE emulator_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE timers (
          job_id TEXT PRIMARY KEY, owner_id TEXT NOT NULL, client_id TEXT NOT NULL, name TEXT NOT NULL,
          body TEXT NOT NULL, schedule TEXT NOT NULL, start INTEGER NOT NULL, interval_seconds INTEGER,
          stop_after_date INTEGER, stop_after_n INTEGER, status TEXT NOT NULL, inactive_reason TEXT,
          submitted_at INTEGER NOT NULL, last_ran_at INTEGER, next_run INTEGER,
          n_runs INTEGER NOT NULL DEFAULT 0, n_errors INTEGER NOT NULL DEFAULT 0,
          data_access TEXT NOT NULL, current_task_id TEXT
        );
        CREATE INDEX timers_owner ON timers(owner_id, submitted_at);
        CREATE TABLE timer_runs (
          seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, ran_at INTEGER NOT NULL,
          started_at INTEGER NOT NULL, task_id TEXT, http_status INTEGER NOT NULL, errors TEXT
        );
        CREATE INDEX timer_runs_job ON timer_runs(job_id, seq);
        CREATE TABLE access_rules (
          id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, principal_type TEXT NOT NULL, principal TEXT NOT NULL,
          path TEXT NOT NULL, permissions TEXT NOT NULL, create_time INTEGER NOT NULL, expiration_date INTEGER,
          notify_email TEXT, notify_message TEXT
        );
        CREATE INDEX access_rules_collection ON access_rules(collection_id, create_time);
      `);
    },
  },
];

export function openEmulatorDatabase(root: string): EmulatorDatabase {
  return openSqlite(join(root, 'emulator.sqlite'), migrations);
}

const mutableTaskColumns = [
  'status', 'label', 'completion_time', 'deadline', 'files', 'directories', 'files_transferred', 'files_skipped',
  'bytes_transferred', 'bytes_checksummed', 'faults', 'subtasks_total', 'subtasks_pending', 'subtasks_retrying',
  'subtasks_succeeded', 'subtasks_failed', 'subtasks_canceled', 'subtasks_expired', 'subtasks_skipped_errors',
  'nice_status', 'fatal_error', 'stalled', 'inactive',
] as const;

/** Typed statements over the database; the only place that writes SQL for tasks. */
export class TaskStore {
  private readonly insertStmt;
  private readonly updateStmt;
  private readonly byIdStmt;
  private readonly bySubmissionStmt;
  private readonly pendingCountStmt;
  private readonly conflictStmt;
  private readonly unfinishedStmt;
  private readonly eventStmt;
  private readonly successStmt;
  private readonly skippedStmt;
  private readonly successKeysStmt;

  constructor(private readonly db: EmulatorDatabase) {
    const allColumns = [
      'task_id', 'owner_id', 'submission_id', 'type', 'source_endpoint_id', 'destination_endpoint_id', 'request_time',
      'sync_level', 'verify_checksum', 'preserve_timestamp', 'skip_source_errors', 'recursive', 'ignore_missing',
      'items', 'paths_key', ...mutableTaskColumns,
    ];
    this.insertStmt = db.prepare(
      `INSERT INTO tasks (${allColumns.join(', ')}) VALUES (${allColumns.map((c) => `@${c}`).join(', ')})`,
    );
    this.updateStmt = db.prepare(
      `UPDATE tasks SET ${mutableTaskColumns.map((c) => `${c} = @${c}`).join(', ')} WHERE task_id = @task_id`,
    );
    this.byIdStmt = db.prepare('SELECT * FROM tasks WHERE task_id = ?');
    this.bySubmissionStmt = db.prepare('SELECT * FROM tasks WHERE owner_id = ? AND submission_id = ?');
    this.pendingCountStmt = db.prepare(
      "SELECT COUNT(*) AS n FROM tasks WHERE owner_id = ? AND status IN ('ACTIVE', 'INACTIVE')",
    );
    this.conflictStmt = db.prepare(
      "SELECT task_id FROM tasks WHERE owner_id = ? AND paths_key = ? AND status IN ('ACTIVE', 'INACTIVE') LIMIT 1",
    );
    this.unfinishedStmt = db.prepare(
      "SELECT * FROM tasks WHERE status IN ('ACTIVE', 'INACTIVE') ORDER BY request_time, rowid",
    );
    this.eventStmt = db.prepare(
      'INSERT INTO task_events (task_id, code, is_error, description, details, time) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.successStmt = db.prepare(
      'INSERT INTO task_successes (task_id, source_path, destination_path) VALUES (?, ?, ?)',
    );
    this.skippedStmt = db.prepare(
      `INSERT INTO task_skipped (task_id, source_path, destination_path, error_code, error_details, error_time, is_directory)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.successKeysStmt = db.prepare('SELECT source_path, destination_path FROM task_successes WHERE task_id = ?');
  }

  insert(row: TaskRow): void {
    this.insertStmt.run(row);
  }

  update(row: TaskRow): void {
    const values: Record<string, unknown> = { task_id: row.task_id };
    for (const c of mutableTaskColumns) values[c] = row[c];
    this.updateStmt.run(values);
  }

  get(taskId: string): TaskRow | undefined {
    return this.byIdStmt.get(taskId) as TaskRow | undefined;
  }

  bySubmission(ownerId: string, submissionId: string): TaskRow | undefined {
    return this.bySubmissionStmt.get(ownerId, submissionId) as TaskRow | undefined;
  }

  pendingCount(ownerId: string): number {
    return (this.pendingCountStmt.get(ownerId) as { n: number }).n;
  }

  conflicting(ownerId: string, pathsKey: string): string | undefined {
    return (this.conflictStmt.get(ownerId, pathsKey) as { task_id: string } | undefined)?.task_id;
  }

  unfinished(): TaskRow[] {
    return this.unfinishedStmt.all() as TaskRow[];
  }

  addEvent(taskId: string, code: string, isError: boolean, description: string, details: string): void {
    this.eventStmt.run(taskId, code, isError ? 1 : 0, description, details, Date.now());
  }

  addSuccess(taskId: string, sourcePath: string | null, destinationPath: string): void {
    this.successStmt.run(taskId, sourcePath, destinationPath);
  }

  addSkipped(taskId: string, src: string, dst: string, code: string, details: string, isDirectory: boolean): void {
    this.skippedStmt.run(taskId, src, dst, code, details, Date.now(), isDirectory ? 1 : 0);
  }

  /** Keys `src\0dst` of files a task already finished (to resume after a restart). */
  successKeys(taskId: string): Set<string> {
    const rows = this.successKeysStmt.all(taskId) as { source_path: string | null; destination_path: string }[];
    return new Set(rows.map((r) => `${r.source_path ?? ''}\0${r.destination_path}`));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
