/**
 * The Globus calls sharing and health need beyond the Transfer port: collection documents with
 * their policy fields, endpoint search by scope, guest-collection access rules (Transfer's
 * `access` service), Auth's identities lookup and Groups' "my groups". All through @globus/sdk,
 * with the sign-in's tokens (refreshed on expiry and after a plain 401), bounded retries and
 * typed errors, like transfer-service.ts.
 */
import { auth, groups, transfer } from '@globus/sdk';
import type { CollectionAbout } from '../../../shared/collections';
import type { SDKOptions } from '@globus/sdk/services/types';
import { withSdkEnvironment } from './environment';
import { localError } from './errors';
import { defaultRetryPolicy, hasAuthorizationRequirements, isRecord, readJson, realSleep, requestOptions, sendSdk, withRetry, type RetryPolicy, type Sleep } from './http';
import { AUTH_RESOURCE_SERVER, GROUPS_VIEW_SCOPE, TRANSFER_RESOURCE_SERVER } from './scopes';
import { tokenAccessKey, type HasTokenAccess, type TokenAccess } from './token-access';

export const GROUPS_RESOURCE_SERVER = 'groups.api.globus.org';

/** A collection's document, reduced to what sharing and health read (real Transfer field names). */
export interface CollectionPolicy {
  readonly id: string;
  readonly displayName: string | null;
  readonly entityType: string | null;
  readonly ownerId: string | null;
  readonly ownerString: string | null;
  readonly highAssurance: boolean;
  /** Minutes a login satisfies this collection; null: no timeout. */
  readonly authenticationTimeoutMins: number | null;
  readonly myEffectiveRoles: readonly string[];
  readonly hostPath: string | null;
  readonly aclMaxExpirationPeriodMins: number | null;
  readonly defaultDirectory: string | null;
  /** What the collection's managers tell its users (the details panel shows them). */
  readonly about: CollectionAbout;
}


/** Transfer's access document, as Globus sends it. */
export interface AccessRuleDocument {
  readonly id: string;
  readonly principalType: 'identity' | 'group' | 'all_authenticated_users' | 'anonymous';
  readonly principal: string;
  readonly path: string;
  readonly permissions: 'r' | 'rw';
  readonly expirationDate: string | null;
  readonly roleId: string | null;
  readonly createTime: string | null;
}

export interface NewAccessRule {
  readonly principalType: 'identity' | 'group';
  readonly principal: string;
  readonly path: string;
  readonly permissions: 'r' | 'rw';
  readonly expirationDate: string | null;
  readonly notifyEmail?: string;
}

export interface IdentityRecord {
  readonly id: string;
  readonly username: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly status: string | null;
}

export interface GroupRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
}

/** One of the person's own Globus bookmarks (the web app shows the same ones). */
export interface GlobusBookmark {
  readonly id: string;
  readonly name: string;
  readonly collectionId: string;
  readonly path: string;
}

export type { CollectionAbout };

/** Endpoint search scopes Ferry uses (Transfer's `filter_scope`). */
export type CollectionSearchScope = 'shared-by-me' | 'my-endpoints' | 'administered-by-me';

export interface GlobusAccess {
  getCollectionPolicy(collectionId: string): Promise<CollectionPolicy>;
  searchCollections(scope: CollectionSearchScope, limit?: number): Promise<readonly CollectionPolicy[]>;
  listAccessRules(collectionId: string): Promise<readonly AccessRuleDocument[]>;
  createAccessRule(collectionId: string, rule: NewAccessRule): Promise<{ readonly id: string }>;
  setAccessRuleExpiry(collectionId: string, rule: AccessRuleDocument, expirationDate: string | null): Promise<void>;
  deleteAccessRule(collectionId: string, ruleId: string): Promise<void>;
  /** Identities by username (or e-mail, Globus matches both) or by id. */
  lookupIdentities(query: { readonly usernames?: readonly string[]; readonly ids?: readonly string[] }): Promise<readonly IdentityRecord[]>;
  /** The groups the person belongs to; throws ConsentRequired when the sign-in has no Groups token. */
  myGroups(): Promise<readonly GroupRecord[]>;
  /** The person's Globus bookmarks (Transfer's bookmark_list). */
  listBookmarks(): Promise<readonly GlobusBookmark[]>;
  /** Creates a Globus bookmark; a name already taken answers Transfer's 409 (GlobusError, kind conflict). */
  createBookmark(bookmark: Omit<GlobusBookmark, 'id'>): Promise<GlobusBookmark>;
  deleteBookmark(id: string): Promise<void>;
}

export interface GlobusAccessOptions {
  readonly auth: HasTokenAccess;
  readonly retry?: Partial<RetryPolicy>;
  readonly requestTimeoutMs?: number;
  readonly sleep?: Sleep;
}

type Headers = Record<string, string>;
type Call = (headers: Headers, sdk: SDKOptions) => Promise<Response>;

