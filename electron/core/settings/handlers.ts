import type { settingsInvoke } from '../../../shared/contract/settings';
import type { Capability } from '../kernel';
import type { SettingsService } from './settings-service';

export type SettingsChannel = keyof typeof settingsInvoke;

/** The `settings:*` channels: read, validate and save, reset. */
export function createSettingsCapability(deps: { readonly settings: SettingsService }): Capability<SettingsChannel> {
  const { settings } = deps;
  return {
    handlers: {
      'settings:get': async () => settings.get(),
      'settings:update': async (patch) => settings.update(patch),
      'settings:reset': async () => settings.reset(),
    },
  };
}
