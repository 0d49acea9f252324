import { describe, expect, it } from 'vitest';
import { needsRelayConsent, PROXYSTORE_RELAY_SCOPE } from './proxystore-relay';

describe('relay consent', () => {
  it('is offered when the relay link failed for want of the relay scope, not for other failures', () => {
    expect(needsRelayConsent(`no token for the relay: Ferry's Globus sign-in has no consent for ${PROXYSTORE_RELAY_SCOPE}. Grant it (sign in again) and Ferry will use it.`)).toBe(true);
    expect(needsRelayConsent('connection to relay wss://relay.proxystore.dev was lost (code 1006)')).toBe(false);
    expect(needsRelayConsent('ForbiddenError: Token is expired or has been revoked.')).toBe(false);
    expect(needsRelayConsent(null)).toBe(false);
  });
});
