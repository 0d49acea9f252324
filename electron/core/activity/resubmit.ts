import type { FileRecord, TaskDocument, TransferItem, TransferSubmission } from '../../../shared/globus-types';
import type { SubmittedTask } from '../../../shared/activity';
import type { TaskSubmitted, TransferService } from '../globus';
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
