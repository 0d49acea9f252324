import type { activityInvoke } from '../../../shared/contract/activity';
import type { Capability } from '../kernel';
import type { ActivityService } from './activity-service';

export type ActivityChannel = keyof typeof activityInvoke;

/** The `activity:*` channels: the history, its refresh, a task's detail and actions, CSV export. */
export function createActivityCapability(deps: { readonly activity: ActivityService }): Capability<ActivityChannel> {
  const { activity } = deps;
  return {
    handlers: {
      'activity:snapshot': async () => activity.snapshot(),
      'activity:refresh': async () => {
        await activity.refreshNow();
        return activity.status();
      },
      'activity:detail': async (id) => activity.detail(id),
      'activity:events': async (id, page) => activity.events(id, page),
      'activity:files': async (id, kind, marker) => activity.files(id, kind, marker ?? undefined),
      'activity:cancel': async (id) => activity.cancel(id),
      'activity:resubmit': async (id) => activity.resubmit(id),
      'activity:attention': async () => activity.needingAttention(),
      'activity:resubmit-fixed': async (id, fix) => activity.resubmitFixed(id, fix),
      'activity:export-csv': async (filter, sort) => {
        const csv = activity.exportCsv(filter, sort ?? undefined);
        return { csv, rows: activity.page({ filter, limit: 1 }).total };
      },
    },
  };
}
