/** The composition root of core: one handler table and one event bus for both hosts. */
export { createCore, type Core, type CoreOptions } from './create-core';
export { dispatchInvoke, type DispatchResult } from './dispatch';
export { AppError, toAppErrorShape } from './errors';
export type { EventBus, BusListener } from './event-bus';
export { defaultDataDir, findPackageRoot } from './paths';
