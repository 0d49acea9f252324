import type { SliceSet } from './types';

/** One area per feature folder (renderer/features/<area>), in sidebar order. */
export const areas = ['account', 'collections', 'object-stores', 'connectors', 'stage', 'syncs', 'queue', 'activity', 'settings'] as const;
export type Area = (typeof areas)[number];

export function isArea(value: unknown): value is Area {
  return typeof value === 'string' && (areas as readonly string[]).includes(value);
}

export interface NavSlice {
  readonly area: Area;
  go(area: Area): void;
}

export function createNavSlice(set: SliceSet<'nav'>, initial: Area): NavSlice {
  return { area: initial, go: (area) => set({ area }) };
}

export const navSelectors = {
  area: (s: { nav: NavSlice }) => s.nav.area,
  go: (s: { nav: NavSlice }) => s.nav.go,
};
