/**
 * Contract slice: reading and saving Settings (validated on both sides).
 * Channels are named `settings:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { settingsPatchSchema, settingsSchema, type Settings, type SettingsPatch } from '../settings';

const noArgs = z.tuple([]);

export const settingsInvoke = {
  'settings:get': { args: noArgs },
  'settings:update': { args: z.tuple([settingsPatchSchema]) },
  'settings:reset': { args: noArgs },
} as const satisfies Record<`settings:${string}`, { readonly args: z.ZodTuple }>;

export interface SettingsResults {
  'settings:get': Settings;
  'settings:update': Settings;
  'settings:reset': Settings;
}

export const settingsEvents = {
  'settings:changed': settingsSchema,
} as const satisfies Record<`settings:${string}`, z.ZodType>;

export interface SettingsApi {
  get(): Promise<Settings>;
  update(patch: SettingsPatch): Promise<Settings>;
  reset(): Promise<Settings>;
  onChanged(listener: Listener<Settings>): Unsubscribe;
}

export function createSettingsApi(t: Transport): SettingsApi {
  return {
    get: () => t.invoke('settings:get', []),
    update: (patch) => t.invoke('settings:update', [patch]),
    reset: () => t.invoke('settings:reset', []),
    onChanged: (listener) => t.subscribe('settings:changed', listener),
  };
}
