import type { AppApi, AppInfo } from '../../shared/ipc-contract';
import type { SliceSet } from './types';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface AppSlice {
  readonly info: AppInfo | null;
  readonly connection: ConnectionState;
  loadInfo(): Promise<void>;
  setConnection(state: ConnectionState): void;
}

export function createAppSlice(api: AppApi, set: SliceSet<'app'>): AppSlice {
  return {
    info: null,
    connection: 'open',
    async loadInfo() {
      set({ info: await api.app.getInfo() });
    },
    setConnection: (connection) => set({ connection }),
  };
}

export const appSelectors = {
  info: (s: { app: AppSlice }) => s.app.info,
  /** What Ferry repaired in the settings file or data folder at start, if anything. */
  settingsNotice: (s: { app: AppSlice }) => s.app.info?.settingsNotice ?? null,
  connection: (s: { app: AppSlice }) => s.app.connection,
};
