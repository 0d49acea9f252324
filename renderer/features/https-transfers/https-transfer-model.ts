/**
 * Pure rules of the HTTPS transfers panel: merging a changed transfer into the list, what each
 * state is called, and why an action cannot run now. No store, no DOM.
 */
import type { HttpsTransfer, HttpsTransferState } from '../../../shared/contract/https-transfers';
import { assertNever } from '../../../shared/assert-never';

/** The list after one transfer changed: replaced in place (an older copy never wins), or added; newest first. */
export function mergeTransfer(list: readonly HttpsTransfer[], changed: HttpsTransfer): readonly HttpsTransfer[] {
  const at = list.findIndex((t) => t.id === changed.id);
  if (at >= 0) {
    const current = list[at] as HttpsTransfer;
    if (changed.updatedAt < current.updatedAt) return list;
    const next = [...list];
    next[at] = changed;
    return next;
  }
  return [changed, ...list].sort((a, b) => b.createdAt - a.createdAt);
}

/** The list without one transfer. */
export function withoutTransfer(list: readonly HttpsTransfer[], id: string): readonly HttpsTransfer[] {
  return list.filter((t) => t.id !== id);
}

export function stateLabel(state: HttpsTransferState): string {
  switch (state) {
    case 'queued':
      return 'Queued';
    case 'running':
      return 'Running';
    case 'paused':
      return 'Paused';
    case 'interrupted':
      return 'Interrupted';
    case 'succeeded':
      return 'Succeeded';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return assertNever(state);
  }
}

export type HttpsAction = 'pause' | 'resume' | 'cancel' | 'remove';

/** Why `action` cannot run on a transfer in `state` now, in a few words; null when it can (what Ferry's core accepts). */
export function actionBlocker(action: HttpsAction, state: HttpsTransferState): string | null {
  const ended = state === 'succeeded' ? 'It has finished.' : state === 'cancelled' ? 'It was cancelled.' : null;
  switch (action) {
    case 'pause':
      if (state === 'running' || state === 'queued' || state === 'interrupted') return null;
      return ended ?? (state === 'paused' ? 'It is paused.' : 'It has stopped; resume it instead.');
    case 'resume':
      if (state === 'paused' || state === 'interrupted' || state === 'failed') return null;
      return ended ?? 'It is running.';
    case 'cancel':
      return ended;
    case 'remove':
      return state === 'running' || state === 'queued' ? 'Pause or cancel it first.' : null;
    default:
      return assertNever(action);
  }
}

/** Percent done (0–100, whole), or null when the size is not known yet. */
export function percentDone(t: Pick<HttpsTransfer, 'doneBytes' | 'totalBytes' | 'state'>): number | null {
  if (t.totalBytes <= 0) return t.state === 'succeeded' ? 100 : null;
  return Math.min(100, Math.floor((t.doneBytes / t.totalBytes) * 100));
}
