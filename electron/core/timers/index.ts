/**
 * Globus Timers: transfers Globus starts on a schedule, listed, created, edited, paused, resumed,
 * deleted and repaired through the person's sign-in. The only public door of this folder.
 */
export { createTimersCapability, type TimersCapability, type TimersCapabilityOptions, type TimersChannel, type TimersDeps } from './handlers';
export { createTimersClient, type TimersClientOptions } from './timers-client';
export { TIMERS_SCOPE, TIMERS_RESOURCE_SERVER, type TimersPort, type TransferTimerDocument } from './timers-port';
export { createTimersWatchSource, watchItemOf, type TimerWatchItem, type TimersWatchSource } from './watch-source';