export function createGlobusAccess(options: GlobusAccessOptions): GlobusAccess {
  return createGlobusAccessWith(options.auth[tokenAccessKey], options);
}

/** Same, from a raw TokenAccess (tests). Not exported from index.ts. */
export function createGlobusAccessWith(tokens: TokenAccess, options: Omit<GlobusAccessOptions, 'auth'> = {}): GlobusAccess {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.requestTimeoutMs ?? 60_000;

  const attempt = async (service: string, resourceServer: string, call: Call, context?: { collectionId?: string }): Promise<unknown> => {
    const send = (header: string): Promise<Response> => {
      const env = tokens.environment();
      return sendSdk(service, () => withSdkEnvironment(env, () => call({ Authorization: header }, requestOptions(timeoutMs))));
    };
    const header = await tokens.authorization(resourceServer);
    let response = await send(header);
    if (response.status === 401 && !(await asksForAuthorization(response))) {
      response = await send(await tokens.refreshAfter401(resourceServer, header));
    }
    return readJson(service, response, context);
  };
  const request = (service: string, resourceServer: string, call: Call, context?: { collectionId?: string }): Promise<unknown> =>
    withRetry(() => attempt(service, resourceServer, call, context), policy, sleep);
  const xfer = (call: Call, context?: { collectionId?: string }) => request('Transfer', TRANSFER_RESOURCE_SERVER, call, context);

  const requireGrant = (resourceServer: string, scope: string, what: string): void => {
    if (tokens.granted && !tokens.granted(resourceServer)) {
      throw localError('ConsentRequired', `Ferry's Globus sign-in cannot ${what} yet. Sign in again to grant it, then try once more.`, {
        requiredScopes: [scope],
      });
    }
  };

  return {
    async getCollectionPolicy(collectionId) {
      return collectionPolicy(await xfer((headers, sdk) => transfer.endpoint.get(collectionId, { headers }, sdk), { collectionId }));
    },

    async searchCollections(scope, limit = 100) {
      const doc = await xfer((headers, sdk) => transfer.endpointSearch({ headers, query: { filter_scope: scope, limit } as never }, sdk));
      const data = isRecord(doc) && Array.isArray(doc.DATA) ? doc.DATA : [];
      return data.map(collectionPolicy).filter((c) => c.id !== '');
    },

    async listAccessRules(collectionId) {
      const doc = await xfer((headers, sdk) => transfer.access.getAll(collectionId, { headers }, sdk), { collectionId });
      const data = isRecord(doc) && Array.isArray(doc.DATA) ? doc.DATA : [];
      return data.map(accessRule).filter((r): r is AccessRuleDocument => r !== null);
    },

    async createAccessRule(collectionId, rule) {
      const payload = {
        DATA_TYPE: 'access' as const,
        principal_type: rule.principalType,
        principal: rule.principal,
        path: rule.path,
        permissions: rule.permissions,
        ...(rule.expirationDate ? { expiration_date: rule.expirationDate } : {}),
        ...(rule.notifyEmail ? { notify_email: rule.notifyEmail } : {}),
      };
      const doc = await xfer((headers, sdk) => transfer.access.create(collectionId, { payload, headers }, sdk), { collectionId });
      const id = isRecord(doc) ? (typeof doc.access_id === 'string' || typeof doc.access_id === 'number' ? String(doc.access_id) : typeof doc.id === 'string' ? doc.id : null) : null;
      if (!id) throw localError('InvalidResponse', 'Globus Transfer created the access rule but sent no id. Reload the list.');
      return { id };
    },

    async setAccessRuleExpiry(collectionId, rule, expirationDate) {
      // Transfer's update takes the access document; principal and path cannot change.
      const payload = { DATA_TYPE: 'access' as const, permissions: rule.permissions, expiration_date: expirationDate };
      await xfer((headers, sdk) => transfer.access.update({ endpoint_xid: collectionId, id: rule.id }, { payload, headers }, sdk), { collectionId });
    },

    async deleteAccessRule(collectionId, ruleId) {
      await xfer((headers, sdk) => transfer.access.remove({ endpoint_xid: collectionId, id: ruleId }, { headers }, sdk), { collectionId });
    },

    async lookupIdentities(query) {
      const params: Record<string, string> = {};
      if (query.usernames && query.usernames.length > 0) params.usernames = query.usernames.join(',');
      else if (query.ids && query.ids.length > 0) params.ids = query.ids.join(',');
      else return [];
      const doc = await request('Auth', AUTH_RESOURCE_SERVER, (headers, sdk) => auth.identities.getAll({ headers, query: params as never }, sdk));
      const data = isRecord(doc) && Array.isArray(doc.identities) ? doc.identities : [];
      return data.map(identityRecord).filter((i): i is IdentityRecord => i !== null);
    },

    async myGroups() {
      requireGrant(GROUPS_RESOURCE_SERVER, GROUPS_VIEW_SCOPE, 'list your Globus groups');
      const doc = await request('Groups', GROUPS_RESOURCE_SERVER, (headers, sdk) => groups.groups.getMyGroups({ headers }, sdk));
      const data = Array.isArray(doc) ? doc : [];
      return data.map(groupRecord).filter((g): g is GroupRecord => g !== null);
    },

    async listBookmarks() {
      const doc = await xfer((headers, sdk) => transfer.collectionBookmarks.getAll({ headers }, sdk));
      const data = isRecord(doc) && Array.isArray(doc.DATA) ? doc.DATA : [];
      return data.map(bookmarkRecord).filter((b): b is GlobusBookmark => b !== null);
    },

    async createBookmark(bookmark) {
      const payload = { DATA_TYPE: 'bookmark', name: bookmark.name, endpoint_id: bookmark.collectionId, path: bookmark.path };
      const doc = await xfer((headers, sdk) => transfer.collectionBookmarks.create({ payload, headers } as never, sdk), { collectionId: bookmark.collectionId });
      const made = bookmarkRecord(doc);
      if (!made) throw localError('InvalidResponse', 'Globus Transfer created the bookmark but sent no id. Reload the bookmarks.');
      return made;
    },

    async deleteBookmark(id) {
      await xfer((headers, sdk) => transfer.collectionBookmarks.remove(id, { headers }, sdk));
    },
  };
}

