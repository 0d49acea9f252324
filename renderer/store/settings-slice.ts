import type { AppApi } from '../../shared/ipc-contract';
import type { Settings, SettingsPatch, Theme } from '../../shared/settings';
import type { SliceSet } from './types';

export interface SettingsSlice {
  readonly data: Settings | null;
  readonly saving: boolean;
  /** Bumps on every change from the host, so open forms can tell they are stale. */
  readonly revision: number;
  load(): Promise<void>;
  /** Saves a change; resolves to false (the toast already says why) when the host refused it. */
  save(patch: SettingsPatch): Promise<boolean>;
  reset(): Promise<void>;
  received(settings: Settings): void;
}

export function createSettingsSlice(api: AppApi, set: SliceSet<'settings'>): SettingsSlice {
  return {
    data: null,
    saving: false,
    revision: 0,
    async load() {
      const data = await api.settings.get();
      set((s) => ({ data, revision: s.revision + 1 }));
    },
    async save(patch) {
      set({ saving: true });
      try {
        const data = await api.settings.update(patch);
        set((s) => ({ data, revision: s.revision + 1 }));
        return true;
      } catch {
        return false;
      } finally {
        set({ saving: false });
      }
    },
    async reset() {
      const data = await api.settings.reset();
      set((s) => ({ data, revision: s.revision + 1 }));
    },
    received(data) {
      set((s) => ({ data, revision: s.revision + 1 }));
    },
  };
}

export const settingsSelectors = {
  data: (s: { settings: SettingsSlice }) => s.settings.data,
  saving: (s: { settings: SettingsSlice }) => s.settings.saving,
  revision: (s: { settings: SettingsSlice }) => s.settings.revision,
  /** The saved theme; null until the settings arrive (the page keeps the theme it was drawn with). */
  theme: (s: { settings: SettingsSlice }): Theme | null => s.settings.data?.theme ?? null,
  actions: (s: { settings: SettingsSlice }) => s.settings,
};
