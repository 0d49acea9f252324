/**
 * Transfer queue (the librarian model): a persistent send queue, a dispatcher that sends batches
 * of up to N files with at most M Globus tasks active, and hypervisors that reconcile tasks
 * gone wrong. The only public door of this folder.
 */
export { openTransferQueue, TransferQueue, type QueueListener, type SubmittedListener, type TransferQueueInit } from './transfer-queue';
export { createQueueStore, QueueStore, InvalidQueueItemError } from './queue-store';
export { classifySubmitError, type SubmitErrorKind } from './errors';
export * from './types';
export { createQueueCapability, type QueueCapability, type QueueCapabilityOptions, type QueueChannel, type QueueDeps } from './handlers';
