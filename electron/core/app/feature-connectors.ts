import type { connectorsInvoke } from '../../../shared/contract/connectors';
import type { Feature, FeatureDeps } from './feature';

export type ConnectorsChannel = keyof typeof connectorsInvoke;

/** Wires the `connectors:*` channels to their core module. */
export function createConnectorsFeature(_deps: FeatureDeps): Feature<ConnectorsChannel> {
  return { handlers: {}, dispose: () => undefined };
}
