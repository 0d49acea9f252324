/**
 * Globus emulator: a local Globus Auth + Transfer API v0.10 (+ Timers and a Groups subset) that
 * really moves files between folders on this disk. The only public door of e2e/globus-emulator.
 *
 * Point @globus/sdk at it with `GLOBUS_SDK_SERVICE_URL_{AUTH,TRANSFER,TIMERS,GROUPS}=<url>`
 * (`emulator.env` has all four; the SDK reads them from process.env on every request and appends
 * `/v2/oauth2/...`, `/v0.10/...`, `/v2/timer` / `/jobs/...`, `/v2/groups/...` itself).
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';
export {
  advanceClock,
  createControlClient,
  grantConsent,
  injectTaskEvent,
  revokeConsent,
  type DelayOptions,
  type DropHttpsOptions,
  type GcpCollectionInit,
  type EmulatorClockState,
  type InjectTaskEventOptions,
  type EmulatorControl,
  type EmulatorSettings,
  type EmulatorStateSummary,
  type FailFilesOptions,
  type FailRequestsOptions,
} from './control-client';
export { fileErrorCodes, type FileErrorCode } from './faults';
export { httpsDropMethods, type HttpsDropMethod, type HttpsRequestRecord } from './https-faults';
export { GCP_ENTITY_TYPE, writeGcpInstall, type GcpFolderShare } from './gcp';
export {
  AUTH_RESOURCE_SERVER,
  COLLEAGUE_IDENTITY,
  DEFAULT_DEADLINE_MS,
  DEMO_COLLAB_GROUP_ID,
  DEMO_COLLAB_GROUP_NAME,
  DEMO_GUEST_COLLECTION_ID,
  DEMO_GUEST_COLLECTION_NAME,
  DEMO_LAB_GROUP_ID,
  DEMO_LAB_GROUP_NAME,
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_DESTINATION_COLLECTION_NAME,
  DEMO_SOURCE_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_NAME,
  EMULATOR_DEFAULT_CLIENT_ID,
  EMULATOR_DEFAULT_USER,
  PENDING_TASK_LIMIT,
  PENDING_TASK_LIMIT_CODE,
  RUNNING_TASKS_PER_USER,
  GROUPS_RESOURCE_SERVER,
  GROUPS_SCOPE,
  GROUPS_VIEW_SCOPE,
  TIMERS_RESOURCE_SERVER,
  TIMERS_SCOPE,
  TRANSFER_RESOURCE_SERVER,
  TRANSFER_SCOPE,
  dataAccessScope,
  timersScopeWithDataAccess,
  defaultCollections,
  transferScopeWithDataAccess,
  type CollectionConfig,
} from './constants';
export { approveConsent } from './consent';
