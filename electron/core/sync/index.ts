/**
 * Sync jobs (globus_auto done right): the only public door of electron/core/sync. The shapes
 * that reach the UI (jobs, runs, previews, summaries) are the syncs contract slice's
 * (shared/contract/syncs.ts); this door adds the engine and what it takes.
 */
export {
  createSyncEngine,
  SyncEngine,
  SyncJobNameTakenError,
  SyncJobNotFoundError,
  type RunOptions,
  type SyncEngineOptions,
} from './engine';
export { SyncScheduler, type SchedulerOptions } from './scheduler';
export { nextRunTime, autoLabel } from './schedule';
export { syncJobInputSchema, type SyncJobInput, type SyncJobConfig, type SyncEvent, type TaskSubmittedInfo } from './model';
export { createSyncsCapability, type SyncsCapability, type SyncsCapabilityOptions, type SyncsChannel, type SyncsDeps } from './handlers';
export { checkLocalFolder, draftToInput, jobToDraft, parseJobDraft } from './job-draft';
export { previewOutcome, runOutcome, syncOutcomes, worstOutcome, type SyncOutcome } from './outcomes';
/**
 * The ports the engine takes (SyncEngineOptions), with every type their signatures use: what a
 * caller (the CLI, a bench, another host) builds or fakes to drive the engine without reaching
 * into other folders.
 */
export type { Submitter, TaskListQuery, TaskSubmitted, TransferRequestPlain, TransferService } from '../globus';
export type { Clock } from '../kernel';
export type {
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
} from '../../../shared/globus-types';
