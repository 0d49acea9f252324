/**
 * Test stand-ins for health's ports: the collections in use (the lead wires the real one from
 * syncs, queue, timers and bookmarks), a sign-in with a session, a clock tests move by hand.
 */
import type { AccountState, AccountStatus } from '../../../../shared/account';
import type { GlobusAuth, SessionFacts } from '../../globus';
import type { Clock } from '../../kernel';
import type { CollectionInUse } from '../health-service';

/** A mutable list of collections in use: `set` replaces it, as creating a sync would add one. */
export function fakeCollectionsInUse(initial: readonly CollectionInUse[] = []): {
  collectionsInUse: () => Promise<readonly CollectionInUse[]>;
  set(next: readonly CollectionInUse[]): void;
} {
  let list = [...initial];
  return {
    collectionsInUse: async () => [...list],
    set(next) {
      list = [...next];
    },
  };
}

export interface FakeSessionAuth {
  readonly auth: GlobusAuth;
  /** Changes the state or the session and tells listeners, as a sign-in or consent would. */
  update(next: { state?: AccountState; session?: Partial<SessionFacts> }): void;
}

export function fakeSessionAuth(init: { state?: AccountState; session?: Partial<SessionFacts> } = {}): FakeSessionAuth {
  let state: AccountState = init.state ?? 'signed-in';
  let session: SessionFacts = {
    identityId: 'me',
    signedInAt: 0,
    refreshTokenUsedAt: 0,
    authentications: [],
    consentedCollections: [],
    grantedResourceServers: [],
    ...init.session,
  };
  const listeners = new Set<(s: AccountStatus) => void>();
  const status = (): AccountStatus =>
    ({
      state,
      identity: state === 'signed-in' ? { sub: session.identityId ?? 'me', username: null, name: null, email: null } : null,
      consentedCollections: state === 'signed-in' ? [...session.consentedCollections] : [],
      refreshTokenUsedAt: session.refreshTokenUsedAt,
    }) as unknown as AccountStatus;
  const auth = {
    status,
    session: () => (state === 'signed-in' ? session : null),
    onStatus(listener: (s: AccountStatus) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as GlobusAuth;
  return {
    auth,
    update(next) {
      if (next.state) state = next.state;
      if (next.session) session = { ...session, ...next.session };
      for (const l of [...listeners]) l(status());
    },
  };
}

/** A clock that moves only when told; due timers fire in order of their time. */
export function manualClock(start: number): Clock & { advance(ms: number): void; pending(): number } {
  let now = start;
  let seq = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = ++seq;
      timers.set(id, { at: now + Math.max(0, ms), fn });
      return () => timers.delete(id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = end;
    },
    pending: () => timers.size,
  };
}
