/**
 * HTTPS transfers: files moved straight between this computer and a collection that allows HTTPS
 * access (its `https_server`, with a token for the collection's own `https` scope), with
 * progress, pause, resume and a list that survives a restart. The only public door of this folder.
 */
export { createHttpsTransfersCapability, type HttpsChannel, type HttpsTransfersCapability, type HttpsTransfersDeps } from './handlers';
export { httpsScope, type HttpsCollection } from './engine';
