/** ProxyStore-compatible connectors: the only public door of this folder. */
export type { Connector, ProgressListener, PutConstraints, PutFileOptions, StreamOptions } from './connector';
export {
  keysEqual,
  parseConnectorKey,
  InvalidKeyError,
  type ConnectorKey,
  type ConnectorKeyKind,
  type FileKey,
  type EndpointKey,
  type GlobusKey,
  type LocalKey,
  type MultiKey,
  type OpaqueKey,
} from './keys';
export {
  parseExactJson,
  stringifyExactJson,
  toPlainJson,
  orderedEntries,
  ExactJsonSyntaxError,
  ExactJsonDepthError,
  MAX_JSON_DEPTH,
  type ExactJson,
  type ExactJsonObject,
  type ExactParseOptions,
} from './exact-json';
export { clip, formatJsonPath, quoteValue, MESSAGE_VALUE_MAX, type JsonPath, type JsonProblem } from './json-paths';
export { JsonInputError, MAX_JSON_FILE_BYTES, readJsonSource, type JsonInputErrorCode, type JsonInputKind } from './json-input';
export { checkPythonRegex, fullMatch, InvalidPatternError, MAX_GROUP_DEPTH, type RegexCheck } from './python-regex';
export { ConnectorConfigError, MAX_CONFIG_DEPTH, plainToExact } from './config-read';
export { FileConnector, FILE_CONNECTOR_PATH, type FileConnectorOptions } from './file-connector';
export { LocalConnector, LOCAL_CONNECTOR_PATH } from './local-connector';
export { EndpointConnector, endpointConnectorFactory, type EndpointConnectorOptions } from './endpoint-connector';
export {
  GlobusEndpoints,
  GlobusEndpointError,
  createGlobusEndpoint,
  endpointMatchesHost,
  globusEndpointsProblem,
  hostRegexMessage,
  isUuid,
  validateGlobusEndpointFields,
  validateGlobusEndpointRows,
  type EndpointFieldsInput,
  type EndpointRowsValidation,
  type GlobusEndpoint,
  type GlobusEndpointDict,
  type GlobusEndpointField,
  type GlobusEndpointFieldMessages,
  type GlobusEndpointInit,
  type GlobusEndpointsDict,
} from './globus-endpoints';
export {
  GlobusConnector,
  GlobusTaskTimeoutError,
  GLOBUS_CONNECTOR_PATH,
  syncLevelNames,
  syncLevelNumber,
  type GlobusConnectorOptions,
  type SyncLevel,
  type SyncLevelName,
} from './globus-connector';
export {
  Policy,
  PolicyError,
  PY_MAXSIZE,
  exactSizeText,
  formatByteSize,
  parseByteSize,
  type PolicyConstraints,
  type PolicyDict,
  type PolicyInit,
  type PolicySpec,
} from './policy';
export {
  MultiConnector,
  MultiConnectorError,
  MULTI_CONNECTOR_PATH,
  type ActiveConnector,
  type ConnectorPolicyConfig,
  type DormantConnector,
  type DormantReason,
  type RouteCandidate,
  type RouteQuery,
  type RouteResult,
} from './multi-connector';
export {
  ENDPOINT_CONNECTOR_PATH,
  REDIS_CONNECTOR_PATH,
  connectorTypes,
  connectorTypeOf,
  defaultConnectorFactories,
  configEntriesFromSpecs,
  multiConfigJsonFromSpecs,
  multiConnectorConfigJson,
  multiConnectorFromConfig,
  multiConnectorFromParsed,
  parseMultiConfig,
  parseMultiConfigJson,
  policyProblemOf,
  stringifyMultiConfig,
  summarizeMultiConfig,
  summarizeMultiConnector,
  type BuildOptions,
  type ConnectorDeps,
  type ConnectorEntrySpec,
  type ConnectorFactories,
  type ConnectorFactory,
  type ConnectorSummary,
  type ConnectorType,
  type MultiConfigEntry,
  type ParsedMultiConfig,
} from './multi-config';
export { currentHostname } from './host';
export {
  checkConnectorConfig,
  checkDrafts,
  checkEndpointRows,
  draftOfEntry,
  draftOfPolicy,
  entriesFromDrafts,
  parseSizeField,
  policyOfDraft,
  routeQuery,
  routingOnlyMultiConnector,
  type DraftOptions,
} from './drafts';
export { ConnectorsWorkspace, ENDPOINTS_FILE, MULTI_CONFIG_FILE, type WorkspaceOptions } from './workspace';
export { createConnectorsCapability, type ConnectorsCapabilityOptions, type ConnectorsChannel, type ConnectorsDeps } from './handlers';
