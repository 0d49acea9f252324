import type { proxyEndpointsInvoke } from '../../../shared/contract/proxy-endpoints';
import type { Feature, FeatureDeps } from './feature';

export type ProxyEndpointsChannel = keyof typeof proxyEndpointsInvoke;

/** Wires the `endpoints:*` channels to their core module. */
export function createProxyEndpointsFeature(_deps: FeatureDeps): Feature<ProxyEndpointsChannel> {
  return { handlers: {}, dispose: () => undefined };
}
