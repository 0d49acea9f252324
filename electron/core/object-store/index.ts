/**
 * Object stores: what ProxyStore calls endpoints. Each one stores objects with get/set/exists/evict,
 * SOLO or PEERING through a relay, behind ProxyStore's HTTP routes and in its config folder layout;
 * a manager runs them. The classes keep ProxyStore's names (Endpoint, EndpointClient,
 * EndpointManager) because they implement its endpoint protocol. The `ferry endpoint` command text
 * lives in electron/cli/object-store-command.ts; this folder only has the data functions it calls.
 */
export { Endpoint, MAX_OBJECT_SIZE_DEFAULT, type EndpointMode, type EndpointOptions, type EndpointRelayOptions } from './endpoint';
export {
  EndpointConfigError,
  EndpointRequestError,
  NoReachableEndpointError,
  ObjectSizeExceededError,
  PeeringNotAvailableError,
  PeerRequestError,
  PeerUnknownError,
} from './errors';
export { MemoryStorage, SqliteStorage, type BlobStorage, type StorageStats } from './storage';
export { startRelay, type PeerInfo, type RelayOptions, type RelayServer, type RelayTlsOptions } from './relay-server';
export {
  bearerAuthenticator,
  globusIntrospectionAuthenticator,
  nullAuthenticator,
  PROXYSTORE_RELAY_RESOURCE_SERVER,
  PROXYSTORE_RELAY_SCOPE,
  RelayAuthError,
  sharedSecretAuthenticator,
  type GlobusIntrospectionOptions,
  type RelayAuthenticator,
  type RelayUser,
} from './relay-auth';
export type { BackoffOptions, RelayState, RelayToken, Timers } from './relay-client';
export type { PeerConnectionInfo } from './peer-manager';
export { DEFAULT_ICE_SERVERS, type IceServer, type PeerRtcOptions } from './peer-connection';
export { startEndpointServer, MAX_CHUNK_LENGTH, type EndpointHttpOptions, type EndpointHttpServer } from './http-server';
export { EndpointClient, findLocalEndpoint, type EndpointClientOptions, type FindEndpointOptions } from './client';
export {
  configFromToml,
  configToToml,
  endpointDir,
  isValidEndpointName,
  listConfigs,
  readConfig,
  relaySecretOf,
  resolveProxystoreHome,
  writeConfig,
  ENDPOINT_CONFIG_FILE,
  ENDPOINT_DATABASE_FILE,
  ENDPOINT_LOG_FILE,
  ENDPOINT_PID_FILE,
  type EndpointConfig,
  type FoundConfig,
  type HostType,
} from './config';
export {
  EndpointManager,
  type ConfigureEndpointOptions,
  type EndpointManagerOptions,
  type EndpointState,
  type EndpointStatus,
} from './manager';
export { parseUuid } from './uuid';
export { createObjectStoresCapability, type ObjectStoresCapabilityOptions, type ObjectStoresChannel, type ObjectStoresDeps } from './handlers';
