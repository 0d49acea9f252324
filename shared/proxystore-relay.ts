/** ProxyStore's relay server application (proxystore/globus/scopes.py): the audience its tokens carry. */
export const PROXYSTORE_RELAY_RESOURCE_SERVER = 'ebd5bbed-95e2-47cf-9c80-39e2064274bd';
/** The scope a Globus token needs to register with ProxyStore's relay (and with `ferry relay --globus-auth`). */
export const PROXYSTORE_RELAY_SCOPE = `https://auth.globus.org/scopes/${PROXYSTORE_RELAY_RESOURCE_SERVER}/relay_all`;

/** A relay link's error that a consent to the relay's scope fixes (the sign-in has none yet). */
export function needsRelayConsent(relayError: string | null): boolean {
  return relayError !== null && relayError.includes(PROXYSTORE_RELAY_SCOPE) && /no consent|ConsentRequired/i.test(relayError);
}
