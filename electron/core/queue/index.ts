/**
 * Transfer queue (the librarian model): a persistent send queue, a dispatcher that sends batches
 * of up to N files with at most M Globus tasks active, and hypervisors that reconcile tasks
 * gone wrong. The only public door of this folder.
 */
export { openTransferQueue, TransferQueue, type QueueListener, type SubmittedListener, type TransferQueueInit } from './transfer-queue';
export { createQueueStore, QueueStore, InvalidQueueItemError } from './queue-store';
export { classifySubmitError, type SubmitErrorKind } from './errors';
export { createManualClock, systemClock, type ManualClock, type QueueClock } from './clock';
export * from './types';
/** Test support: a fake Globus Transfer service that simulates what the queue has to survive. */
export { FakeTransferService, type FakeStats, type FakeTransferOptions } from './testing/fake-transfer-service';
export { createQueueCapability, type QueueCapability, type QueueCapabilityOptions, type QueueChannel, type QueueDeps, type QueuePort } from './handlers';
