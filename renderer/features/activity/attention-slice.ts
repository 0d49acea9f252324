/**
 * The part of the activity slice for what needs a person: running tasks that need attention
 * (faults, an error as their newest event) and the alerts list (watchdog alarms, tasks, expiring
 * consents), with the notifications core asks the page to show when the page notifies.
 */
import type { Alert, AlertNotification } from '../../../shared/contract/alerts';
import type { PathFix, TaskAttention } from '../../../shared/contract/activity';
import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, SliceSet } from '../../store/types';

export interface AttentionPart {
  /** Running tasks that need attention, newest first. */
  readonly attention: readonly TaskAttention[];
  /** Alerts not dismissed, newest first. */
  readonly alerts: readonly Alert[];
  /** Set while "fix the path and resubmit" runs for this task. */
  readonly fixingTaskId: string | null;
  attentionReceived(list: readonly TaskAttention[]): void;
  alertsReceived(list: readonly Alert[]): void;
  /** A notification core asks for (alarm, task needing attention, daily summary). */
  alertNotified(notification: AlertNotification): void;
  dismissAlert(id: string): Promise<void>;
  /** Cancels the task if it runs and resubmits it with one item's paths fixed; the new task id, or null when refused. */
  resubmitFixed(taskId: string, fix: PathFix): Promise<string | null>;
}

/** What the part needs from the slice around it. */
export interface AttentionEnv {
  notificationPermission(): 'default' | 'granted' | 'denied' | 'unsupported';
  notify(title: string, body: string, tag: string): void;
}

export function createAttentionPart(
  api: AppApi,
  set: SliceSet<'activity'>,
  get: () => AppState,
  env: AttentionEnv,
): AttentionPart & { attachAttention(): () => void } {
  return {
    attention: [],
    alerts: [],
    fixingTaskId: null,

    attachAttention() {
      const offs = [
        api.activity.onAttention((list) => get().activity.attentionReceived(list)),
        api.alerts.onChanged((list) => get().activity.alertsReceived(list)),
        api.alerts.onNotify((n) => get().activity.alertNotified(n)),
      ];
      void api.activity.attention().then(
        (list) => get().activity.attentionReceived(list),
        () => undefined,
      );
      void api.alerts.list().then(
        (list) => get().activity.alertsReceived(list),
        () => undefined,
      );
      return () => offs.forEach((off) => off());
    },

    attentionReceived(list) {
      set({ attention: list });
    },
    alertsReceived(list) {
      set({ alerts: list });
    },
    alertNotified({ title, body, tag }) {
      if (get().app.info?.capabilities.taskNotifications !== 'page') return; // the host shows it
      if (env.notificationPermission() === 'granted') env.notify(title, body, tag);
      else get().toasts.push('info', `${title}. ${body}`);
    },
    async dismissAlert(id) {
      try {
        await api.alerts.dismiss(id);
        set((s) => ({ alerts: s.alerts.filter((a) => a.id !== id) }));
      } catch {
        // the toast says why
      }
    },
    async resubmitFixed(taskId, fix) {
      set({ fixingTaskId: taskId });
      try {
        const result = await api.activity.resubmitFixed(taskId, fix);
        get().toasts.push('success', `${result.cancelledOriginal ? 'Cancelled the task and resubmitted' : 'Resubmitted'} it with the fixed path as task ${result.task_id}`);
        return result.task_id;
      } catch {
        return null;
      } finally {
        set({ fixingTaskId: null });
      }
    },
  };
}

let byIdCache: { list: readonly TaskAttention[]; out: ReadonlyMap<string, TaskAttention> } | null = null;

function attentionById(s: AppState): ReadonlyMap<string, TaskAttention> {
  const list = s.activity.attention;
  if (byIdCache && byIdCache.list === list) return byIdCache.out;
  const out = new Map(list.map((a) => [a.taskId, a] as const));
  byIdCache = { list, out };
  return out;
}

export const attentionSelectors = {
  attention: (s: AppState) => s.activity.attention,
  attentionById,
  /** The open task's attention, if it needs any. */
  detailAttention: (s: AppState): TaskAttention | null => {
    const id = s.activity.detail?.taskId;
    return id ? (attentionById(s).get(id) ?? null) : null;
  },
  alerts: (s: AppState) => s.activity.alerts,
  /** For the sidebar badge. */
  alertCount: (s: AppState) => s.activity.alerts.length,
  fixingTaskId: (s: AppState) => s.activity.fixingTaskId,
};
