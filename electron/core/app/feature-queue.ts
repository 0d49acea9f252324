import type { queueInvoke } from '../../../shared/contract/queue';
import type { Feature, FeatureDeps } from './feature';

export type QueueChannel = keyof typeof queueInvoke;

/** Wires the `queue:*` channels to their core module. */
export function createQueueFeature(_deps: FeatureDeps): Feature<QueueChannel> {
  return { handlers: {}, dispose: () => undefined };
}
