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

export const DEMO_SOURCE_COLLECTION_ID = '0a3f6c2e-8b1d-4e5f-9c7a-2b4d6e8f0a13';
export const DEMO_DESTINATION_COLLECTION_ID = 'b7e2d9c4-1f3a-4b6c-8d0e-5a7c9e1b3d24';
export const DEMO_SOURCE_COLLECTION_NAME = 'Ferry Demo Source';
export const DEMO_DESTINATION_COLLECTION_NAME = 'Ferry Demo Destination';

export const AUTH_RESOURCE_SERVER = 'auth.globus.org';
export const TRANSFER_RESOURCE_SERVER = 'transfer.api.globus.org';
export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
export const VIEW_IDENTITIES_SCOPE = 'urn:globus:auth:scope:auth.globus.org:view_identities';
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
}

/** The two demo collections, rooted under `<root>/collections/`. */
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
  ];
}
