/** Sharing: access rules of the guest collections a person manages. The only public door of this folder. */
export { createSharingCapability, type SharingCapability, type SharingChannel, type SharingDeps } from './handlers';
export { createSharingService, globusDate, type SharingAlert, type SharingService, type SharingServiceDeps } from './sharing-service';
