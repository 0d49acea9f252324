import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface SyncsSlice extends Attachable {
  readonly ready: boolean;
}

export function createSyncsSlice(_api: AppApi, _set: SliceSet<'syncs'>, _get: () => AppState): SyncsSlice {
  return { ready: false };
}

export const syncsSelectors = {
  ready: (s: AppState) => s.syncs.ready,
};
