import type { syncsInvoke } from '../../../shared/contract/syncs';
import type { Feature, FeatureDeps } from './feature';

export type SyncsChannel = keyof typeof syncsInvoke;

/** Wires the `syncs:*` channels to their core module. */
export function createSyncsFeature(_deps: FeatureDeps): Feature<SyncsChannel> {
  return { handlers: {}, dispose: () => undefined };
}
