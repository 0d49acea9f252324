/**
 * Test support: a real core on a data folder of the test's, with settings in memory, host
 * stand-ins that record what they were asked, and the capabilities of the host it plays.
 */
import type { HostKind } from '../../../../shared/ipc-contract';
import { plainFileCipher } from '../../globus';
import { createCore, type Core, type CoreOptions } from '../create-core';

export interface TestCore {
  readonly core: Core;
  /** URLs the host was asked to open in the system browser. */
  readonly opened: string[];
  /** What the settings store holds now (what a settings file would). */
  savedSettings(): Record<string, unknown>;
}

/** `settings`: what the settings store holds at start (e.g. a custom Globus environment). */
export function createTestCore(dataDir: string, host: HostKind = 'serve', overrides: Partial<CoreOptions> = {}, settings: Record<string, unknown> = {}): TestCore {
  let store: Record<string, unknown> = settings;
  const opened: string[] = [];
  const core = createCore({
    host,
    version: '0.0.0-test',
    dataDir,
    secretCipher: plainFileCipher(),
    openSignInPage: async () => undefined,
    openExternal: async (url) => {
      opened.push(url);
      return true;
    },
    settingsBackend: {
      get store() {
        return store;
      },
      set store(v) {
        store = v;
      },
    },
    capabilities:
      host === 'electron'
        ? { taskNotifications: 'host', opensSignInPage: 'host', label: 'desktop' }
        : { taskNotifications: 'page', opensSignInPage: 'page', label: 'browser host' },
    ...overrides,
  });
  return { core, opened, savedSettings: () => store };
}
