/** Pure selectors and wording for timers (no React): tested alone, used by the view and by other areas. */
import { formatCount, formatDuration, formatExact } from '../../../shared/format';
import type { TimerEnd, TimerState, TimerSummary } from '../../../shared/contract/timers';
import type { AppState } from '../../store/types';

/** The timer whose run started this Transfer task, among timers whose runs Ferry has read; else null. */
export function selectTimerForTask(state: Pick<AppState, 'timers'>, taskId: string): { readonly id: string; readonly name: string } | null {
  const wanted = taskId.toLowerCase();
  for (const [timerId, runs] of Object.entries(state.timers.runsByTimer)) {
    if (!runs.some((r) => r.taskId?.toLowerCase() === wanted)) continue;
    const timer = state.timers.snapshot?.timers.find((t) => t.id === timerId) ?? (state.timers.detail?.id === timerId ? state.timers.detail : null);
    return { id: timerId, name: timer?.name ?? 'a timer' };
  }
  return null;
}

/** "Every 6 h", "Every 1 d", "Once". */
export function describeInterval(intervalSeconds: number | null): string {
  if (intervalSeconds === null) return 'Once';
  return `Every ${formatDuration(intervalSeconds * 1000)}`;
}

export function describeEnd(end: TimerEnd): string {
  switch (end.kind) {
    case 'never':
      return 'Runs until stopped';
    case 'date':
      return `Until ${formatExact(end.at)}`;
    case 'runs':
      return `Stops after ${formatCount(end.count, 'run')}`;
  }
}

export const stateLabels: Record<TimerState, string> = {
  scheduled: 'Scheduled',
  running: 'Running',
  paused: 'Paused',
  'needs-consent': 'Needs consent',
  inactive: 'Inactive',
  ended: 'Ended',
  deleting: 'Deleting',
};

/** Badge tone for a state (a CSS modifier). */
export function stateTone(state: TimerState): 'ok' | 'busy' | 'idle' | 'warn' | 'done' {
  switch (state) {
    case 'scheduled':
      return 'ok';
    case 'running':
      return 'busy';
    case 'paused':
    case 'deleting':
      return 'idle';
    case 'needs-consent':
    case 'inactive':
      return 'warn';
    case 'ended':
      return 'done';
  }
}

/** Timers that need a person (consent or otherwise inactive), for a count in the view's header. */
export function timersNeedingAttention(timers: readonly TimerSummary[]): readonly TimerSummary[] {
  return timers.filter((t) => t.state === 'needs-consent' || t.state === 'inactive');
}

export const timersSelectors = {
  snapshot: (s: AppState) => s.timers.snapshot,
  loadError: (s: AppState) => s.timers.loadError,
  selectedId: (s: AppState) => s.timers.selectedId,
  detail: (s: AppState) => s.timers.detail,
  detailError: (s: AppState) => s.timers.detailError,
  runStats: (s: AppState) => s.timers.runStats,
  runStatsError: (s: AppState) => s.timers.runStatsError,
  editor: (s: AppState) => s.timers.editor,
  saving: (s: AppState) => s.timers.saving,
  saveError: (s: AppState) => s.timers.saveError,
  busy: (s: AppState) => s.timers.busy,
  waiting: (s: AppState) => s.timers.waiting,
  names: (s: AppState) => s.timers.names,
  actions: (s: AppState) => s.timers,
};

/** Whether Globus reaches a collection without this machine: 'this-machine' for Globus Connect Personal. */
export type SourceReach = 'globus' | 'this-machine' | 'unknown';

/**
 * Globus Connect Personal collections (entity_type GCP_*) run on a person's computer: a sync job's
 * source there is this machine, which Globus reaches only while it is on. Server collections
 * (GCSv5_*) are reached by Globus on their own.
 */
export function sourceReachOf(collection: { readonly entity_type?: string | undefined }): SourceReach {
  const type = collection.entity_type ?? '';
  if (type.startsWith('GCP_')) return 'this-machine';
  if (type.startsWith('GCSv5_') || type.startsWith('GCSv4')) return 'globus';
  return 'unknown';
}