function bookmarkRecord(value: unknown): GlobusBookmark | null {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.endpoint_id !== 'string') return null;
  return { id: value.id, name: str(value.name) ?? value.id, collectionId: value.endpoint_id, path: str(value.path) ?? '/' };
}

async function asksForAuthorization(response: Response): Promise<boolean> {
  try {
    return hasAuthorizationRequirements(await response.clone().json());
  } catch {
    return false;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Whether Globus asks a person for a data_access consent before reading or writing the collection:
 * a GCSv5 mapped collection that is not high assurance (Globus' own rule in its examples).
 */
export function needsDataAccess(policy: CollectionPolicy): boolean {
  return policy.entityType === 'GCSv5_mapped_collection' && !policy.highAssurance;
}

export function collectionPolicy(value: unknown): CollectionPolicy {
  const r = isRecord(value) ? value : {};
  return {
    id: str(r.id) ?? '',
    displayName: str(r.display_name) ?? str(r.canonical_name),
    entityType: str(r.entity_type),
    ownerId: str(r.owner_id),
    ownerString: str(r.owner_string),
    highAssurance: r.high_assurance === true,
    authenticationTimeoutMins: num(r.authentication_timeout_mins) ?? num(r.authentication_assurance_timeout),
    myEffectiveRoles: Array.isArray(r.my_effective_roles) ? r.my_effective_roles.filter((x): x is string => typeof x === 'string') : [],
    hostPath: str(r.host_path),
    aclMaxExpirationPeriodMins: num(r.acl_max_expiration_period_mins),
    defaultDirectory: str(r.default_directory),
    about: {
      description: str(r.description),
      organization: str(r.organization),
      department: str(r.department),
      contactEmail: str(r.contact_email),
      contactInfo: str(r.contact_info),
      infoLink: str(r.info_link),
      keywords: str(r.keywords),
      gcsVersion: str(r.gcs_version),
      mappedCollectionId: str(r.mapped_collection_id),
      isGlobusConnect: r.is_globus_connect === true,
      httpsServer: str(r.https_server),
      forceEncryption: r.force_encryption === true,
      userMessage: str(r.user_message),
      userMessageLink: str(r.user_message_link),
      tlsftpServer: str(r.tlsftp_server),
      gcpConnected: typeof r.gcp_connected === 'boolean' ? r.gcp_connected : null,
      gcpPaused: typeof r.gcp_paused === 'boolean' ? r.gcp_paused : null,
    },
  };
}

function accessRule(value: unknown): AccessRuleDocument | null {
  if (!isRecord(value)) return null;
  const id = str(value.id) ?? (typeof value.id === 'number' ? String(value.id) : null);
  const type = value.principal_type;
  if (!id || (type !== 'identity' && type !== 'group' && type !== 'all_authenticated_users' && type !== 'anonymous')) return null;
  return {
    id,
    principalType: type,
    principal: str(value.principal) ?? '',
    path: str(value.path) ?? '/',
    permissions: value.permissions === 'rw' ? 'rw' : 'r',
    expirationDate: str(value.expiration_date),
    roleId: str(value.role_id),
    createTime: str(value.create_time),
  };
}

function identityRecord(value: unknown): IdentityRecord | null {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.username !== 'string') return null;
  return { id: value.id, username: value.username, name: str(value.name), email: str(value.email), status: str(value.status) };
}

function groupRecord(value: unknown): GroupRecord | null {
  if (!isRecord(value) || typeof value.id !== 'string') return null;
  return { id: value.id, name: str(value.name) ?? value.id, description: str(value.description) };
}
