import type { TaskAttention } from '../../../shared/contract/activity';
import type { AlertInput } from './types';

const prefix = 'task:';

/** The alert for a running task that needs attention: its explanation in a sentence or two. */
export function attentionAlert(a: TaskAttention): AlertInput {
  const name = a.label ?? a.taskId;
  return {
    id: `${prefix}${a.taskId}`,
    kind: 'task',
    severity: 'error',
    title: `Transfer needs attention: ${name}`,
    body: `${a.explanation.title}. ${a.explanation.action}`,
    subject: { kind: 'task', id: a.taskId },
  };
}

/**
 * Follows Activity's list of tasks that need attention: each one is an alert (notified once),
 * and its alert goes when the task recovers, ends or is cancelled.
 */
export function followAttention(target: {
  raise(alert: AlertInput): unknown;
  resolve(id: string): void;
  /** Task alerts listed now (also those a previous run left): any not in the list are resolved. */
  idsWithPrefix(prefix: string): readonly string[];
}): (list: readonly TaskAttention[]) => void {
  return (list) => {
    const next = new Set<string>();
    for (const a of list) {
      const alert = attentionAlert(a);
      next.add(alert.id);
      target.raise(alert);
    }
    for (const id of target.idsWithPrefix(prefix)) if (!next.has(id)) target.resolve(id);
  };
}
