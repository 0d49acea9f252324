import type { AccountState } from '../../shared/account';
import type { SliceSet } from './types';

/** One area per feature folder (renderer/features/<area>), in sidebar order. */
export const areas = ['account', 'collections', 'object-stores', 'connectors', 'stage', 'syncs', 'timers', 'queue', 'sharing', 'activity', 'settings'] as const;
export type Area = (typeof areas)[number];

/** Where a signed-in person starts when they have not picked an area: where the work is. */
export const signedInHome: Area = 'collections';

/** What the main pane shows: an area, or the first-run welcome. */
export type View = Area | 'welcome';

export function isArea(value: unknown): value is Area {
  return typeof value === 'string' && (areas as readonly string[]).includes(value);
}

export interface NavSlice {
  /** The area the person picked (sidebar, link, address); null until they pick one. */
  readonly area: Area | null;
  go(area: Area): void;
}

export function createNavSlice(set: SliceSet<'nav'>, initial: Area | null): NavSlice {
  return { area: initial, go: (area) => set({ area }) };
}

/**
 * The view for a picked area and the Globus sign-in state. With no area picked: the welcome while
 * signed out (or signing in), the Account page when the session ended, the signed-in home once signed
 * in; null while the sign-in state is not known yet.
 */
export function viewOf(picked: Area | null, account: AccountState | null): View | null {
  if (picked !== null) return picked;
  switch (account) {
    case null:
      return null;
    case 'signed-out':
    case 'signing-in':
      return 'welcome';
    case 'expired':
      return 'account';
    case 'signed-in':
      return signedInHome;
  }
}

type NavState = { nav: NavSlice; account: { status: { state: AccountState } | null } };

export const navSelectors = {
  /** The area picked, or null (see `view`). */
  area: (s: { nav: NavSlice }) => s.nav.area,
  view: (s: NavState) => viewOf(s.nav.area, s.account.status?.state ?? null),
  go: (s: { nav: NavSlice }) => s.nav.go,
};
