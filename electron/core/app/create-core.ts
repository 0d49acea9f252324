import { isSafeExternalUrl } from '../../../shared/external-url';
import type { AppInfo, HandlerTable, HostKind } from '../../../shared/ipc-contract';
import { createSettingsService, type SettingsBackend, type SettingsService } from '../settings';
import { AppError } from './errors';
import { createEventBus, type EventBus } from './event-bus';

export interface CoreOptions {
  readonly host: HostKind;
  readonly version: string;
  /** The folder this run uses (settings file, databases). */
  readonly dataDir: string;
  readonly settingsBackend: SettingsBackend;
  readonly secretStorage: AppInfo['secretStorage'];
  /**
   * Opens an already-vetted https URL in the system browser. Returns false when this host
   * cannot (serve mode: the page opens it itself).
   */
  readonly openExternal: (url: string) => Promise<boolean>;
}

export interface Core {
  readonly handlers: HandlerTable;
  readonly bus: EventBus;
  readonly settings: SettingsService;
  dispose(): Promise<void>;
}

/** Wires every core service once; both hosts register `handlers` and forward `bus`. */
export function createCore(options: CoreOptions): Core {
  const bus = createEventBus();
  const settings = createSettingsService(options.settingsBackend, options.dataDir);
  const disposers: (() => void | Promise<void>)[] = [];
  disposers.push(settings.onChanged((s) => bus.emit('settings:changed', s)));

  const info: AppInfo = {
    name: 'Ferry',
    version: options.version,
    host: options.host,
    platform: process.platform,
    dataDir: options.dataDir,
    secretStorage: options.secretStorage,
  };

  const handlers: HandlerTable = {
    'app:get-info': async () => info,
    'settings:get': async () => settings.get(),
    'settings:update': async (patch) => settings.update(patch),
    'settings:reset': async () => settings.reset(),
    'shell:open-external': async (url) => {
      if (!isSafeExternalUrl(url)) {
        throw new AppError('UnsafeUrl', 'Only https links can be opened in the browser.');
      }
      return { opened: await options.openExternal(url) };
    },
  };

  return {
    handlers,
    bus,
    settings,
    async dispose() {
      for (const d of disposers.reverse()) await d();
    },
  };
}
