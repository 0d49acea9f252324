/**
 * Globus emulator: a local Globus Auth + Transfer API v0.10 that really moves files between
 * folders on this disk. The only public door of e2e/globus-emulator.
 *
 * Point @globus/sdk at it with `GLOBUS_SDK_SERVICE_URL_AUTH=<authBaseUrl>` and
 * `GLOBUS_SDK_SERVICE_URL_TRANSFER=<transferBaseUrl>` (the SDK reads them from process.env on
 * every request and appends `/v2/oauth2/...` and `/v0.10/...` itself).
 */
export { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';
export {
  createControlClient,
  type DelayOptions,
  type EmulatorControl,
  type EmulatorSettings,
  type EmulatorStateSummary,
  type FailFilesOptions,
  type FailRequestsOptions,
} from './control-client';
export { fileErrorCodes, type FileErrorCode } from './faults';
export {
  AUTH_RESOURCE_SERVER,
  DEFAULT_DEADLINE_MS,
  DEMO_DESTINATION_COLLECTION_ID,
  DEMO_DESTINATION_COLLECTION_NAME,
  DEMO_SOURCE_COLLECTION_ID,
  DEMO_SOURCE_COLLECTION_NAME,
  EMULATOR_DEFAULT_CLIENT_ID,
  EMULATOR_DEFAULT_USER,
  PENDING_TASK_LIMIT,
  PENDING_TASK_LIMIT_CODE,
  RUNNING_TASKS_PER_USER,
  TRANSFER_RESOURCE_SERVER,
  TRANSFER_SCOPE,
  dataAccessScope,
  defaultCollections,
  transferScopeWithDataAccess,
  type CollectionConfig,
} from './constants';
export { approveConsent } from './consent';
