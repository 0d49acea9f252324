/**
 * A Globus Groups API subset: `GET /v2/groups/my_groups` and `GET /v2/groups/{id}` (with
 * `include=memberships,my_memberships,policies,allowed_actions,child_ids`), answering with the
 * `GroupReadModel` documents of the Groups OpenAPI that @globus/sdk ships. Two groups are seeded:
 * the default person administers the first and is a member of the second; the colleague is a
 * member of both.
 */
import type { ServerResponse } from 'node:http';
import type { TokenInfo } from './auth';
import {
  COLLEAGUE_IDENTITY,
  DEMO_COLLAB_GROUP_ID,
  DEMO_COLLAB_GROUP_NAME,
  DEMO_LAB_GROUP_ID,
  DEMO_LAB_GROUP_NAME,
  EMULATOR_DEFAULT_USER,
  GROUPS_RESOURCE_SERVER,
} from './constants';
import { HttpError, sendJson } from './http-util';

type Role = 'admin' | 'manager' | 'member';

interface Member {
  readonly identity_id: string;
  readonly username: string;
  readonly role: Role;
}

interface SeedGroup {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly members: readonly Member[];
}

const SEEDED: readonly SeedGroup[] = [
  {
    id: DEMO_LAB_GROUP_ID,
    name: DEMO_LAB_GROUP_NAME,
    description: 'Everyone in the lab; data on the lab collections is shared with this group.',
    members: [
      { identity_id: EMULATOR_DEFAULT_USER.sub, username: EMULATOR_DEFAULT_USER.username, role: 'admin' },
      { identity_id: COLLEAGUE_IDENTITY.sub, username: COLLEAGUE_IDENTITY.username, role: 'member' },
    ],
  },
  {
    id: DEMO_COLLAB_GROUP_ID,
    name: DEMO_COLLAB_GROUP_NAME,
    description: 'Partners of the beamline experiment.',
    members: [
      { identity_id: COLLEAGUE_IDENTITY.sub, username: COLLEAGUE_IDENTITY.username, role: 'admin' },
      { identity_id: EMULATOR_DEFAULT_USER.sub, username: EMULATOR_DEFAULT_USER.username, role: 'member' },
    ],
  },
];

const SINCE = '2024-01-15T09:00:00.000000+00:00';

/** Groups' error document: `{code, detail}`. */
function groupsError(status: number, code: string, detail: string): HttpError {
  return new HttpError(status, { code, detail });
}

function membership(group: SeedGroup, m: Member): Record<string, unknown> {
  return {
    group_id: group.id,
    identity_id: m.identity_id,
    username: m.username,
    role: m.role,
    status: 'active',
    status_reason: null,
    invite_email_address: null,
    updated: SINCE,
    invite_time: null,
    membership_fields: {},
  };
}

function allowedActions(mine: readonly Member[]): Record<string, string[]> {
  const ids = (pred: (m: Member) => boolean): string[] => mine.filter(pred).map((m) => m.identity_id);
  const managing = (m: Member): boolean => m.role === 'admin' || m.role === 'manager';
  return {
    add: ids(managing),
    change_role: ids((m) => m.role === 'admin'),
    invite: ids(managing),
    remove: ids(managing),
    join: [],
    request_join: [],
    approve: ids(managing),
    reject: ids(managing),
    accept: [],
    leave: ids(() => true),
    decline: [],
  };
}

function groupDocument(group: SeedGroup, sub: string, include: ReadonlySet<string>, myGroups: boolean): Record<string, unknown> {
  const mine = group.members.filter((m) => m.identity_id === sub);
  const doc: Record<string, unknown> = {
    id: group.id,
    name: group.name,
    description: group.description,
    group_type: 'regular',
    parent_id: null,
    enforce_session: false,
    session_limit: null,
    session_timeouts: {},
    terms_and_conditions: null,
    subscription_id: null,
    subscription_admin_verified_id: null,
  };
  if (myGroups || include.has('my_memberships')) doc['my_memberships'] = mine.map((m) => membership(group, m));
  const admin = mine.some((m) => m.role === 'admin' || m.role === 'manager');
  if (include.has('memberships')) doc['memberships'] = group.members.map((m) => membership(group, m));
  if (include.has('policies')) {
    doc['policies'] = {
      is_high_assurance: false,
      authentication_assurance_timeout: null,
      group_visibility: 'private',
      group_members_visibility: admin ? 'members' : 'managers',
      join_requests: false,
      signup_fields: [],
    };
  }
  if (include.has('allowed_actions')) doc['allowed_actions'] = allowedActions(mine);
  if (include.has('child_ids')) doc['child_ids'] = [];
  return doc;
}

export function isGroupsPath(path: string): boolean {
  return path === '/v2/groups' || path.startsWith('/v2/groups/');
}

export function handleGroups(res: ServerResponse, url: URL, method: string, token: TokenInfo | undefined): void {
  if (!token) throw groupsError(401, 'AUTHENTICATION_ERROR', 'Missing or invalid bearer token');
  if (token.resourceServer !== GROUPS_RESOURCE_SERVER) {
    throw groupsError(401, 'AUTHENTICATION_ERROR', `Token is for ${token.resourceServer}, not ${GROUPS_RESOURCE_SERVER}`);
  }
  if (method !== 'GET') throw groupsError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported by the emulator's Groups API`);
  const include = new Set(url.searchParams.getAll('include').flatMap((v) => v.split(',')).map((v) => v.trim()));
  const visible = SEEDED.filter((g) => g.members.some((m) => m.identity_id === token.sub));
  if (url.pathname === '/v2/groups/my_groups') {
    sendJson(res, 200, visible.map((g) => groupDocument(g, token.sub, include, true)));
    return;
  }
  const id = decodeURIComponent(url.pathname.slice('/v2/groups/'.length)).toLowerCase();
  const group = visible.find((g) => g.id === id);
  if (!group) throw groupsError(404, 'NOT_FOUND', `Group ${id} not found or not visible to you`);
  sendJson(res, 200, groupDocument(group, token.sub, include, false));
}
