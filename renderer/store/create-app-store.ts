import { createStore, type StoreApi } from 'zustand/vanilla';
import { sliceSetters } from './scoped-set';
import { describeError, isAppErrorShape, RemoteError } from '../../shared/errors';
import type { AppApi, Unsubscribe } from '../../shared/ipc-contract';
import { createAccountSlice } from '../features/account/account-slice';
import { createActivitySlice } from '../features/activity/activity-slice';
import { createCollectionsSlice } from '../features/collections/collections-slice';
import { createConnectorsSlice } from '../features/connectors/connectors-slice';
import { createObjectStoresSlice } from '../features/object-stores/object-stores-slice';
import { createStageSlice } from '../features/stage/stage-slice';
import { createSyncsSlice } from '../features/syncs/syncs-slice';
import { createQueueSlice } from '../features/queue/queue-slice';
import { createTimersSlice } from '../features/timers/timers-slice';
import { createSharingSlice } from '../features/sharing/sharing-slice';
import { createHealthSlice } from '../features/account/health-slice';
import { createHttpsTransfersSlice } from '../features/https-transfers/https-transfers-slice';
import { createAppSlice } from './app-slice';
import { createNavSlice, type Area } from './nav-slice';
import { applyOpenTarget } from './open-target';
import { createSettingsSlice } from './settings-slice';
import { createToastSlice } from './toast-slice';
import type { AppState, Attachable } from './types';
import { withErrorToasts } from './with-error-toasts';

export type AppStore = StoreApi<AppState> & {
  /** Loads what the shell needs and subscribes to host events; returns the cleanup. */
  start(): Unsubscribe;
};

export interface StoreOptions {
  /** The area to open on (from the address); none: the welcome or the signed-in home (navSelectors.view). */
  readonly initialArea?: Area | null;
}

function messageOf(error: unknown): string {
  if (error instanceof RemoteError) return describeError(error);
  if (isAppErrorShape(error)) return describeError(error);
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Builds the one renderer store from slices around an injected AppApi (tests pass a fake). */
export function createAppStore(rawApi: AppApi, options: StoreOptions = {}): AppStore {
  const store = createStore<AppState>()((set, get) => {
    const scoped = sliceSetters(set);
    const api = withErrorToasts(rawApi, (error) => get().toasts.push('error', messageOf(error)));
    return {
      app: createAppSlice(api, scoped('app')),
      nav: createNavSlice(scoped('nav'), options.initialArea ?? null),
      settings: createSettingsSlice(api, scoped('settings')),
      toasts: createToastSlice(scoped('toasts')),
      account: createAccountSlice(api, scoped('account'), get),
      collections: createCollectionsSlice(api, scoped('collections'), get),
      activity: createActivitySlice(api, scoped('activity'), get),
      connectors: createConnectorsSlice(api, scoped('connectors'), get),
      objectStores: createObjectStoresSlice(api, scoped('objectStores'), get),
      stage: createStageSlice(api, scoped('stage'), get),
      syncs: createSyncsSlice(api, scoped('syncs'), get),
      queue: createQueueSlice(api, scoped('queue'), get),
      timers: createTimersSlice(api, scoped('timers'), get),
      sharing: createSharingSlice(api, scoped('sharing'), get),
      health: createHealthSlice(api, scoped('health'), get),
      httpsTransfers: createHttpsTransfersSlice(api, scoped('httpsTransfers'), get),
    };
  });

  return Object.assign(store, {
    start(): Unsubscribe {
      const offs: Unsubscribe[] = [
        rawApi.settings.onChanged((s) => store.getState().settings.received(s)),
        rawApi.app.onOpen((target) => applyOpenTarget(store.getState(), target)),
      ];
      // The app may have been started by a ferry:// link before this page listened.
      void rawApi.app
        .takePendingOpen()
        .then((target) => target && applyOpenTarget(store.getState(), target))
        .catch(() => undefined);
      const state = store.getState();
      void state.app.loadInfo().catch(() => undefined);
      void state.settings.load().catch(() => undefined);
      for (const slice of Object.values(state) as Attachable[]) {
        if (typeof slice.attach === 'function') offs.push(slice.attach());
      }
      return () => offs.forEach((off) => off());
    },
  });
}
