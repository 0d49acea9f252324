/**
 * Transfer API file operations on a collection's folder: `ls`, `stat`, `mkdir` and `rename`
 * under `/operation/endpoint/{id}/`, with the listing filters and error documents of the service.
 */
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { diskPath, listDirectory, lstatOrNull, normalizeGlobusPath, statOrNull, type LsEntry } from './fs-ops';
import { lsTime, newRequestId, parseJsonObject, readBody, sendJson, transferError } from './http-util';
import { intParam, requireCollection, requireConsent, type TransferApiOptions, type TransferCtx } from './transfer-api-context';

export async function lsOperation(opts: TransferApiOptions, ctx: TransferCtx, id: string): Promise<void> {
  const col = requireCollection(opts, ctx, id);
  requireConsent(opts, ctx, col);
  const q = ctx.url.searchParams;
  const requested = q.get('path') ?? '/~/';
  const path = normalizeGlobusPath(requested);
  const disk = diskPath(col.root, path);
  const s = await statOrNull(disk);
  if (!s) throw transferError(404, 'ClientError.NotFound', `Directory '${requested}' not found on collection ${col.id}`, ctx.resource);
  if (!s.isDirectory()) {
    throw transferError(502, 'ExternalError.DirListingFailed.NotDirectory', `'${requested}' is not a directory on collection ${col.id}`, ctx.resource);
  }
  let entries: LsEntry[] = await listDirectory(disk);
  if (['false', '0'].includes((q.get('show_hidden') ?? 'true').toLowerCase())) entries = entries.filter((e) => !e.name.startsWith('.'));
  for (const clause of (q.get('filter') ?? '').split('/').filter(Boolean)) {
    const [field, value = ''] = clause.split(/:(.*)/s);
    if (field === 'name') {
      entries = value.startsWith('~') ? entries.filter((e) => e.name.includes(value.slice(1))) : entries.filter((e) => value.split(',').includes(e.name));
    } else if (field === 'type') {
      entries = entries.filter((e) => value.split(',').includes(e.type));
    } else {
      throw transferError(400, 'ClientError.BadRequest', `Invalid filter field '${field ?? ''}'`, ctx.resource);
    }
  }
  const orderby = (q.get('orderby') ?? '').trim();
  if (orderby) {
    const [field = 'name', dir = 'ASC'] = orderby.split(/\s+/);
    const key = (e: LsEntry): string | number => (field === 'size' ? e.size : field === 'last_modified' ? e.last_modified : field === 'type' ? e.type : e.name);
    entries.sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0) * (dir.toUpperCase() === 'DESC' ? -1 : 1));
  }
  const total = entries.length;
  const offset = intParam(ctx, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const limit = intParam(ctx, 'limit', 100_000, 100_000);
  const page = entries.slice(offset, offset + limit);
  const slash = (p: string): string => (p.endsWith('/') ? p : `${p}/`);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'file_list',
    endpoint: col.id,
    path: slash(requested),
    absolute_path: slash(path),
    length: page.length,
    total,
    offset,
    limit,
    rename_supported: true,
    symlink_supported: false,
    DATA: page,
  });
}

export async function statOperation(opts: TransferApiOptions, ctx: TransferCtx, id: string): Promise<void> {
  const col = requireCollection(opts, ctx, id);
  requireConsent(opts, ctx, col);
  const path = normalizeGlobusPath(ctx.url.searchParams.get('path') ?? '/');
  const s = await statOrNull(diskPath(col.root, path));
  if (!s) throw transferError(404, 'ClientError.NotFound', `'${path}' not found on collection ${col.id}`, ctx.resource);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'file',
    name: path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1),
    type: s.isDirectory() ? 'dir' : 'file',
    link_target: null,
    permissions: (s.mode & 0o7777).toString(8).padStart(4, '0'),
    size: s.isDirectory() ? 4096 : s.size,
    user: 'researcher',
    group: 'researcher',
    last_modified: lsTime(s.mtimeMs),
  });
}

export async function mkdirOperation(opts: TransferApiOptions, ctx: TransferCtx, id: string): Promise<void> {
  const col = requireCollection(opts, ctx, id);
  requireConsent(opts, ctx, col);
  const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
  if (typeof body['path'] !== 'string') throw transferError(400, 'ClientError.BadRequest', 'path is required', ctx.resource);
  const path = normalizeGlobusPath(body['path']);
  const disk = diskPath(col.root, path);
  if (await lstatOrNull(disk)) {
    throw transferError(
      502,
      'ExternalError.MkdirFailed.Exists',
      `Path already exists, Error (mkdir)\nEndpoint: ${col.display_name} (${col.id})\nMessage: '${path}' already exists`,
      ctx.resource,
    );
  }
  const parent = await statOrNull(dirname(disk));
  if (!parent?.isDirectory()) {
    throw transferError(502, 'ExternalError.MkdirFailed.NotFound', `Parent directory of '${path}' does not exist on collection ${col.id}`, ctx.resource);
  }
  await mkdir(disk);
  sendJson(ctx.res, 202, {
    DATA_TYPE: 'mkdir_result',
    code: 'DirectoryCreated',
    message: 'The directory was created successfully',
    request_id: newRequestId(),
    resource: ctx.resource,
  });
}

export async function renameOperation(opts: TransferApiOptions, ctx: TransferCtx, id: string): Promise<void> {
  const col = requireCollection(opts, ctx, id);
  requireConsent(opts, ctx, col);
  const body = parseJsonObject(await readBody(ctx.req), ctx.resource);
  if (typeof body['old_path'] !== 'string' || typeof body['new_path'] !== 'string') {
    throw transferError(400, 'ClientError.BadRequest', 'old_path and new_path are required', ctx.resource);
  }
  const oldPath = normalizeGlobusPath(body['old_path']);
  const newPath = normalizeGlobusPath(body['new_path']);
  const from = diskPath(col.root, oldPath);
  const to = diskPath(col.root, newPath);
  if (!(await lstatOrNull(from))) throw transferError(404, 'ClientError.NotFound', `'${oldPath}' not found on collection ${col.id}`, ctx.resource);
  if (await lstatOrNull(to)) throw transferError(502, 'ExternalError.RenameFailed.Exists', `'${newPath}' already exists on collection ${col.id}`, ctx.resource);
  if (!(await statOrNull(dirname(to)))?.isDirectory()) {
    throw transferError(404, 'ClientError.NotFound', `Parent directory of '${newPath}' not found on collection ${col.id}`, ctx.resource);
  }
  await rename(from, to);
  sendJson(ctx.res, 200, {
    DATA_TYPE: 'result',
    code: 'FileRenamed',
    message: 'File or directory renamed successfully',
    request_id: newRequestId(),
    resource: ctx.resource,
  });
}
