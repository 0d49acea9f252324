/** Consent and session health of the collections Ferry uses. The only public door of this folder. */
export { createHealthCapability, type HealthCapability, type HealthChannel, type HealthDeps } from './handlers';
export { createHealthService, type CollectionInUse, type HealthAlert, type HealthService, type HealthServiceDeps } from './health-service';
export { evaluateHealth, needsDataAccess, sessionAuthTime, type CollectionFacts, type ConsentProbe, type HealthInput } from './health-checks';
export { DAY, HOUR, isoOrNull, MINUTE, nextCheckDelay, parseExpiry, refreshTokenFailsAt, sessionFailsAt, statusAt } from './health-dates';
export { followNewCollections } from './in-use';
