import { AppError } from '../kernel';
import { GlobusApiError } from '../globus';
import type { ActivityService } from './activity-service';

/**
 * Globus refuses a transfer whose paths match one that has not finished (409 Conflict). Say which
 * task blocks, so the person can wait for it or cancel it in Activity.
 */
export function explainTransferConflict(error: unknown, activity: ActivityService, source: string, destination: string): unknown {
  if (!(error instanceof GlobusApiError) || error.code !== 'Conflict') return error;
  const blocking = activity
    .snapshot()
    .rows.find((r) => (r.status === 'ACTIVE' || r.status === 'INACTIVE') && r.source_id === source && r.destination_id === destination);
  if (!blocking) return error;
  const name = blocking.label ? `"${blocking.label}" (${blocking.task_id})` : blocking.task_id;
  return new AppError(
    'conflict',
    'Conflict',
    `Globus refused this transfer: task ${name} is still moving the same paths. Wait for it to finish, or cancel it in Activity and send again.`,
    { blockingTaskId: blocking.task_id, requestId: error.requestId ?? null },
  );
}
