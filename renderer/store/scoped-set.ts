import type { AppState, SliceSet } from './types';

/**
 * Turns the store's `set` into one setter per slice namespace: a slice only ever merges into its
 * own key, so slices cannot overwrite each other. The store and slice tests build slices with it.
 */
export function sliceSetters(set: (fn: (state: AppState) => Partial<AppState>) => void) {
  return <K extends keyof AppState>(key: K): SliceSet<K> =>
    (update) =>
      set((state) => {
        const patch = typeof update === 'function' ? update(state[key]) : update;
        return { [key]: { ...state[key], ...patch } } as unknown as Partial<AppState>;
      });
}
