/**
 * Contract slice: the app itself (who is running, on which host) and opening links in the system browser.
 * Channels are named `app:<verb>`; ipc-contract.ts assembles every slice into the one contract.
 */
import { z } from 'zod';
import type { Transport } from '../api-client';
import type { Listener, Unsubscribe } from '../ipc-contract';
import { openTargetSchema, type OpenTarget } from '../deep-links';

export const hostKinds = ['electron', 'serve'] as const;
export type HostKind = (typeof hostKinds)[number];

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly host: HostKind;
  readonly platform: string;
  /** The folder this run reads and writes (settings, databases). */
  readonly dataDir: string;
  /** How secrets are kept at rest on this host. `file-0600` is not encrypted: the UI says so. */
  readonly secretStorage: 'os-keychain' | 'file-0600';
  /**
   * Where Globus calls go when Settings say "production" but the environment overrides it
   * (`GLOBUS_SDK_SERVICE_URL_TRANSFER` / `GLOBUS_SDK_ENVIRONMENT`), else null.
   */
  readonly globusOverride: string | null;
  /** Set when the settings file or data folder had to be repaired at start: what happened, for a banner. */
  readonly settingsNotice: string | null;
  /** What this host does itself; the renderer branches on these, never on `host`. */
  readonly capabilities: HostCapabilities;
  /** What this run takes from its environment and command line, so Settings can say where each value comes from. */
  readonly environmentValues: EnvironmentValues;
}

export interface EnvironmentValues {
  /** FERRY_GLOBUS_CLIENT_ID */
  readonly globusClientId: string | null;
  /** GLOBUS_SDK_SERVICE_URL_AUTH */
  readonly globusAuthUrl: string | null;
  /** GLOBUS_SDK_SERVICE_URL_TRANSFER */
  readonly globusTransferUrl: string | null;
  /** GLOBUS_SDK_ENVIRONMENT */
  readonly globusSdkEnvironment: string | null;
  /** The data folder this run was started with (--data-dir or the platform default). */
  readonly defaultDataDir: string;
  /** The settings file, when the host knows its path. */
  readonly settingsFile?: string;
}

export interface HostCapabilities {
  /**
   * Who shows a desktop notification when a task ends: `host` (Electron's main process) or
   * `page` (the page, with the browser's Notification API once the person allows it).
   */
  readonly taskNotifications: 'host' | 'page';
  /** Who opens the Globus sign-in page: `host` (the system browser) or `page` (a new tab). */
  readonly opensSignInPage: 'host' | 'page';
  /** A few words for the sidebar: where Ferry runs. */
  readonly label: string;
}

const noArgs = z.tuple([]);

export const appInvoke = {
  'app:get-info': { args: noArgs },
  'shell:open-external': { args: z.tuple([z.string().max(4096)]) },
  /** What a ferry:// link, a notification or the tray asked to show before the page listened (taken once). */
  'app:take-pending-open': { args: noArgs },
} as const satisfies Record<string, { readonly args: z.ZodTuple }>;

export interface AppResults {
  'app:get-info': AppInfo;
  'shell:open-external': { readonly opened: boolean };
  'app:take-pending-open': OpenTarget | null;
}

export const appEvents = {
  /** Show this: a ferry:// link was opened, or a notification or the tray was clicked. */
  'app:open': openTargetSchema,
} as const satisfies Record<string, z.ZodType>;

export interface AppInfoApi {
  readonly app: {
    getInfo(): Promise<AppInfo>;
    /** What the host was asked to show before this page listened, or null (taken once). */
    takePendingOpen(): Promise<OpenTarget | null>;
    onOpen(listener: Listener<OpenTarget>): Unsubscribe;
  };
  readonly shell: {
    /** Opens an https URL in the system browser; anything else is refused. */
    openExternal(url: string): Promise<{ readonly opened: boolean }>;
  };
}

export function createAppInfoApi(t: Transport): AppInfoApi {
  return {
    app: {
      getInfo: () => t.invoke('app:get-info', []),
      takePendingOpen: () => t.invoke('app:take-pending-open', []),
      onOpen: (listener) => t.subscribe('app:open', listener),
    },
    shell: { openExternal: (url) => t.invoke('shell:open-external', [url]) },
  };
}
