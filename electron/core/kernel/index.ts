/**
 * The kernel every capability and both hosts build on: one validated entry (dispatchInvoke), one
 * error model (AppError -> AppErrorShape with a kind), one event bus, one clock, the
 * Capability shape. It imports no capability.
 */
export { dispatchInvoke, type DispatchResult } from './dispatch';
export { AppError, formatZodIssues, toAppErrorShape, zodIssueDetails, type InternalErrorLog } from './errors';
export { createEventBus, InvalidEventError, type BusListener, type EventBus, type EventBusOptions } from './event-bus';
export { sleep, systemClock, type Clock } from './clock';
export type { Capability } from './capability';
export { answerInvoke, parseInvokeEnvelope, parseInvokeText, type ParsedEnvelope } from './envelope';
export { defaultDataDir, findPackageRoot } from './paths';
