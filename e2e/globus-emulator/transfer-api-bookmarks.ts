/**
 * Transfer API bookmarks (`/bookmark_list`, `/bookmark`, `/bookmark/{id}`): the person's own
 * bookmarks, which the Globus web app shows too. Kept in memory per identity (a restart of the
 * emulator forgets them), with the real documents and errors.
 */
import { randomUUID } from 'node:crypto';
import { newRequestId, parseJsonObject, readBody, sendJson, transferError } from './http-util';
import { requireCollection, type TransferApiOptions, type TransferCtx } from './transfer-api-context';

interface BookmarkRow {
  readonly id: string;
  name: string;
  readonly endpoint_id: string;
  readonly path: string;
  pinned: boolean;
}

const stores = new WeakMap<TransferApiOptions, Map<string, BookmarkRow[]>>();

function mine(opts: TransferApiOptions, ctx: TransferCtx): BookmarkRow[] {
  let byOwner = stores.get(opts);
  if (!byOwner) stores.set(opts, (byOwner = new Map()));
  let list = byOwner.get(ctx.token.sub);
  if (!list) byOwner.set(ctx.token.sub, (list = []));
  return list;
}

function doc(b: BookmarkRow): Record<string, unknown> {
  return { DATA_TYPE: 'bookmark', id: b.id, name: b.name, endpoint_id: b.endpoint_id, path: b.path, pinned: b.pinned };
}

function checkName(ctx: TransferCtx, name: unknown, list: readonly BookmarkRow[], except?: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw transferError(400, 'ClientError.BadRequest', 'name is required', ctx.resource);
  if (name.length > 128) throw transferError(400, 'ClientError.BadRequest', 'name must be at most 128 characters', ctx.resource);
  if (list.some((b) => b.name === name && b.id !== except)) {
    throw transferError(409, 'ClientError.Conflict', `A bookmark named '${name}' already exists`, ctx.resource);
  }
  return name;
}

function find(opts: TransferApiOptions, ctx: TransferCtx, id: string): BookmarkRow {
  const b = mine(opts, ctx).find((x) => x.id === id);
  if (!b) throw transferError(404, 'ClientError.NotFound', `Bookmark '${id}' not found`, ctx.resource);
  return b;
}

export function listBookmarks(opts: TransferApiOptions, ctx: TransferCtx): void {
  sendJson(ctx.res, 200, { DATA_TYPE: 'bookmark_list', DATA: mine(opts, ctx).map(doc) });
}

export async function createBookmark(opts: TransferApiOptions, ctx: TransferCtx): Promise<void> {
  const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
  const list = mine(opts, ctx);
  const name = checkName(ctx, body['name'], list);
  const col = requireCollection(opts, ctx, body['endpoint_id']);
  const path = body['path'];
  if (typeof path !== 'string' || !/^[/~]/.test(path)) throw transferError(400, 'ClientError.BadRequest', "path must start with '/' or '~'", ctx.resource);
  const row: BookmarkRow = { id: randomUUID(), name, endpoint_id: col.id, path: path.endsWith('/') ? path : `${path}/`, pinned: body['pinned'] === true };
  list.push(row);
  sendJson(ctx.res, 200, doc(row));
}

export function getBookmark(opts: TransferApiOptions, ctx: TransferCtx, id: string): void {
  sendJson(ctx.res, 200, doc(find(opts, ctx, id)));
}

export async function updateBookmark(opts: TransferApiOptions, ctx: TransferCtx, id: string): Promise<void> {
  const b = find(opts, ctx, id);
  const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
  if (body['name'] !== undefined) b.name = checkName(ctx, body['name'], mine(opts, ctx), id);
  if (body['pinned'] !== undefined) b.pinned = body['pinned'] === true;
  sendJson(ctx.res, 200, doc(b));
}

export function deleteBookmark(opts: TransferApiOptions, ctx: TransferCtx, id: string): void {
  find(opts, ctx, id);
  const list = mine(opts, ctx);
  list.splice(
    list.findIndex((b) => b.id === id),
    1,
  );
  sendJson(ctx.res, 200, { DATA_TYPE: 'result', code: 'Deleted', message: 'Bookmark deleted successfully', resource: ctx.resource, request_id: newRequestId() });
}
