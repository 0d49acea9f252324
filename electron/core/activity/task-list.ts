import type { Paged, TaskDocument } from '../../../shared/globus-types';
import { GlobusApiError, type TransferService } from '../globus';

/** Globus accepts at most this many ids in one `task_id:` filter. */
const taskIdFilterChunk = 50;

/** `{ code, message }` of a failed poll, for the status line. */
export function errorInfo(error: unknown): { code: string; message: string } {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : error.name || 'Error', message: error.message };
  }
  return { code: 'Error', message: String(error) };
}

/** Whether a page of a task list has more after it. */
export function hasMore<T>(page: Paged<T>, offset: number): boolean {
  if (page.DATA.length === 0) return false;
  if (typeof page.has_next_page === 'boolean') return page.has_next_page;
  return typeof page.total === 'number' && offset + page.DATA.length < page.total;
}

/**
 * Ended tasks in bulk: one filtered list per 50 ids, `getTask` only for ids the list missed.
 * Ids Globus no longer knows (404/403) are added to `gone`.
 */
export async function fetchEndedTasks(t: TransferService, ids: readonly string[], gone: Set<string>): Promise<TaskDocument[]> {
  const found: TaskDocument[] = [];
  const missing = new Set(ids);
  for (let i = 0; i < ids.length; i += taskIdFilterChunk) {
    const chunk = ids.slice(i, i + taskIdFilterChunk);
    let page: Paged<TaskDocument>;
    try {
      page = await t.listTasks({ filter: `task_id:${chunk.join(',')}`, limit: chunk.length });
    } catch (error) {
      // A service that rejects the task_id filter: fall back to one getTask per id below.
      if (error instanceof GlobusApiError && error.status === 400) continue;
      throw error;
    }
    for (const d of page.DATA) {
      if (!missing.delete(d.task_id)) continue;
      found.push(d);
    }
  }
  for (const id of missing) {
    try {
      found.push(await t.getTask(id));
    } catch (error) {
      if (error instanceof GlobusApiError && (error.status === 404 || error.status === 403)) gone.add(id);
      else throw error;
    }
  }
  return found;
}
