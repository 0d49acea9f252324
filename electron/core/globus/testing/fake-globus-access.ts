/**
 * An in-memory GlobusAccess for tests: collections with their policy fields, access rules,
 * identities and groups, with the refusals Globus gives (unknown collection, unknown rule).
 */
import { GlobusApiError } from '../transfer-port';
import type { AccessRuleDocument, CollectionPolicy, GlobusAccess, GlobusBookmark, GroupRecord, IdentityRecord, NewAccessRule } from '../access-service';
import { localError } from '../errors';

export interface FakeGlobusAccess extends GlobusAccess {
  readonly collections: Map<string, CollectionPolicy>;
  /** Rules by collection id. */
  readonly rules: Map<string, AccessRuleDocument[]>;
  readonly identities: IdentityRecord[];
  readonly groups: GroupRecord[];
  /** Every call by name, in order. */
  readonly calls: string[];
  /** When false, myGroups throws ConsentRequired (no Groups token). */
  groupsGranted: boolean;
  /** Collection ids whose document lookup fails as if Globus were down. */
  readonly unreachable: Set<string>;
  /** The person's Globus bookmarks. */
  readonly bookmarks: GlobusBookmark[];
}

export function fakeCollection(id: string, partial: Partial<CollectionPolicy> = {}): CollectionPolicy {
  return {
    id,
    displayName: `Collection ${id.slice(0, 4)}`,
    entityType: 'GCSv5_mapped_collection',
    ownerId: null,
    ownerString: 'owner@example.org',
    highAssurance: false,
    authenticationTimeoutMins: null,
    myEffectiveRoles: [],
    hostPath: null,
    aclMaxExpirationPeriodMins: null,
    defaultDirectory: '/~/',
    about: {
      description: null,
      organization: null,
      department: null,
      contactEmail: null,
      contactInfo: null,
      infoLink: null,
      keywords: null,
      gcsVersion: '5.4.80',
      mappedCollectionId: null,
      isGlobusConnect: false,
      httpsServer: null,
      forceEncryption: false,
      userMessage: null,
      userMessageLink: null,
      tlsftpServer: null,
      gcpConnected: null,
      gcpPaused: null,
    },
    ...partial,
  };
}

export function createFakeGlobusAccess(init: { collections?: readonly CollectionPolicy[]; identities?: readonly IdentityRecord[]; groups?: readonly GroupRecord[] } = {}): FakeGlobusAccess {
  const collections = new Map((init.collections ?? []).map((c) => [c.id, c] as const));
  const rules = new Map<string, AccessRuleDocument[]>();
  const calls: string[] = [];
  let next = 1;
  const unreachable = new Set<string>();
  const notFound = (id: string) => new GlobusApiError({ code: 'EndpointNotFound', message: `No such collection ${id}`, status: 404 });
  const need = (id: string): CollectionPolicy => {
    if (unreachable.has(id)) throw localError('NetworkError', 'Could not reach Globus Transfer (fake). Check your network and try again.');
    const c = collections.get(id);
    if (!c) throw notFound(id);
    return c;
  };
  const rulesOf = (id: string): AccessRuleDocument[] => {
    need(id);
    const list = rules.get(id) ?? [];
    rules.set(id, list);
    return list;
  };
  const fake: FakeGlobusAccess = {
    collections,
    rules,
    identities: [...(init.identities ?? [])],
    groups: [...(init.groups ?? [])],
    calls,
    groupsGranted: true,
    unreachable,
    async getCollectionPolicy(id) {
      calls.push(`getCollectionPolicy:${id}`);
      return need(id);
    },
    async searchCollections(scope) {
      calls.push(`searchCollections:${scope}`);
      return [...collections.values()].filter((c) => (scope === 'shared-by-me' ? c.entityType?.endsWith('guest_collection') : true));
    },
    async listAccessRules(id) {
      calls.push(`listAccessRules:${id}`);
      return [...rulesOf(id)];
    },
    async createAccessRule(id, rule: NewAccessRule) {
      calls.push(`createAccessRule:${id}`);
      const list = rulesOf(id);
      if (list.some((r) => r.principal === rule.principal && r.path === rule.path)) {
        throw new GlobusApiError({ code: 'Exists', message: 'A rule for that principal and path already exists', status: 409 });
      }
      const created: AccessRuleDocument = {
        id: `rule-${next++}`,
        principalType: rule.principalType,
        principal: rule.principal,
        path: rule.path,
        permissions: rule.permissions,
        expirationDate: rule.expirationDate,
        roleId: null,
        createTime: '2026-11-30T12:00:00+00:00',
      };
      list.push(created);
      return { id: created.id };
    },
    async setAccessRuleExpiry(id, rule, expirationDate) {
      calls.push(`setAccessRuleExpiry:${id}:${rule.id}`);
      const list = rulesOf(id);
      const i = list.findIndex((r) => r.id === rule.id);
      const found = list[i];
      if (!found) throw new GlobusApiError({ code: 'AccessRuleNotFound', message: 'No such rule', status: 404 });
      list[i] = { ...found, expirationDate };
    },
    async deleteAccessRule(id, ruleId) {
      calls.push(`deleteAccessRule:${id}:${ruleId}`);
      const list = rulesOf(id);
      const i = list.findIndex((r) => r.id === ruleId);
      if (i < 0) throw new GlobusApiError({ code: 'AccessRuleNotFound', message: 'No such rule', status: 404 });
      list.splice(i, 1);
    },
    async lookupIdentities(query) {
      calls.push('lookupIdentities');
      if (query.usernames) {
        const wanted = query.usernames.map((u) => u.toLowerCase());
        return fake.identities.filter((i) => wanted.includes(i.username.toLowerCase()) || (i.email !== null && wanted.includes(i.email.toLowerCase())));
      }
      return fake.identities.filter((i) => query.ids?.includes(i.id));
    },
    async myGroups() {
      calls.push('myGroups');
      if (!fake.groupsGranted) {
        throw localError('ConsentRequired', "Ferry's Globus sign-in cannot list your Globus groups yet. Sign in again to grant it.", { requiredScopes: ['groups'] });
      }
      return [...fake.groups];
    },
    bookmarks: [],
    async listBookmarks() {
      calls.push('listBookmarks');
      return [...fake.bookmarks];
    },
    async createBookmark(b) {
      calls.push('createBookmark');
      if (fake.bookmarks.some((x) => x.name === b.name)) {
        throw new GlobusApiError({ code: 'ClientError.Conflict', message: `A bookmark named '${b.name}' already exists`, status: 409 });
      }
      const made = { id: `bm-${next++}`, ...b };
      fake.bookmarks.push(made);
      return made;
    },
    async deleteBookmark(id) {
      calls.push('deleteBookmark');
      const i = fake.bookmarks.findIndex((x) => x.id === id);
      if (i < 0) throw new GlobusApiError({ code: 'ClientError.NotFound', message: `Bookmark '${id}' not found`, status: 404 });
      fake.bookmarks.splice(i, 1);
    },
  };
  return fake;
}
