/** Sync jobs (globus_auto done right): the only public door of electron/core/sync. */
export {
  createSyncEngine,
  SyncEngine,
  SyncJobNotFoundError,
  type RunOptions,
  type SyncEngineOptions,
  type SyncTestHooks,
} from './engine';
export { SyncScheduler, type SchedulerOptions } from './scheduler';
export { runSyncCli, type SyncCliDeps } from './cli';
export { systemClock, nextRunTime, autoLabel, type Clock } from './clock';
export {
  syncJobInputSchema,
  scheduleSchema,
  symlinkPolicies,
  runStatuses,
  finishedStatuses,
  type SymlinkPolicy,
  type SyncSchedule,
  type SyncJobInput,
  type SyncJobConfig,
  type SyncJob,
  type RunStatus,
  type RunTrigger,
  type RunStats,
  type RunTask,
  type PhaseTimes,
  type SyncRun,
  type SyncPreview,
  type SyncPhase,
  type SyncJobSummary,
  type TaskSubmittedInfo,
  type SyncEvent,
} from './model';
export { createSyncsCapability, type SyncsCapability, type SyncsCapabilityOptions, type SyncsChannel, type SyncsDeps } from './handlers';
