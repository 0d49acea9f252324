/**
 * Transfer API access rules (ACL) of guest collections: `GET /endpoint/{id}/access_list`,
 * `GET|PUT|DELETE /endpoint/{id}/access/{rule_id}`, `POST /endpoint/{id}/access`, with the
 * documents and error codes of the service (`access_create_result` / `Created`, `Exists`,
 * `InvalidPath`, `AccessRuleNotFound`, `PermissionDenied`). Only the collection's owner manages
 * its rules; the owner's own access shows as a rule without id (its administrator role).
 */
import { randomUUID } from 'node:crypto';
import { EMULATOR_DEFAULT_USER } from './constants';
import { isoTime, newRequestId, parseJsonObject, readBody, sendJson, transferError } from './http-util';
import type { CollectionRow } from './state';
import { requireCollection, type TransferApiOptions, type TransferCtx } from './transfer-api-context';

interface AccessRuleRow {
  readonly id: string;
  readonly collection_id: string;
  readonly principal_type: string;
  readonly principal: string;
  readonly path: string;
  readonly permissions: string;
  readonly create_time: number;
  readonly expiration_date: number | null;
  readonly notify_email: string | null;
  readonly notify_message: string | null;
}

const PRINCIPAL_TYPES = ['identity', 'group', 'all_authenticated_users', 'anonymous'] as const;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_RULES = 1000;

/** The owner of a collection (the default person unless configured). */
export function collectionOwner(col: CollectionRow): string {
  return col.owner_id ?? EMULATOR_DEFAULT_USER.sub;
}

/** A fixed role id for the owner's administrator role on a guest collection. */
function ownerRoleId(col: CollectionRow): string {
  return `${col.id.slice(0, 24)}${'000000000001'}`;
}

function ruleDocument(row: AccessRuleRow): Record<string, unknown> {
  return {
    DATA_TYPE: 'access',
    id: row.id,
    role_id: null,
    role_type: null,
    principal_type: row.principal_type,
    principal: row.principal,
    path: row.path,
    permissions: row.permissions,
    create_time: isoTime(row.create_time),
    expiration_date: row.expiration_date === null ? null : isoTime(row.expiration_date),
    notify_email: row.notify_email,
    notify_message: row.notify_message,
  };
}

/** Rules past their expiration_date (on the emulator clock, `opts.now`) are gone. */
type AccessOptions = TransferApiOptions;

function guestCollection(opts: AccessOptions, ctx: TransferCtx, id: string): CollectionRow {
  const col = requireCollection(opts, ctx, id);
  if (col.entity_type !== 'GCSv5_guest_collection') {
    throw transferError(400, 'BadRequest', `Access rules are managed on guest collections only; '${col.display_name}' (${col.id}) is a ${col.entity_type}`, ctx.resource);
  }
  if (collectionOwner(col) !== ctx.token.sub) {
    throw transferError(403, 'PermissionDenied', `You do not have permission to manage access rules on '${col.display_name}' (${col.id})`, ctx.resource);
  }
  return col;
}

function liveRules(opts: AccessOptions, col: CollectionRow): AccessRuleRow[] {
  const now = opts.now();
  opts.db.prepare('DELETE FROM access_rules WHERE collection_id = ? AND expiration_date IS NOT NULL AND expiration_date <= ?').run(col.id, now);
  return opts.db.prepare('SELECT * FROM access_rules WHERE collection_id = ? ORDER BY create_time, rowid').all(col.id) as AccessRuleRow[];
}

function findRule(opts: AccessOptions, ctx: TransferCtx, col: CollectionRow, ruleId: string): AccessRuleRow {
  const rule = liveRules(opts, col).find((r) => r.id === ruleId.toLowerCase());
  if (!rule) throw transferError(404, 'AccessRuleNotFound', `Access rule '${ruleId}' not found`, ctx.resource);
  return rule;
}

function parseExpiration(ctx: TransferCtx, value: unknown, now: number): number | null {
  if (value === undefined || value === null) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw transferError(400, 'BadRequest', 'expiration_date must be an ISO 8601 date and time', ctx.resource);
  if (ms <= now) throw transferError(400, 'BadRequest', 'expiration_date must be in the future', ctx.resource);
  return ms;
}

function parsePermissions(ctx: TransferCtx, value: unknown): 'r' | 'rw' {
  if (value !== 'r' && value !== 'rw') throw transferError(400, 'BadRequest', "permissions must be 'r' or 'rw'", ctx.resource);
  return value;
}

export function listAccessRules(opts: AccessOptions, ctx: TransferCtx, collectionId: string): void {
  const col = guestCollection(opts, ctx, collectionId);
  const owner = {
    DATA_TYPE: 'access',
    id: null,
    role_id: ownerRoleId(col),
    role_type: 'administrator',
    principal_type: 'identity',
    principal: collectionOwner(col),
    path: '/',
    permissions: 'rw',
    create_time: null,
    expiration_date: null,
  };
  const rules = [owner, ...liveRules(opts, col).map(ruleDocument)];
  sendJson(ctx.res, 200, { DATA_TYPE: 'access_list', endpoint: col.id, length: rules.length, DATA: rules });
}

