import type { AppApi } from '../../../shared/ipc-contract';
import type { AppState, Attachable, SliceSet } from '../../store/types';

export interface ProxyEndpointsSlice extends Attachable {
  readonly ready: boolean;
}

export function createProxyEndpointsSlice(_api: AppApi, _set: SliceSet<'proxyEndpoints'>, _get: () => AppState): ProxyEndpointsSlice {
  return { ready: false };
}

export const proxyEndpointsSelectors = {
  ready: (s: AppState) => s.proxyEndpoints.ready,
};
