import type { DeleteSubmission, FileRecord, TaskDocument, TransferItem, TransferSubmission } from '../../../shared/globus-types';
import type { ResubmitResult, SubmittedTask } from '../../../shared/activity';
import { GlobusApiError, type Submitter, type TaskSubmitted, type TransferService } from '../globus';
import { sleep, type Clock } from '../kernel';
import { ActivityError } from './errors';

/** How many pages of a task's files a rebuild reads at most. */
const maxFilePages = 200;

/** What the history records of a task the one submit path announced. */
export function submittedTaskOf(e: TaskSubmitted): SubmittedTask {
  const doc = e.document;
  return e.type === 'TRANSFER'
    ? { task_id: e.taskId, type: 'TRANSFER', label: doc.label ?? null, submission: doc, source_endpoint_id: e.document.source_endpoint, destination_endpoint_id: e.document.destination_endpoint }
    : { task_id: e.taskId, type: 'DELETE', label: doc.label ?? null, submission: doc, source_endpoint_id: e.document.endpoint };
}

/**
 * The submission of a transfer Ferry did not submit, rebuilt from Globus: the task's collections
 * and options, and the items of its successful and skipped files.
 */
export async function rebuildSubmission(t: TransferService, taskId: string, loadTask: () => Promise<TaskDocument>): Promise<TransferSubmission> {
  const task = await loadTask();
  if (task.type !== 'TRANSFER' || !task.source_endpoint_id || !task.destination_endpoint_id) {
    throw new ActivityError(
      'CannotResubmit',
      'Only transfers can be rebuilt from Globus; this delete task was not submitted from Ferry, so its paths are unknown.',
    );
  }
  const items: TransferItem[] = [];
  const seen = new Set<string>();
  const add = (records: readonly FileRecord[]): void => {
    for (const r of records) {
      if (!r.source_path || !r.destination_path) continue;
      const key = `${r.source_path}\u0000${r.destination_path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      items.push({ DATA_TYPE: 'transfer_item', source_path: r.source_path, destination_path: r.destination_path, recursive: false });
    }
  };
  for (const list of [(m?: string) => t.successfulTransfers(taskId, m), (m?: string) => t.skippedErrors(taskId, m)]) {
    let marker: string | undefined;
    for (let i = 0; i < maxFilePages; i += 1) {
      const page = await list(marker);
      add(page.DATA);
      if (!page.next_marker || page.DATA.length === 0) break;
      marker = page.next_marker;
    }
  }
  if (items.length === 0) {
    throw new ActivityError('CannotResubmit', 'Globus lists no files for this task, so there is nothing to resubmit.');
  }
  return {
    source_endpoint: task.source_endpoint_id,
    destination_endpoint: task.destination_endpoint_id,
    submission_id: '',
    ...(task.label ? { label: task.label } : {}),
    ...(task.sync_level !== null && task.sync_level >= 0 && task.sync_level <= 3 ? { sync_level: task.sync_level as 0 | 1 | 2 | 3 } : {}),
    ...(typeof task.verify_checksum === 'boolean' ? { verify_checksum: task.verify_checksum } : {}),
    DATA: items,
  };
}

/**
 * The submission with one item's paths replaced ("fix the path and resubmit"). Refuses an item
 * that does not exist or a fix that changes nothing.
 */
export function applyPathFix(
  submission: TransferSubmission,
  fix: { readonly itemIndex: number; readonly sourcePath: string; readonly destinationPath: string },
): TransferSubmission {
  const item = submission.DATA[fix.itemIndex];
  if (!item) {
    throw new ActivityError('CannotResubmit', `The task has ${submission.DATA.length} items; item ${fix.itemIndex + 1} does not exist. Reload the task and pick an item.`);
  }
  if (item.source_path === fix.sourcePath && item.destination_path === fix.destinationPath) {
    throw new ActivityError('CannotResubmit', 'The paths are unchanged: edit the source or destination path before resubmitting.');
  }
  if (submission.source_endpoint === submission.destination_endpoint && fix.sourcePath === fix.destinationPath) {
    throw new ActivityError('CannotResubmit', `${fix.sourcePath} would be copied onto itself; choose another destination path.`);
  }
  const DATA = submission.DATA.map((d, i) => (i === fix.itemIndex ? { ...d, source_path: fix.sourcePath, destination_path: fix.destinationPath } : d));
  return { ...submission, DATA };
}

/**
 * Submits `base` again through the one submit path under a new submission id (origin
 * `resubmit`). The old absolute deadline is dropped (Globus applies its default).
 */
export async function submitAgain(submitter: Submitter, base: TransferSubmission | DeleteSubmission, label?: string): Promise<ResubmitResult> {
  const submissionId = await submitter.newSubmissionId();
  const name = label ?? base.label;
  const { deadline: _deadline, ...rest } = base;
  const doc = { ...rest, submission_id: submissionId, ...(name !== undefined ? { label: name } : {}) } as TransferSubmission | DeleteSubmission;
  const submitted = await submitter.submitDocument(doc, 'resubmit');
  return { task_id: submitted.taskId, submission_id: submissionId, code: submitted.code, itemCount: doc.DATA.length };
}

/** Tries at most this often, this far apart, while Globus still holds a cancelled task's paths. */
export const conflictRetries = 5;
export const conflictRetryMs = 2_000;

/**
 * Runs `submit`, and again while Globus answers 409 Conflict ("identical paths has not yet
 * completed"): a task cancelled a moment ago may take a few seconds to end. Other errors, and
 * the last Conflict, are thrown.
 */
export async function retryWhileConflict<T>(submit: () => Promise<T>, clock: Clock): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await submit();
    } catch (error) {
      const conflict = error instanceof GlobusApiError && error.status === 409 && error.code === 'Conflict';
      if (!conflict || attempt >= conflictRetries) throw error;
      await sleep(clock, conflictRetryMs);
    }
  }
}
