/** Test support: how the fake Transfer service is configured, and what it reports. */
import type { TaskStatus, TransferSubmission } from '../../../../shared/globus-types';
import type { Clock } from '../../kernel';
import type { TransferService } from '../transfer-port';

export interface FakeTransferOptions {
  /** The kernel Clock (only `now()` is read): when tasks were requested and how far they got. Default: system time. */
  readonly clock?: Pick<Clock, 'now'>;
  /** How long a submitted task runs, from submission to its end. `Infinity`: until the test ends it. Default 1000. */
  readonly taskDurationMs?: number;
  /** Collection id -> the folder that is its `/`: tasks copy files, deletes remove them, mkdir / ls / rename use the folders. */
  readonly collections?: Readonly<Record<string, string>>;
  /** A JSON file holding the task table, shared with another process (crash tests). */
  readonly stateFile?: string;
  /** Globus' cap on a user's unfinished tasks; a submission past it gets `limitError`. Default 100. */
  readonly pendingLimit?: number;
  readonly limitError?: { readonly status: number; readonly code: string; readonly message: string };
  /** A transfer with paths identical to an unfinished task's: refused with 409 Conflict (default, as Globus does), or allowed. */
  readonly identicalPaths?: 'conflict' | 'allowed';
  /** Files whose source path this returns an error code for fail. */
  readonly failFile?: (sourcePath: string) => string | undefined;
  /** skip (default): the task SUCCEEDS with those files in skipped_errors; fail: the task ends FAILED. */
  readonly failMode?: 'skip' | 'fail';
  /** Page size of successful_transfers / skipped_errors. Default 100. */
  readonly pageSize?: number;
  /** Per transfer submission, a chance to throw instead (before the task exists, or after Globus accepted it). */
  readonly onSubmit?: (doc: TransferSubmission, phase: 'before' | 'after') => void;
  /** getTask / cancelTask of an unknown id that is no UUID: 404 (default), or 400 as Globus answers a malformed id. */
  readonly malformedTaskIds?: 'not-found' | 'bad-request';
  /** getCollection of an id neither `setCollection` nor `collections` knows: 404 (default), or named by its id. */
  readonly unknownCollections?: 'not-found' | 'named-by-id';
}

export type FakeCalls = { [K in keyof TransferService]: number };

/** A task as a test checks it. */
export interface FakeTaskSummary {
  readonly taskId: string;
  readonly submissionId: string;
  readonly type: 'TRANSFER' | 'DELETE';
  readonly label: string;
  readonly status: TaskStatus;
  readonly source: string | null;
  readonly destination: string | null;
  /** Destination paths (a delete: the paths it removes), in submission order. */
  readonly items: string[];
}

export const zeroCalls = (): FakeCalls => ({
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
});
