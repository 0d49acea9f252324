import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface QueueSlice extends Attachable {
  readonly ready: boolean;
}

export function createQueueSlice(_api: AppApi, _set: SliceSet<'queue'>, _get: () => AppState): QueueSlice {
  return { ready: false };
}

export const queueSelectors = {
  ready: (s: AppState) => s.queue.ready,
};
