/**
 * Globus scope strings as Globus Auth reads them: top-level scopes separated by spaces, dependent
 * scopes in brackets (`transfer[*data_access]`, `timer[transfer[*data_access]]`). Every requested
 * scope is grouped by the resource server whose token it lands in; the data_access consents below
 * the transfer scope (directly, or under the Timers scope) are what a token records.
 */
import {
  AUTH_RESOURCE_SERVER,
  AUTH_SCOPES,
  GROUPS_RESOURCE_SERVER,
  GROUPS_SCOPES,
  TIMERS_RESOURCE_SERVER,
  TIMERS_SCOPE,
  TRANSFER_ACTION_PROVIDER_SCOPE,
  TRANSFER_RESOURCE_SERVER,
  TRANSFER_SCOPE,
} from './constants';

const DATA_ACCESS_RE = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-fA-F-]{36})\/data_access$/;
/** A resource server's own scope, e.g. ProxyStore's relay: `https://auth.globus.org/scopes/<resource server>/relay_all`. */
const RESOURCE_SCOPE_RE = /^https:\/\/auth\.globus\.org\/scopes\/([0-9a-fA-F-]{36})\/([A-Za-z0-9_.:-]+)$/;
/** Auth scopes Globus Auth also knows by these names (what ProxyStore's login asks for). */
export const VIEW_IDENTITY_SET_SCOPE = 'urn:globus:auth:scope:auth.globus.org:view_identity_set';
const MORE_AUTH_SCOPES: readonly string[] = [VIEW_IDENTITY_SET_SCOPE];

/** One resource server's share of a requested scope string. */
export interface ScopeGrant {
  readonly resourceServer: string;
  readonly scopes: string[];
  readonly dataAccess: Set<string>;
}

/** A parsed scope: its name, whether it was marked optional (`*`), and its dependent scopes. */
interface ScopeNode {
  readonly name: string;
  readonly deps: readonly ScopeNode[];
}

/** Splits a Globus scope string at top-level spaces (dependent scopes sit in brackets). */
export function splitScopes(scope: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of scope) {
    if (ch === '[') depth += 1;
    if (ch === ']') depth -= 1;
    if (ch === ' ' && depth === 0) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

function parseNode(text: string): ScopeNode | { error: string } {
  const s = text.replace(/^\*\s*/, '');
  const bracket = s.indexOf('[');
  if (bracket === -1) return { name: s, deps: [] };
  if (!s.endsWith(']')) return { error: `Malformed scope: ${text}` };
  const deps: ScopeNode[] = [];
  for (const part of splitScopes(s.slice(bracket + 1, -1))) {
    const node = parseNode(part);
    if ('error' in node) return node;
    deps.push(node);
  }
  return { name: s.slice(0, bracket), deps };
}

/** The data_access collections below a transfer scope node, or an error for anything else there. */
function transferConsents(node: ScopeNode, into: Set<string>): string | undefined {
  for (const dep of node.deps) {
    const m = DATA_ACCESS_RE.exec(dep.name);
    if (!m?.[1] || dep.deps.length > 0) return `Unknown dependent scope: ${dep.name}`;
    into.add(m[1].toLowerCase());
  }
  return undefined;
}

/**
 * The Timers scope's dependents: the transfer scope (globus-sdk's `TimersClient`), or the transfer
 * action provider's scope with the transfer scope below it (globus-cli's older form).
 */
function timerConsents(node: ScopeNode, into: Set<string>): string | undefined {
  for (const dep of node.deps) {
    if (dep.name === TRANSFER_SCOPE) {
      const error = transferConsents(dep, into);
      if (error) return error;
    } else if (dep.name === TRANSFER_ACTION_PROVIDER_SCOPE) {
      const error = timerConsents(dep, into);
      if (error) return error;
    } else {
      return `Unknown dependent scope of the Timers scope: ${dep.name}`;
    }
  }
  return undefined;
}

/** Groups requested scopes by resource server; unknown scopes are an `invalid_scope` error. */
export function parseScopeRequest(scope: string): { grants: ScopeGrant[]; offline: boolean } | { error: string } {
  const grants = new Map<string, ScopeGrant>();
  let offline = false;
  const grant = (rs: string, name: string): ScopeGrant => {
    let g = grants.get(rs);
    if (!g) {
      g = { resourceServer: rs, scopes: [], dataAccess: new Set() };
      grants.set(rs, g);
    }
    if (!g.scopes.includes(name)) g.scopes.push(name);
    return g;
  };
  for (const s of splitScopes(scope)) {
    if (s === 'offline_access') {
      offline = true;
      continue;
    }
    const node = parseNode(s);
    if ('error' in node) return node;
    const { name, deps } = node;
    if (AUTH_SCOPES.includes(name) || MORE_AUTH_SCOPES.includes(name) || GROUPS_SCOPES.includes(name)) {
      if (deps.length > 0) return { error: `Scope ${name} takes no dependent scopes` };
      grant(GROUPS_SCOPES.includes(name) ? GROUPS_RESOURCE_SERVER : AUTH_RESOURCE_SERVER, name);
      continue;
    }
    if (name === TRANSFER_SCOPE) {
      const error = transferConsents(node, grant(TRANSFER_RESOURCE_SERVER, TRANSFER_SCOPE).dataAccess);
      if (error) return { error };
      continue;
    }
    if (name === TIMERS_SCOPE) {
      const error = timerConsents(node, grant(TIMERS_RESOURCE_SERVER, TIMERS_SCOPE).dataAccess);
      if (error) return { error };
      continue;
    }
    const rsScope = RESOURCE_SCOPE_RE.exec(name);
    if (rsScope?.[1] && rsScope[2] !== 'data_access' && deps.length === 0) {
      grant(rsScope[1].toLowerCase(), name);
      continue;
    }
    return { error: `Unknown scope: ${name}` };
  }
  if (grants.size === 0) return { error: 'No scopes requested' };
  return { grants: [...grants.values()], offline };
}

/** What the consent page says a scope lets the app do. */
export function describeScope(scope: string): string {
  if (scope === TRANSFER_SCOPE) return 'Manage your Globus transfers and collections';
  if (scope === TIMERS_SCOPE) return 'Schedule transfers for you with Globus Timers';
  if (GROUPS_SCOPES.includes(scope)) return 'View your Globus groups and memberships';
  return `Use your identity (${scope})`;
}
