import type { ErrorKind } from '../../../shared/errors';
import { dataFolderProblem } from './settings-file';
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
export function createSettingsService(
  backend: SettingsBackend,
  defaultDataDir: string,
  checkDataDir: (dir: string) => string | null = dataFolderProblem,
): SettingsService {
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
      // A data folder Ferry cannot use would stop the next start: refuse it now.
      if (cleanPatch.dataDir !== undefined && cleanPatch.dataDir !== current.dataDir) {
        const problem = checkDataDir(cleanPatch.dataDir);
        if (problem) throw new SettingsRefusedError('DataFolderUnusable', `dataDir: ${problem}; choose another folder.`);
      }
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

/** A settings value that is well-formed but cannot work on this machine. */
export class SettingsRefusedError extends Error {
  readonly kind: ErrorKind = 'refused';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'SettingsRefusedError';
    this.code = code;
  }
}
