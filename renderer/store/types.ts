import type { AccountSlice } from '../features/account/account-slice';
import type { ActivitySlice } from '../features/activity/activity-slice';
import type { CollectionsSlice } from '../features/collections/collections-slice';
import type { ConnectorsSlice } from '../features/connectors/connectors-slice';
import type { ObjectStoresSlice } from '../features/object-stores/object-stores-slice';
import type { StageSlice } from '../features/stage/stage-slice';
import type { SyncsSlice } from '../features/syncs/syncs-slice';
import type { QueueSlice } from '../features/queue/queue-slice';
import type { TimersSlice } from '../features/timers/timers-slice';
import type { SharingSlice } from '../features/sharing/sharing-slice';
import type { HealthSlice } from '../features/account/health-slice';
import type { HttpsTransfersSlice } from '../features/https-transfers/https-transfers-slice';
import type { AppSlice } from './app-slice';
import type { NavSlice } from './nav-slice';
import type { SettingsSlice } from './settings-slice';
import type { ToastSlice } from './toast-slice';

/** The whole renderer state: one namespace per slice, so slices cannot overwrite each other's keys. */
export interface AppState {
  readonly app: AppSlice;
  readonly nav: NavSlice;
  readonly settings: SettingsSlice;
  readonly toasts: ToastSlice;
  readonly account: AccountSlice;
  readonly collections: CollectionsSlice;
  readonly activity: ActivitySlice;
  readonly connectors: ConnectorsSlice;
  readonly objectStores: ObjectStoresSlice;
  readonly stage: StageSlice;
  readonly syncs: SyncsSlice;
  readonly queue: QueueSlice;
  readonly timers: TimersSlice;
  readonly sharing: SharingSlice;
  readonly health: HealthSlice;
  readonly httpsTransfers: HttpsTransfersSlice;
}

/** A setter scoped to one slice's namespace. */
export type SliceSet<K extends keyof AppState> = (
  update: Partial<AppState[K]> | ((slice: AppState[K]) => Partial<AppState[K]>),
) => void;
export type SliceGet<K extends keyof AppState> = () => AppState[K];

/** A slice that loads data or listens to host events implements attach; the store calls it on start. */
export interface Attachable {
  attach?(): () => void;
}
