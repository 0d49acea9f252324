import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface ConnectorsSlice extends Attachable {
  readonly ready: boolean;
}

export function createConnectorsSlice(_api: AppApi, _set: SliceSet<'connectors'>, _get: () => AppState): ConnectorsSlice {
  return { ready: false };
}

export const connectorsSelectors = {
  ready: (s: AppState) => s.connectors.ready,
};
