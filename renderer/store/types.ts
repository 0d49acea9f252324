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
}

/** A setter scoped to one slice's namespace. */
export type SliceSet<K extends keyof AppState> = (
  update: Partial<AppState[K]> | ((slice: AppState[K]) => Partial<AppState[K]>),
) => void;
export type SliceGet<K extends keyof AppState> = () => AppState[K];
