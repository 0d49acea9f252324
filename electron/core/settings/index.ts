/** Settings: validated, repaired on load, persisted through a conf store. */
export { createSettingsService, type SettingsBackend, type SettingsService } from './settings-service';
