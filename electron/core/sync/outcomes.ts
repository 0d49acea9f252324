/** What a run or a preview came to, for callers that must tell outcomes apart (`ferry sync`'s exit status). */
import { assertNever } from '../../../shared/assert-never';
import type { SyncPreview, SyncRun } from '../../../shared/contract/syncs';

export const syncOutcomes = ['succeeded', 'succeeded-with-warnings', 'nothing-to-do', 'failed', 'in-progress'] as const;
/**
 * What a run (or a preview) came to, for a caller that must tell them apart (`ferry sync`'s exit
 * status): nothing to do (no changes, or skipped because another run is under way), succeeded,
 * succeeded with warnings (entries skipped; tried again next run), failed (also partly failed,
 * canceled, interrupted), or still in progress (submitted, not waited for).
 */
export type SyncOutcome = (typeof syncOutcomes)[number];

export function runOutcome(run: SyncRun): SyncOutcome {
  const warned = run.stats.warnings > 0;
  switch (run.status) {
    case 'succeeded':
      return warned ? 'succeeded-with-warnings' : 'succeeded';
    case 'no_changes':
      return warned ? 'succeeded-with-warnings' : 'nothing-to-do';
    case 'skipped':
      return 'nothing-to-do';
    case 'partial':
    case 'failed':
    case 'canceled':
    case 'interrupted':
      return 'failed';
    case 'scanning':
    case 'submitting':
    case 'transferring':
      return warned ? 'succeeded-with-warnings' : 'in-progress';
    default:
      return assertNever(run.status, 'run status');
  }
}

/** A preview: nothing to send, something to send, or warnings to read first. */
export function previewOutcome(p: SyncPreview): SyncOutcome {
  if (p.warningCount > 0) return 'succeeded-with-warnings';
  return p.changedFiles === 0 && p.emptyDirs === 0 ? 'nothing-to-do' : 'succeeded';
}

/** The outcome of several runs: the worst wins (failed, then warnings, then in progress, then success). */
export function worstOutcome(outcomes: readonly SyncOutcome[]): SyncOutcome {
  const order: readonly SyncOutcome[] = ['failed', 'succeeded-with-warnings', 'in-progress', 'succeeded', 'nothing-to-do'];
  for (const o of order) if (outcomes.includes(o)) return o;
  return 'nothing-to-do';
}
