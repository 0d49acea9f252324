import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../shared/ipc-contract';
import { defaultSettings, type Settings } from '../../shared/settings';
import { effectiveSettings, inUseSentence } from './effective-settings';

const CLIENT = '11111111-2222-4333-8444-555555555555';
const OTHER = '99999999-2222-4333-8444-555555555555';

function info(patch: Partial<AppInfo> & { environmentValues?: unknown } = {}): AppInfo {
  return {
    name: 'Ferry',
    version: '0.1.0',
    host: 'serve',
    platform: 'linux',
    dataDir: '/data',
    secretStorage: 'file-0600',
    globusOverride: null,
    settingsNotice: null,
    capabilities: { taskNotifications: 'page', opensSignInPage: 'page', label: 'browser' },
    ...patch,
  } as AppInfo;
}

const demoEnv = {
  globusClientId: CLIENT,
  globusAuthUrl: 'http://127.0.0.1:4100',
  globusTransferUrl: 'http://127.0.0.1:4100',
  globusSdkEnvironment: null,
  defaultDataDir: '/data',
  settingsFile: '/data/settings.json',
};
const saved = (patch: Partial<Settings> = {}): Settings => ({ ...defaultSettings('/data'), ...patch });

describe('effectiveSettings: the demo (emulator and client id from the environment)', () => {
  it('says the Globus in use and the client id come from the environment and what they override', () => {
    const e = effectiveSettings(saved(), info({ environmentValues: demoEnv }));
    expect(inUseSentence(e.globus)).toBe('In use: Transfer at http://127.0.0.1:4100, Auth at http://127.0.0.1:4100 — from the environment (GLOBUS_SDK_SERVICE_URL_*). It overrides “Production” below.');
    expect(e.globus.local).toBe(true);
    expect(e.clientId).toEqual({ value: CLIENT, source: 'environment', variable: 'FERRY_GLOBUS_CLIENT_ID', overrides: null });
    expect(e.dataDir?.source).toBe('default');
  });

  it('lets the settings file win, and says what it overrides', () => {
    const file = saved({ globusClientId: OTHER, dataDir: '/elsewhere', globus: { kind: 'custom', authUrl: 'https://auth.example.org', transferUrl: 'https://transfer.example.org' } });
    const e = effectiveSettings(file, info({ environmentValues: demoEnv }));
    expect(inUseSentence(e.globus)).toBe(
      'In use: Transfer at https://transfer.example.org, Auth at https://auth.example.org — from the settings file. It overrides GLOBUS_SDK_SERVICE_URL_* from the environment.',
    );
    expect(e.globus.local).toBe(false);
    expect(inUseSentence(e.clientId!)).toBe(`In use: ${OTHER} — from the settings file. It overrides FERRY_GLOBUS_CLIENT_ID from the environment.`);
    expect(e.dataDir?.source).toBe('file');
  });
});

describe('effectiveSettings: plain production', () => {
  it('is globus.org by default, with no client id yet', () => {
    const e = effectiveSettings(saved(), info({ environmentValues: { ...demoEnv, globusClientId: null, globusAuthUrl: null, globusTransferUrl: null } }));
    expect(inUseSentence(e.globus)).toBe('In use: globus.org — the default.');
    expect(e.clientId).toEqual({ value: '', source: 'default', variable: null, overrides: null });
  });

  it('names GLOBUS_SDK_ENVIRONMENT when that picks the Globus', () => {
    const e = effectiveSettings(saved(), info({ environmentValues: { ...demoEnv, globusAuthUrl: null, globusTransferUrl: null, globusSdkEnvironment: 'sandbox' } }));
    expect(inUseSentence(e.globus)).toBe('In use: the sandbox environment of Globus — from the environment (GLOBUS_SDK_ENVIRONMENT). It overrides “Production” below.');
  });
});

describe('effectiveSettings: a core that does not send environmentValues yet', () => {
  it('reads the Globus in use from globusOverride and leaves the client id and data folder unknown', () => {
    const override = 'Transfer at http://127.0.0.1:4100, Auth at http://127.0.0.1:4100 (GLOBUS_SDK_SERVICE_URL_*)';
    const e = effectiveSettings(saved(), info({ globusOverride: override }));
    expect(e.globus).toMatchObject({ source: 'environment', variable: 'GLOBUS_SDK_SERVICE_URL_*', transferUrl: 'http://127.0.0.1:4100', local: true });
    expect(e.clientId).toBeNull();
    expect(e.dataDir).toBeNull();
  });

  it('reads a GLOBUS_SDK_ENVIRONMENT override too, and nothing from no override', () => {
    expect(effectiveSettings(saved(), info({ globusOverride: 'the sandbox environment (GLOBUS_SDK_ENVIRONMENT)' })).globus.value).toBe('the sandbox environment of Globus');
    expect(effectiveSettings(saved(), info()).globus.source).toBe('default');
    expect(effectiveSettings(saved(), null).globus.source).toBe('default');
  });

  it('keeps a client id from the file as from the file', () => {
    expect(effectiveSettings(saved({ globusClientId: OTHER }), info()).clientId).toEqual({ value: OTHER, source: 'file', variable: null, overrides: null });
  });
});
