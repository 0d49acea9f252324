import type { OpenTarget } from '../../../shared/deep-links';
import type { EventBus } from '../kernel';

/**
 * What the host was asked to show (a ferry:// link, a notification or tray click). Every open
 * window hears `app:open` at once; a window that was not listening yet (the app was started by
 * the link) takes the last one with `app:take-pending-open` when it starts.
 */
export interface OpenLinks {
  open(target: OpenTarget): void;
  take(): OpenTarget | null;
}

export function createOpenLinks(bus: EventBus): OpenLinks {
  let pending: OpenTarget | null = null;
  return {
    open(target) {
      pending = target;
      bus.emit('app:open', target);
    },
    take() {
      const target = pending;
      pending = null;
      return target;
    },
  };
}
