/** Settings: validated, repaired on load, persisted through a conf store. */
export { createSettingsService, SettingsRefusedError, type SettingsBackend, type SettingsService } from './settings-service';
export { dataFolderProblem, openSettingsBackend, recoverSettingsFile } from './settings-file';
export { createSettingsCapability, type SettingsChannel } from './handlers';
