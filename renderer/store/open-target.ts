import { assertNever } from '../../shared/assert-never';
import type { OpenTarget } from '../../shared/deep-links';
import { isArea } from './nav-slice';
import type { AppState } from './types';

/**
 * Shows what a ferry:// link, a notification or the tray asked for: the area, and in it the task,
 * sync job or timer. An area this build does not have is ignored (a link from a newer Ferry).
 */
export function applyOpenTarget(state: AppState, target: OpenTarget): void {
  switch (target.kind) {
    case 'area':
      if (isArea(target.area)) state.nav.go(target.area);
      return;
    case 'task':
      state.nav.go('activity');
      void state.activity.openDetail(target.taskId);
      return;
    case 'sync-job':
      state.nav.go('syncs');
      state.syncs.selectJob(target.jobId);
      return;
    case 'collection':
      // openFolder shows the Collections area itself; no path: the home folder (`/~/`), where Globus starts.
      void state.collections.openFolder(0, target.collectionId, target.path ?? '/~/');
      return;
    case 'timer':
      state.nav.go('timers');
      void state.timers.select(target.timerId);
      return;
    default:
      assertNever(target, 'open target');
  }
}
