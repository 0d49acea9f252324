import type { HandlerTable, InvokeChannel } from '../../../shared/ipc-contract';

/**
 * A capability plugged into core: its slice of the handler table (the channels its contract
 * slice declares) and its cleanup. Each capability folder builds one in its `handlers.ts`;
 * `core/app` only composes them.
 */
export interface Capability<C extends InvokeChannel> {
  readonly handlers: Pick<HandlerTable, C>;
  dispose?(): Promise<void> | void;
}
