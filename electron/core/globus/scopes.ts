/** Globus scope strings Ferry asks for. */
export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
export const TRANSFER_RESOURCE_SERVER = 'transfer.api.globus.org';
export const AUTH_RESOURCE_SERVER = 'auth.globus.org';
/** Identity for the Account view (userinfo / id_token). */
export const IDENTITY_SCOPES = ['openid', 'profile', 'email'] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATA_ACCESS = /https:\/\/auth\.globus\.org\/scopes\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/data_access/gi;

export function isCollectionId(value: string): boolean {
  return UUID.test(value);
}

export function dataAccessScope(collectionId: string): string {
  if (!isCollectionId(collectionId)) throw new RangeError(`Not a collection id: ${collectionId}`);
  return `https://auth.globus.org/scopes/${collectionId.toLowerCase()}/data_access`;
}

/** The transfer scope with one data_access dependent scope per collection (deduplicated, sorted). */
export function transferScopeFor(collectionIds: readonly string[]): string {
  const ids = normalizeCollectionIds(collectionIds);
  if (ids.length === 0) return TRANSFER_SCOPE;
  return `${TRANSFER_SCOPE}[${ids.map((id) => `*${dataAccessScope(id)}`).join(' ')}]`;
}

/** Everything one login asks for: identity scopes plus the transfer scope tree. */
export function loginScopes(collectionIds: readonly string[]): string {
  return [...IDENTITY_SCOPES, transferScopeFor(collectionIds)].join(' ');
}

/** Collection ids named by data_access scopes anywhere in the given scope strings. */
export function collectionIdsInScopes(scopes: readonly string[]): string[] {
  const found = new Set<string>();
  for (const scope of scopes) {
    for (const match of scope.matchAll(DATA_ACCESS)) {
      if (match[1]) found.add(match[1].toLowerCase());
    }
  }
  return [...found];
}

export function normalizeCollectionIds(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => id.trim().toLowerCase()))].filter(isCollectionId).sort();
}
