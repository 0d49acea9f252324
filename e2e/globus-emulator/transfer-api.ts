/**
 * Transfer API v0.10 routes: submission, task monitoring, collections and file operations, with
 * the JSON shapes and error documents of the real service. This module routes each request; the
 * work is split by job: transfer-api-submit.ts (task submission), transfer-api-tasks.ts (task
 * queries), transfer-api-collections.ts (collections and endpoint search), transfer-api-files.ts
 * (ls, stat, mkdir, rename) and transfer-api-context.ts (what they share).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenInfo } from './auth';
import { transferError } from './http-util';
import type { CollectionRow, TaskRow } from './state';
import { createBookmark, deleteBookmark, getBookmark, listBookmarks, updateBookmark } from './transfer-api-bookmarks';
import { createAccessRule, deleteAccessRule, getAccessRule, listAccessRules, updateAccessRule } from './transfer-api-access';
import { endpointDocument, getEndpoint, searchEndpoints } from './transfer-api-collections';
import type { TransferApiOptions, TransferCtx } from './transfer-api-context';
import { lsOperation, mkdirOperation, renameOperation, statOperation } from './transfer-api-files';
import { getSubmissionId, submitTask } from './transfer-api-submit';
import { cancelTask, getPauseInfo, getTask, listSkippedErrors, listSuccessfulTransfers, listTaskEvents, listTasks, taskDocument } from './transfer-api-tasks';

export type { TransferApiOptions } from './transfer-api-context';

export class TransferApi {
  constructor(private readonly opts: TransferApiOptions) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, resource: string, token: TokenInfo): Promise<void> {
    const ctx: TransferCtx = { req, res, url, resource, token };
    const opts = this.opts;
    const method = req.method ?? 'GET';
    const parts = resource.split('/').filter(Boolean);
    const [a, b, c, d] = parts;
    if (method === 'GET' && resource === '/submission_id') return getSubmissionId(ctx);
    if (method === 'POST' && resource === '/transfer') return submitTask(opts, ctx, 'TRANSFER');
    if (method === 'POST' && resource === '/delete') return submitTask(opts, ctx, 'DELETE');
    if (method === 'GET' && resource === '/task_list') return listTasks(opts, ctx);
    if (a === 'task' && b && parts.length === 2 && method === 'GET') return getTask(opts, ctx, b);
    if (a === 'task' && b && parts.length === 3) {
      if (method === 'POST' && c === 'cancel') return cancelTask(opts, ctx, b);
      if (method === 'GET' && c === 'event_list') return listTaskEvents(opts, ctx, b);
      if (method === 'GET' && c === 'successful_transfers') return listSuccessfulTransfers(opts, ctx, b);
      if (method === 'GET' && c === 'skipped_errors') return listSkippedErrors(opts, ctx, b);
      if (method === 'GET' && c === 'pause_info') return getPauseInfo(opts, ctx, b);
    }
    if (method === 'GET' && a === 'endpoint' && b && parts.length === 2) return getEndpoint(opts, ctx, b);
    if (a === 'endpoint' && b && c === 'access_list' && parts.length === 3 && method === 'GET') return listAccessRules(opts, ctx, b);
    if (a === 'endpoint' && b && c === 'access' && parts.length === 3 && method === 'POST') return createAccessRule(opts, ctx, b);
    if (a === 'endpoint' && b && c === 'access' && d && parts.length === 4) {
      if (method === 'GET') return getAccessRule(opts, ctx, b, d);
      if (method === 'PUT') return updateAccessRule(opts, ctx, b, d);
      if (method === 'DELETE') return deleteAccessRule(opts, ctx, b, d);
    }
    if (method === 'GET' && resource === '/endpoint_search') return searchEndpoints(opts, ctx);
    if (method === 'GET' && resource === '/bookmark_list') return listBookmarks(opts, ctx);
    if (method === 'POST' && resource === '/bookmark') return createBookmark(opts, ctx);
    if (a === 'bookmark' && b && parts.length === 2) {
      if (method === 'GET') return getBookmark(opts, ctx, b);
      if (method === 'PUT') return updateBookmark(opts, ctx, b);
      if (method === 'DELETE') return deleteBookmark(opts, ctx, b);
    }
    if (a === 'operation' && b === 'endpoint' && c && parts.length === 4) {
      if (method === 'GET' && d === 'ls') return lsOperation(opts, ctx, c);
      if (method === 'GET' && d === 'stat') return statOperation(opts, ctx, c);
      if (method === 'POST' && d === 'mkdir') return mkdirOperation(opts, ctx, c);
      if (method === 'POST' && d === 'rename') return renameOperation(opts, ctx, c);
    }
    throw transferError(404, 'ClientError.NotFound', `No such resource: ${method} ${resource}`, resource);
  }

  taskDocument(row: TaskRow): Record<string, unknown> {
    return taskDocument(this.opts, row);
  }

  endpointDocument(col: CollectionRow): Record<string, unknown> {
    return endpointDocument(this.opts, col);
  }
}
