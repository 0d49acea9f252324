import { defaultSettings, settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from '../../../shared/settings';

/**
 * Where settings live. Both hosts hand over a `conf` store (electron-store is a subclass),
 * whose `store` property reads and atomically writes the whole JSON file.
 */
export interface SettingsBackend {
  store: Record<string, unknown>;
}

export interface SettingsService {
  get(): Settings;
  update(patch: SettingsPatch): Settings;
  reset(): Settings;
  onChanged(listener: (settings: Settings) => void): () => void;
}

/**
 * Reads settings once, repairs what is unreadable field by field (a hand-edited or
 * half-written file never stops the app from starting), and writes only validated values.
 */
export function createSettingsService(backend: SettingsBackend, defaultDataDir: string): SettingsService {
  const defaults = defaultSettings(defaultDataDir);
  let current = repair(backend.store, defaults);
  const listeners = new Set<(s: Settings) => void>();

  const commit = (next: Settings): Settings => {
    backend.store = { ...next } as Record<string, unknown>;
    current = next;
    for (const l of [...listeners]) l(next);
    return next;
  };

  return {
    get: () => current,
    update(patch) {
      const cleanPatch = settingsPatchSchema.parse(patch);
      return commit(settingsSchema.parse({ ...current, ...cleanPatch }));
    },
    reset: () => commit(defaults),
    onChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function repair(raw: unknown, defaults: Settings): Settings {
  const whole = settingsSchema.safeParse(raw);
  if (whole.success) return whole.data;
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const out: Record<string, unknown> = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof Settings)[]) {
    const field = settingsSchema.shape[key].safeParse(source[key]);
    if (field.success) out[key] = field.data;
  }
  return settingsSchema.parse(out);
}
