import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../shared/errors';
import type { AppApi } from '../../shared/ipc-contract';
import { createFakeApi } from './testing/fake-api';
import { defaultSettings, type Settings } from '../../shared/settings';
import { createAppStore } from './create-app-store';
import { settingsSelectors } from './settings-slice';
import { toastSelectors } from './toast-slice';

function fakeApi(overrides: Partial<{ update: AppApi['settings']['update'] }> = {}) {
  let settings: Settings = defaultSettings('/data');
  const fake = createFakeApi({
    app: { getInfo: async () => ({ name: 'Ferry', version: '1', host: 'serve', platform: 'linux', dataDir: '/data', secretStorage: 'file-0600', globusOverride: null, settingsNotice: null, capabilities: { taskNotifications: 'page', opensSignInPage: 'page', label: 'browser host' }, environmentValues: { globusClientId: null, globusAuthUrl: null, globusTransferUrl: null, globusSdkEnvironment: null, defaultDataDir: '/data' } }) },
    settings: {
      get: async () => settings,
      update:
        overrides.update ??
        (async (patch) => {
          settings = { ...settings, ...patch };
          return settings;
        }),
      reset: async () => (settings = defaultSettings('/data')),
    },
  });
  return {
    api: fake.api,
    push: (s: Settings) => fake.emit('settings', 'onChanged', s),
    listenerCount: () => fake.listenerCount('settings', 'onChanged'),
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await Promise.resolve();
  expect(check()).toBe(true);
};

describe('createAppStore', () => {
  it('loads settings on start and follows pushed changes until stopped', async () => {
    const fake = fakeApi();
    const store = createAppStore(fake.api);
    const stop = store.start();
    await until(() => settingsSelectors.data(store.getState()) !== null);
    fake.push({ ...defaultSettings('/data'), theme: 'dark' });
    expect(settingsSelectors.theme(store.getState())).toBe('dark');
    stop();
    expect(fake.listenerCount()).toBe(0);
  });

  it('has no theme until the settings arrive, so the page keeps the one it was drawn with', async () => {
    const store = createAppStore(fakeApi().api);
    expect(settingsSelectors.theme(store.getState())).toBeNull();
    await store.getState().settings.load();
    expect(settingsSelectors.theme(store.getState())).toBe('system');
  });

  it('saves a patch and reports success', async () => {
    const store = createAppStore(fakeApi().api);
    expect(await store.getState().settings.save({ theme: 'light' })).toBe(true);
    expect(settingsSelectors.theme(store.getState())).toBe('light');
  });

  it('shows the message of a rejected call as an error toast', async () => {
    const store = createAppStore(
      fakeApi({
        update: async () => {
          throw new RemoteError({ code: 'InvalidArguments', kind: 'invalid', message: 'dataDir: Data folder must be an absolute path' });
        },
      }).api,
    );
    expect(await store.getState().settings.save({ dataDir: 'x' })).toBe(false);
    const toasts = toastSelectors.items(store.getState());
    expect(toasts).toHaveLength(1);
    expect(toasts[0]).toMatchObject({ kind: 'error', message: expect.stringContaining('Data folder must be an absolute path') });
    expect(store.getState().settings.saving).toBe(false);
  });

  it('keeps slices in their own namespaces', () => {
    const store = createAppStore(fakeApi().api);
    store.getState().toasts.push('info', 'hello');
    store.getState().nav.go('activity');
    expect(store.getState().nav.area).toBe('activity');
    expect(store.getState().toasts.items.map((t) => t.message)).toEqual(['hello']);
    expect(store.getState().settings.data).toBeNull();
  });
});
