/** Activity: the transfer history, its live refresh from Globus, and task actions. The only public door of this folder. */
export { ActivityError } from './errors';
export {
  ActivityService,
  activeTaskFilter,
  createActivityService,
  type ActivityServiceOptions,
  type DeltaListener,
  type StatusListener,
  type TaskEndedListener,
  type Unsubscribe,
} from './activity-service';
export { activityMigrations } from './schema';
export { csvField, rowsToCsv } from './csv';
export {
  activityOrigins,
  activitySortKeys,
  fileListKinds,
  type ActivityCounts,
  type ActivityDelta,
  type ActivityFilter,
  type ActivityOrigin,
  type ActivityPage,
  type ActivityPageQuery,
  type ActivityRow,
  type ActivitySnapshot,
  type ActivitySort,
  type ActivitySortKey,
  type EventPage,
  type FileListKind,
  type FilePage,
  type PollStatus,
  type ResubmitResult,
  type SubmittedTask,
  type TaskDetail,
  type TaskEnded,
} from './types';
export { createActivityCapability, type ActivityChannel } from './handlers';
export { explainTransferConflict } from './conflict';
export { createTaskEndNotifier, type TaskEndNotifier } from './task-summary';
export type { AttentionListener } from './attention';
export type { FixedResubmitResult, PathFix, TaskAttention } from '../../../shared/contract/activity';
