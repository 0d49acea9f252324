/** Globus scope strings Ferry asks for. */
export const TRANSFER_SCOPE = 'urn:globus:auth:scope:transfer.api.globus.org:all';
export const TRANSFER_RESOURCE_SERVER = 'transfer.api.globus.org';
export const AUTH_RESOURCE_SERVER = 'auth.globus.org';
/** Identity for the Account view (userinfo / id_token). */
export const IDENTITY_SCOPES = ['openid', 'profile', 'email'] as const;
/** The groups a person belongs to, for sharing with a group (Globus' spelling; @globus/sdk drops the last "s"). */
export const GROUPS_VIEW_SCOPE = 'urn:globus:auth:scope:groups.api.globus.org:view_my_groups_and_memberships';

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

/** ProxyStore's relay server and the scope its tokens need (declared once in shared/). */
import { PROXYSTORE_RELAY_RESOURCE_SERVER, PROXYSTORE_RELAY_SCOPE } from '../../../shared/proxystore-relay';
export { PROXYSTORE_RELAY_RESOURCE_SERVER, PROXYSTORE_RELAY_SCOPE };

const RESOURCE_SERVER_SCOPE = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([A-Za-z0-9_.:-]+)$/i;

/**
 * A resource server's own scope, such as ProxyStore's relay (`…/scopes/<uuid>/relay_all`): one
 * that Ferry may add as a consent of its sign-in. data_access scopes are not (they hang under transfer).
 */
export function isResourceServerScope(scope: string): boolean {
  const m = RESOURCE_SERVER_SCOPE.exec(scope);
  return m !== null && m[2] !== 'data_access';
}

/** Resource-server scopes, checked, deduplicated and sorted; anything else is refused. */
export function normalizeResourceScopes(scopes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of scopes) {
    const scope = raw.trim();
    if (!isResourceServerScope(scope)) throw new RangeError(`Not a resource-server scope Ferry can ask for: ${scope}`);
    out.add(scope);
  }
  return [...out].sort();
}

/** Globus Timers (globus-sdk's TimersScopes): its resource server and the scope to create and manage timers. */
export const TIMERS_RESOURCE_SERVER = '524230d7-ea86-4a52-8312-86065a9e0417';
export const TIMERS_SCOPE = `https://auth.globus.org/scopes/${TIMERS_RESOURCE_SERVER}/timer`;

/**
 * What a transfer timer needs: the timer scope with the transfer scope (and the collections'
 * data_access scopes) as its dependent, so Timers can start transfers on the person's behalf
 * (globus-sdk `TimersClient.add_app_transfer_data_access_scope`).
 */
export function timersScopeFor(collectionIds: readonly string[]): string {
  return `${TIMERS_SCOPE}[${transferScopeFor(collectionIds)}]`;
}

/**
 * Everything one login asks for: identity scopes, the person's groups, the transfer scope tree, and any resource-server
 * scopes (a relay's). The timer scope always carries the transfer tree as its dependent.
 */
export function loginScopes(collectionIds: readonly string[], resourceScopes: readonly string[] = []): string {
  const resources = normalizeResourceScopes(resourceScopes).map((s) => (s === TIMERS_SCOPE ? timersScopeFor(collectionIds) : s));
  return [...IDENTITY_SCOPES, GROUPS_VIEW_SCOPE, transferScopeFor(collectionIds), ...resources].join(' ');
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
