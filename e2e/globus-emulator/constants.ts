/**
 * Fixed identities, scopes and limits of the Globus emulator. Everything a test or `npm run demo`
 * needs to know without asking the server.
 */
import { join } from 'node:path';

/** A native-app client id the emulator accepts out of the box (the demo uses it). */
export const EMULATOR_DEFAULT_CLIENT_ID = '5f2f7b8e-6c1d-4a3e-9b7a-0d4c2e1f9a11';

/** The one user the emulator knows: every consent page signs in as this identity. */
export const EMULATOR_DEFAULT_USER = {
  sub: '1c7e4a52-3b9d-4f6e-8a21-9d5b0c3e7f42',
  username: 'researcher@example.org',
  name: 'Ada Researcher',
  email: 'researcher@example.org',
  organization: 'Example Research Lab',
  identityProviderId: '41143743-f3c8-4d60-bbdb-eeecaba85bd9',
  identityProviderDisplayName: 'Example Identity Provider',
} as const;

/** A second person Auth knows (identity lookups, sharing): nobody signs in as them unless a test says so. */
export const COLLEAGUE_IDENTITY = {
  sub: '7d4c1e9a-2b3f-4a5e-8c6d-1f2e3a4b5c6d',
  username: 'colleague@example.org',
  name: 'Grace Colleague',
  email: 'colleague@example.org',
  organization: 'Example Research Lab',
  identityProviderId: '41143743-f3c8-4d60-bbdb-eeecaba85bd9',
  identityProviderDisplayName: 'Example Identity Provider',
} as const;

export const DEMO_SOURCE_COLLECTION_ID = '0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13';
export const DEMO_DESTINATION_COLLECTION_ID = 'b7e2d9c4-1f3a-4b6c-8d0e-5a7c9e1b3d24';
export const DEMO_SOURCE_COLLECTION_NAME = 'Ferry Demo Source';
export const DEMO_DESTINATION_COLLECTION_NAME = 'Ferry Demo Destination';

/** A guest collection the default person manages (GCSv5), sharing a folder next to the demo source's storage. */
export const DEMO_GUEST_COLLECTION_ID = 'c3a1f5e7-9b2d-4c6e-8f0a-1b3d5e7f9a25';
export const DEMO_GUEST_COLLECTION_NAME = 'Ferry Shared Results';

/** The Globus groups the default person belongs to (administrator of the first, member of the second). */
export const DEMO_LAB_GROUP_ID = 'e1a2b3c4-d5e6-4f70-8a91-b2c3d4e5f607';
export const DEMO_LAB_GROUP_NAME = 'Example Research Lab';
export const DEMO_COLLAB_GROUP_ID = 'f5e6d7c8-b9a0-4c1d-9e2f-3a4b5c6d7e80';
export const DEMO_COLLAB_GROUP_NAME = 'Beamline Collaboration';

export const AUTH_RESOURCE_SERVER = 'auth.globus.org';
export const TRANSFER_RESOURCE_SERVER = 'transfer.api.globus.org';
export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
export const VIEW_IDENTITIES_SCOPE = 'urn:globus:auth:scope:auth.globus.org:view_identities';
/** Globus Timers (globus-sdk's TimersScopes; `RESOURCE_SERVERS.TIMERS` of @globus/sdk). */
export const TIMERS_RESOURCE_SERVER = '524230d7-ea86-4a52-8312-86065a9e0417';
export const TIMERS_SCOPE = `https://auth.globus.org/scopes/${TIMERS_RESOURCE_SERVER}/timer`;
/** The transfer action provider's scope, which older timer scopes put between Timers and Transfer. */
export const TRANSFER_ACTION_PROVIDER_SCOPE = 'https://auth.globus.org/scopes/actions.globus.org/transfer/transfer';
export const GROUPS_RESOURCE_SERVER = 'groups.api.globus.org';
export const GROUPS_SCOPE = 'urn:globus:auth:scope:groups.api.globus.org:all';
/** Globus' spelling (docs, globus-sdk-python). */
export const GROUPS_VIEW_SCOPE = 'urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships';
/** @globus/sdk's SCOPES.VIEW_MY spells it without the last "s"; accepted too. */
const GROUPS_VIEW_SCOPE_JS = 'urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_membership';
export const GROUPS_SCOPES: readonly string[] = [GROUPS_SCOPE, GROUPS_VIEW_SCOPE, GROUPS_VIEW_SCOPE_JS];
/** Scopes whose tokens are issued for auth.globus.org. */
export const AUTH_SCOPES: readonly string[] = ['openid', 'profile', 'email', VIEW_IDENTITIES_SCOPE];