export function getAccessRule(opts: AccessOptions, ctx: TransferCtx, collectionId: string, ruleId: string): void {
  const col = guestCollection(opts, ctx, collectionId);
  sendJson(ctx.res, 200, ruleDocument(findRule(opts, ctx, col, ruleId)));
}

export async function createAccessRule(opts: AccessOptions, ctx: TransferCtx, collectionId: string): Promise<void> {
  const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
  const col = guestCollection(opts, ctx, collectionId);
  if (body['DATA_TYPE'] !== 'access') throw transferError(400, 'BadRequest', "DATA_TYPE must be 'access'", ctx.resource);
  const type = body['principal_type'];
  if (!PRINCIPAL_TYPES.includes(type as (typeof PRINCIPAL_TYPES)[number])) {
    throw transferError(400, 'InvalidPrincipal', `principal_type must be one of ${PRINCIPAL_TYPES.join(', ')}`, ctx.resource);
  }
  const principal = typeof body['principal'] === 'string' ? body['principal'].toLowerCase() : '';
  if ((type === 'identity' || type === 'group') && !UUID_RE.test(principal)) {
    throw transferError(400, 'InvalidPrincipal', `principal must be the ${type === 'identity' ? 'identity' : 'group'} id (a UUID) for principal_type '${String(type)}'`, ctx.resource);
  }
  if ((type === 'all_authenticated_users' || type === 'anonymous') && principal !== '') {
    throw transferError(400, 'InvalidPrincipal', `principal must be empty for principal_type '${String(type)}'`, ctx.resource);
  }
  const path = body['path'];
  if (typeof path !== 'string' || !path.startsWith('/') || !path.endsWith('/') || path.split('/').includes('..')) {
    throw transferError(400, 'InvalidPath', 'Invalid Path: an access rule path must be an absolute folder path ending in /', ctx.resource);
  }
  const permissions = parsePermissions(ctx, body['permissions']);
  if (type === 'anonymous' && permissions === 'rw') {
    throw transferError(400, 'BadRequest', 'Anonymous access rules may only grant read permission', ctx.resource);
  }
  const now = opts.now();
  const expiration = parseExpiration(ctx, body['expiration_date'], now);
  const rules = liveRules(opts, col);
  if (rules.some((r) => r.principal_type === type && r.principal === principal && r.path === path) || (type === 'identity' && principal === collectionOwner(col) && path === '/')) {
    throw transferError(409, 'Exists', 'This folder is already shared with this principal. To change the access level, update the existing rule.', ctx.resource);
  }
  if (rules.length >= MAX_RULES) throw transferError(409, 'LimitExceeded', `A collection may have at most ${MAX_RULES} access rules`, ctx.resource);
  const text = (key: string): string | null => (typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : null);
  const row: AccessRuleRow = {
    id: randomUUID(),
    collection_id: col.id,
    principal_type: type as string,
    principal,
    path,
    permissions,
    create_time: now,
    expiration_date: expiration,
    notify_email: text('notify_email'),
    notify_message: text('notify_message'),
  };
  opts.db
    .prepare(
      `INSERT INTO access_rules (id, collection_id, principal_type, principal, path, permissions, create_time, expiration_date, notify_email, notify_message)
       VALUES (@id, @collection_id, @principal_type, @principal, @path, @permissions, @create_time, @expiration_date, @notify_email, @notify_message)`,
    )
    .run(row);
  sendJson(ctx.res, 201, {
    DATA_TYPE: 'access_create_result',
    code: 'Created',
    message: 'Access rule created successfully.',
    access_id: row.id,
    request_id: newRequestId(),
    resource: ctx.resource,
  });
}

export async function updateAccessRule(opts: AccessOptions, ctx: TransferCtx, collectionId: string, ruleId: string): Promise<void> {
  const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
  const col = guestCollection(opts, ctx, collectionId);
  const rule = findRule(opts, ctx, col, ruleId);
  for (const key of ['principal_type', 'principal', 'path'] as const) {
    if (body[key] !== undefined && body[key] !== rule[key]) {
      throw transferError(400, 'BadRequest', `Only permissions and expiration_date of an access rule can be changed, not ${key}`, ctx.resource);
    }
  }
  const permissions = body['permissions'] === undefined ? rule.permissions : parsePermissions(ctx, body['permissions']);
  const expiration = 'expiration_date' in body ? parseExpiration(ctx, body['expiration_date'], opts.now()) : rule.expiration_date;
  opts.db.prepare('UPDATE access_rules SET permissions = ?, expiration_date = ? WHERE id = ?').run(permissions, expiration, rule.id);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'result',
    code: 'Updated',
    message: `Access rule '${rule.id}' permissions updated successfully`,
    request_id: newRequestId(),
    resource: ctx.resource,
  });
}

export function deleteAccessRule(opts: AccessOptions, ctx: TransferCtx, collectionId: string, ruleId: string): void {
  const col = guestCollection(opts, ctx, collectionId);
  const rule = findRule(opts, ctx, col, ruleId);
  opts.db.prepare('DELETE FROM access_rules WHERE id = ?').run(rule.id);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'result',
    code: 'Deleted',
    message: `Access rule '${rule.id}' deleted successfully`,
    request_id: newRequestId(),
    resource: ctx.resource,
  });
}
