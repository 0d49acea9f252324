/** Deps for the Timers capability in tests: a sign-in with a switchable Timers consent, collections, settings. */
import type { AccountState, AccountStatus } from '../../../../shared/account';
import { defaultSettings } from '../../../../shared/settings';
import { GlobusApiError, type GlobusAuth, type LoginOptions } from '../../globus';
import { createEventBus, type EventBus } from '../../kernel';
import type { SettingsService } from '../../settings';
import type { TimersDeps } from '../handlers';
import { TIMERS_SCOPE } from '../timers-port';

export interface FakeTimersAuth {
  readonly auth: GlobusAuth;
  /** Every login the capability asked for (the consent flow). */
  readonly logins: LoginOptions[];
  /** Whether this sign-in holds the Timers consent (a login with the timer scope grants it). */
  timersConsent: boolean;
  consented: string[];
  /** When true, a login waits in `signing-in` (the consent page open) until `approve()` or `deny()`. */
  waitForPerson: boolean;
  approve(): void;
  deny(): void;
  setState(state: AccountState): void;
}

export function fakeTimersAuth(initial: AccountState = 'signed-in'): FakeTimersAuth {
  let state = initial;
  let pending: { resolve: () => void; reject: (e: Error) => void } | null = null;
  const listeners = new Set<(s: AccountStatus) => void>();
  const status = (): AccountStatus =>
    ({
      state,
      identity: state !== 'signed-out' ? { sub: 'me', username: null, name: null, email: null } : null,
      consentedCollections: [...out.consented],
      loginUrl: state === 'signing-in' ? 'https://auth.example/consent' : null,
    }) as unknown as AccountStatus;
  const tell = () => {
    for (const l of [...listeners]) l(status());
  };
  const out: FakeTimersAuth = {
    logins: [],
    timersConsent: false,
    consented: [],
    waitForPerson: false,
    approve() {
      pending?.resolve();
    },
    deny() {
      pending?.reject(new GlobusApiError({ code: 'LoginDenied', status: 0, message: 'You did not allow it at Globus.' }));
    },
    auth: {
      status,
      onStatus(listener: (s: AccountStatus) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      async tokenFor(scope: string) {
        if (state !== 'signed-in') throw new GlobusApiError({ code: 'SignInRequired', status: 0, message: 'Sign in to Globus first.' });
        if (scope !== TIMERS_SCOPE || !out.timersConsent) throw new GlobusApiError({ code: 'ConsentRequired', status: 0, message: `no consent for ${scope}` });
        return 'timers-token';
      },
      async login(options: LoginOptions = {}) {
        out.logins.push(options);
        if (out.waitForPerson) {
          state = 'signing-in';
          tell();
          try {
            await new Promise<void>((resolve, reject) => (pending = { resolve, reject }));
          } finally {
            pending = null;
            state = 'signed-in';
          }
        }
        if (options.scopes?.includes(TIMERS_SCOPE)) out.timersConsent = true;
        out.consented = [...new Set([...out.consented, ...(options.collections ?? [])])];
        return status();
      },
    } as unknown as GlobusAuth,
    setState(next) {
      state = next;
      tell();
    },
  };
  return out;
}

/** Collections as Transfer describes them: all GCSv5 mapped (they need data_access) unless listed as guest. */
export function fakeCollections(guests: readonly string[] = []): TimersDeps['transfer'] {
  return {
    getCollection: async (id: string) => ({ id, display_name: id, entity_type: guests.includes(id) ? 'GCSv5_guest_collection' : 'GCSv5_mapped_collection' }),
  };
}

export function fakeTimersDeps(auth: FakeTimersAuth, transfer: TimersDeps['transfer'] = fakeCollections()): TimersDeps & { readonly bus: EventBus } {
  const settings = { get: () => defaultSettings('/tmp/ferry-timers-test'), onChanged: () => () => undefined } as unknown as SettingsService;
  return { bus: createEventBus(), auth: auth.auth, transfer, settings, env: {} };
}