/** The per-collection consent scope (a dependent scope of the transfer scope). */
export function dataAccessScope(collectionId: string): string {
  return `https://auth.globus.org/scopes/${collectionId}/data_access`;
}

/** The transfer scope with one collection's data_access as dependent scope, as Globus writes it. */
export function transferScopeWithDataAccess(collectionId: string): string {
  return `${TRANSFER_SCOPE}[*${dataAccessScope(collectionId)}]`;
}

/**
 * The Timers scope with the transfer scope and these collections' data_access consents below it,
 * as globus-sdk's `TimersClient.add_app_transfer_data_access_scope` writes it.
 */
export function timersScopeWithDataAccess(collectionIds: readonly string[]): string {
  const deps = [...new Set(collectionIds.map((id) => id.toLowerCase()))].sort().map((id) => `*${dataAccessScope(id)}`);
  return deps.length === 0 ? `${TIMERS_SCOPE}[${TRANSFER_SCOPE}]` : `${TIMERS_SCOPE}[${TRANSFER_SCOPE}[${deps.join(' ')}]]`;
}

/** Globus: at most 100 pending (ACTIVE or INACTIVE) tasks per user. */
export const PENDING_TASK_LIMIT = 100;
/**
 * The error for the 101st pending task. No public source states Globus' exact document; we answer
 * 409 (the submission conflicts with the user's current task state) with this code, which the
 * Transfer API uses for its other per-user/per-endpoint quotas. Clients match on this constant.
 */
export const PENDING_TASK_LIMIT_CODE = 'LimitExceeded';
/** Globus works on at most this many transfer (and, separately, delete) tasks per user at once. */
export const RUNNING_TASKS_PER_USER = 3;
/** Default task deadline: 24 h after submission. */
export const DEFAULT_DEADLINE_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 172_800;

/** How a collection is configured (from a JSON file, options, or the defaults). */
export interface CollectionConfig {
  readonly id: string;
  readonly display_name: string;
  /** Folder on this disk that `/` of the collection maps to (absolute, or relative to --root). */
  readonly root: string;
  readonly owner_string?: string;
  readonly description?: string;
  /** Require data_access consent from the start (also switchable through the control API). */
  readonly requireDataAccessConsent?: boolean;
  /**
   * Default: a mapped collection. A guest collection shares part of `mapped_collection_id`'s
   * storage. A Globus Connect Personal collection (`GCP_mapped_collection`, root `/`) serves this
   * disk's paths as they are, without HTTPS access.
   */
  readonly entity_type?: 'GCSv5_mapped_collection' | 'GCSv5_guest_collection' | 'GCP_mapped_collection';
  readonly mapped_collection_id?: string;
  /** Identity id of the owner (default: the default person); the owner manages a guest collection's access rules. */
  readonly owner_id?: string;
}

/** The demo collections, rooted under `<root>/collections/`: source, destination and a guest collection. */
export function defaultCollections(root: string): readonly CollectionConfig[] {
  return [
    {
      id: DEMO_SOURCE_COLLECTION_ID,
      display_name: DEMO_SOURCE_COLLECTION_NAME,
      root: join(root, 'collections', 'source'),
      description: 'Sandbox source collection of the Ferry Globus emulator',
    },
    {
      id: DEMO_DESTINATION_COLLECTION_ID,
      display_name: DEMO_DESTINATION_COLLECTION_NAME,
      root: join(root, 'collections', 'destination'),
      description: 'Sandbox destination collection of the Ferry Globus emulator',
    },
    {
      id: DEMO_GUEST_COLLECTION_ID,
      display_name: DEMO_GUEST_COLLECTION_NAME,
      root: join(root, 'collections', 'shared'),
      description: 'Guest collection managed by Ada Researcher for sharing results',
      entity_type: 'GCSv5_guest_collection',
      mapped_collection_id: DEMO_SOURCE_COLLECTION_ID,
      owner_id: EMULATOR_DEFAULT_USER.sub,
    },
  ];
}
