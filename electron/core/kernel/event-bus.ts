import { eventContract, type EventChannel, type EventPayload, type Unsubscribe } from '../../../shared/ipc-contract';

export type BusListener = <E extends EventChannel>(channel: E, payload: EventPayload<E>) => void;

/** Core's outbound events; each host forwards them to every window or socket. */
export interface EventBus {
  emit<E extends EventChannel>(channel: E, payload: EventPayload<E>): void;
  subscribe(listener: BusListener): Unsubscribe;
}

/** An event whose payload does not match its channel's schema: a bug in whoever emitted it. */
export class InvalidEventError extends Error {
  constructor(channel: string, problem: string) {
    super(`event ${channel} does not match its schema: ${problem}`);
    this.name = 'InvalidEventError';
  }
}

export interface EventBusOptions {
  /**
   * Check every payload against its channel's zod schema before anyone hears it, and throw to
   * the emitter when it does not match. On in tests (VITEST) and with FERRY_VALIDATE_EVENTS=1;
   * off otherwise, since types already hold the shape and some payloads are large.
   */
  readonly validate?: boolean;
}

export function createEventBus(options: EventBusOptions = {}): EventBus {
  const validate = options.validate ?? (process.env.VITEST !== undefined || process.env.FERRY_VALIDATE_EVENTS === '1');
  const listeners = new Set<BusListener>();
  return {
    emit(channel, payload) {
      if (validate) {
        const checked = eventContract[channel].safeParse(payload);
        if (!checked.success) {
          const first = checked.error.issues[0];
          throw new InvalidEventError(channel, first ? `${first.path.join('.') || 'payload'}: ${first.message}` : 'invalid');
        }
      }
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
