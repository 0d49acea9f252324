import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../shared/account';
import { createAppStore } from './create-app-store';
import { navSelectors, viewOf } from './nav-slice';
import { createFakeApi } from './testing/fake-api';

function status(state: AccountStatus['state']): AccountStatus {
  return {
    state,
    identity: state === 'signed-in' ? { sub: 'u1', username: 'me@example.org', name: 'Me', email: null } : null,
    accessTokenExpiresAt: null,
    consentedCollections: [],
    secretStorage: 'file-0600',
    loginUrl: null,
    pendingLogin: null,
    message: null,
    refreshTokenWarning: null,
    refreshTokenUsedAt: null,
    environment: 'production',
  };
}

describe('viewOf', () => {
  it('shows the area a person picked, whatever the sign-in state', () => {
    expect(viewOf('settings', 'signed-out')).toBe('settings');
    expect(viewOf('activity', null)).toBe('activity');
  });

  it('with nothing picked: the welcome while signed out, the work once signed in, never Settings', () => {
    expect(viewOf(null, null)).toBeNull();
    expect(viewOf(null, 'signed-out')).toBe('welcome');
    expect(viewOf(null, 'signing-in')).toBe('welcome');
    expect(viewOf(null, 'expired')).toBe('account');
    expect(viewOf(null, 'signed-in')).toBe('collections');
  });
});

describe('the store opened without an area', () => {
  it('leaves the welcome when the account signs in, and keeps an area once picked', async () => {
    const fake = createFakeApi({ account: { getStatus: async () => status('signed-out') } });
    const store = createAppStore(fake.api);
    const stop = store.start();
    expect(navSelectors.view(store.getState())).toBeNull();
    for (let i = 0; i < 20 && store.getState().account.status === null; i++) await Promise.resolve();
    expect(navSelectors.view(store.getState())).toBe('welcome');

    fake.emit('account', 'onStatus', status('signed-in'));
    expect(navSelectors.view(store.getState())).toBe('collections');

    store.getState().nav.go('queue');
    fake.emit('account', 'onStatus', status('signed-out'));
    expect(navSelectors.view(store.getState())).toBe('queue');
    stop();
  });
});
