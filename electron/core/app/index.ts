/** The composition root of core: one handler table and one event bus for both hosts. */
export { createCore, type Core, type CoreOptions } from './create-core';
export { describeActiveWork, trayStatusText, type ActiveWork } from './active-work';
