import { GlobusApiError } from '../globus';

/**
 * What a failed submission means for the queue:
 * - limit: Globus' cap on pending tasks (409/429 limit codes): back off everything.
 * - conflict: 409 Conflict, identical paths to a task that has not finished: wait for it.
 * - duplicate: the submission id was already used (an error form of `code: Duplicate`).
 * - transient: network, 5xx, 401 (sign in again): try the same batch later.
 * - fatal: any other 4xx: the batch cannot go as is; its items fail with the reason.
 */
export const submitErrorKinds = ['limit', 'conflict', 'duplicate', 'transient', 'fatal'] as const;
export type SubmitErrorKind = (typeof submitErrorKinds)[number];

const limitPattern = /limit|exceed|quota|too ?many|toomany|throttl/i;

export function classifySubmitError(error: unknown): SubmitErrorKind {
  if (!(error instanceof GlobusApiError)) return 'transient';
  const { code, status } = error;
  if (code === 'Duplicate') return 'duplicate';
  if (code === 'NetworkError' || code === 'Timeout') return 'transient';
  if (status === 429) return 'limit';
  if (limitPattern.test(code)) return 'limit';
  if (status === 409) return code.startsWith('Conflict') && !limitPattern.test(error.message) ? 'conflict' : 'limit';
  if (status === 0 || status === 401 || status === 408 || status >= 500) return 'transient';
  return 'fatal';
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The task id a 409 Conflict names as blocking (from the body or the message), if any. */
export function conflictBlocker(error: unknown): string | null {
  if (!(error instanceof GlobusApiError)) return null;
  const body = error.body as Record<string, unknown> | undefined;
  for (const key of ['blocking_task_id', 'task_id', 'conflicting_task_id']) {
    const value = body?.[key];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  const inMessage = uuidPattern.exec(error.message);
  if (inMessage) return inMessage[0];
  const inBody = typeof body?.message === 'string' ? uuidPattern.exec(body.message) : null;
  return inBody ? inBody[0] : null;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof GlobusApiError && (error.status === 404 || /NotFound/.test(error.code));
}

export function describeError(error: unknown): string {
  if (error instanceof GlobusApiError) {
    return `${error.code}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`;
  }
  return error instanceof Error ? error.message : String(error);
}
