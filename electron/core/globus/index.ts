/** Globus: sign-in, tokens and the Transfer service. The only public door of this folder. */
export { GlobusApiError, type TaskListQuery, type TransferService } from './transfer-port';
export { createTransferService, type TransferServiceOptions } from './transfer-service';
export { createGlobusAuth, type GlobusAuth, type GlobusAuthOptions, type LoginOptions } from './auth-service';
export {
  accountStates,
  type AccountIdentity,
  type AccountState,
  type AccountStatus,
  type PendingLogin,
  type StatusListener,
} from './account-status';
export { plainFileCipher, type SecretCipher } from './secret-cipher';
export {
  ConsentRequiredError,
  isConsentRequired,
  localErrorCodes,
  type LocalErrorCode,
} from './errors';
export { assertNoSecrets, SecretLeakError } from './secrets';
export { isRetryable, defaultRetryPolicy, type RetryPolicy } from './http';
export { withSdkEnvironment, environmentKey, type GlobusEnvironment } from './environment';
export {
  TRANSFER_SCOPE,
  dataAccessScope,
  transferScopeFor,
  loginScopes,
  isCollectionId,
  isResourceServerScope,
  PROXYSTORE_RELAY_RESOURCE_SERVER,
  PROXYSTORE_RELAY_SCOPE,
  TIMERS_RESOURCE_SERVER,
  TIMERS_SCOPE,
  timersScopeFor,
  GROUPS_VIEW_SCOPE,
} from './scopes';
export {
  buildDeleteDocument,
  buildTransferDocument,
  createSubmitter,
  type DeleteRequestPlain,
  type SubmitOrigin,
  type Submitter,
  type TaskSubmitted,
  type TaskSubmittedListener,
  type TransferOptions,
  type TransferRequestPlain,
} from './submit';
export { createAccountCapability, type AccountChannel } from './handlers';
export {
  createGlobusAccess,
  needsDataAccess,
  GROUPS_RESOURCE_SERVER,
  type AccessRuleDocument,
  type CollectionAbout,
  type CollectionPolicy,
  type CollectionSearchScope,
  type GlobusAccess,
  type GlobusAccessOptions,
  type GlobusBookmark,
  type GroupRecord,
  type IdentityRecord,
  type NewAccessRule,
} from './access-service';
export type { SessionFacts } from './auth-types';
