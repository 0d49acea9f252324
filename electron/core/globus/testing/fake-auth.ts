import type { AccountState, AccountStatus } from '../../../../shared/account';
import type { GlobusAuth } from '../auth-service';

/** A GlobusAuth stand-in: `set(state)` moves the account and tells listeners, as sign-in would. */
export function fakeAuth(initial: AccountState): { auth: GlobusAuth; set(next: AccountState): void } {
  let state = initial;
  const listeners = new Set<(s: AccountStatus) => void>();
  const status = (): AccountStatus =>
    ({ state, identity: state === 'signed-in' ? { sub: 'me', username: null, name: null, email: null } : null }) as AccountStatus;
  const auth = {
    status,
    onStatus(listener: (s: AccountStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as GlobusAuth;
  return {
    auth,
    set(next) {
      state = next;
      for (const l of [...listeners]) l(status());
    },
  };
}

