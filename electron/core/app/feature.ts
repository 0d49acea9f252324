import type { HandlerTable, InvokeChannel } from '../../../shared/ipc-contract';
import type { ActivityService } from '../activity';
import type { GlobusAuth, TransferService } from '../globus';
import type { SettingsService } from '../settings';
import type { EventBus } from './event-bus';

/** What every feature gets from the composition root. */
export interface FeatureDeps {
  /** Where this run keeps databases and state (the data-folder setting at start). */
  readonly stateDir: string;
  readonly bus: EventBus;
  readonly settings: SettingsService;
  readonly auth: GlobusAuth;
  readonly transfer: TransferService;
  readonly activity: ActivityService;
  readonly env: NodeJS.ProcessEnv;
}

/** A capability plugged into core: its slice of the handler table and its cleanup. */
export interface Feature<C extends InvokeChannel> {
  readonly handlers: Pick<HandlerTable, C>;
  dispose(): Promise<void> | void;
}
