import type { EventChannel, EventPayload, Unsubscribe } from '../../../shared/ipc-contract';

export type BusListener = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void;

/** Core's outbound events; each host forwards them to every window or socket. */
export interface EventBus {
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  subscribe(listener: BusListener): Unsubscribe;
}

export function createEventBus(): EventBus {
  const listeners = new Set<BusListener>();
  return {
    emit(channel, payload) {
      for (const listener of [...listeners]) {
        try {
          listener(channel, payload);
        } catch (error) {
          console.error(`event listener for ${channel} failed`, error);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
