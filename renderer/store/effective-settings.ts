/**
 * Which value of each setting Ferry really uses, and where it comes from: the environment Ferry was
 * started with, the settings file, or the default; and what it overrides. Pure functions of the
 * saved settings and the app info, so Settings can say "In use: … from the environment".
 */
import type { AppInfo } from '../../shared/ipc-contract';
import type { Settings } from '../../shared/settings';
import { environmentOf, isLocalUrl } from './environment';

export type ValueSource = 'environment' | 'file' | 'default';

export interface EffectiveValue {
  /** What is in use, in words ("" when nothing is). */
  readonly value: string;
  readonly source: ValueSource;
  /** The environment variable(s) it comes from, when `source` is `environment`. */
  readonly variable: string | null;
  /** What it overrides, in words, or null. */
  readonly overrides: string | null;
}

export interface EffectiveGlobus extends EffectiveValue {
  /** The Transfer service URL in use, or null for globus.org. */
  readonly transferUrl: string | null;
  /** True when the Globus in use runs on this machine (a local emulator). */
  readonly local: boolean;
}

export interface EffectiveSettings {
  readonly globus: EffectiveGlobus;
  /** null when the core did not say what its environment sets (older core). */
  readonly clientId: EffectiveValue | null;
  /** null when the core did not say which folder is the default. */
  readonly dataDir: EffectiveValue | null;
}

const SERVICE_URL_VARS = 'GLOBUS_SDK_SERVICE_URL_*';

/** The Globus service this run talks to, given the saved settings (the file) and the app info. */
export function effectiveGlobus(saved: Settings['globus'], info: AppInfo | null): EffectiveGlobus {
  const env = environmentOf(info);
  const envUrl = env?.globusTransferUrl ?? null;
  const envSdk = env?.globusSdkEnvironment ?? null;
  const envWords = envUrl ? SERVICE_URL_VARS : envSdk ? 'GLOBUS_SDK_ENVIRONMENT' : null;
  if (saved.kind === 'custom') {
    return {
      value: `Transfer at ${saved.transferUrl}, Auth at ${saved.authUrl}`,
      source: 'file',
      variable: null,
      overrides: envWords ? `${envWords} from the environment` : null,
      transferUrl: saved.transferUrl,
      local: isLocalUrl(saved.transferUrl),
    };
  }
  if (envUrl) {
    const auth = env?.globusAuthUrl ?? 'auth.globus.org';
    return { value: `Transfer at ${envUrl}, Auth at ${auth}`, source: 'environment', variable: SERVICE_URL_VARS, overrides: '“Production” below', transferUrl: envUrl, local: isLocalUrl(envUrl) };
  }
  if (envSdk) {
    return { value: `the ${envSdk} environment of Globus`, source: 'environment', variable: 'GLOBUS_SDK_ENVIRONMENT', overrides: '“Production” below', transferUrl: null, local: false };
  }
  return { value: 'globus.org', source: 'default', variable: null, overrides: null, transferUrl: null, local: false };
}

/** Where each effective value of the saved settings comes from. */
export function effectiveSettings(saved: Settings, info: AppInfo | null): EffectiveSettings {
  const env = environmentOf(info);
  const fileId = saved.globusClientId.trim();
  let clientId: EffectiveValue | null = null;
  if (fileId !== '') {
    const envId = env?.globusClientId ?? null;
    clientId = { value: fileId, source: 'file', variable: null, overrides: envId && envId !== fileId ? 'FERRY_GLOBUS_CLIENT_ID from the environment' : null };
  } else if (env && env.globusClientId !== undefined) {
    clientId = env.globusClientId
      ? { value: env.globusClientId, source: 'environment', variable: 'FERRY_GLOBUS_CLIENT_ID', overrides: null }
      : { value: '', source: 'default', variable: null, overrides: null };
  }
  const defaultDir = env?.defaultDataDir;
  const dataDir: EffectiveValue | null =
    defaultDir === undefined ? null : { value: info?.dataDir ?? saved.dataDir, source: saved.dataDir === defaultDir ? 'default' : 'file', variable: null, overrides: null };
  return { globus: effectiveGlobus(saved.globus, info), clientId, dataDir };
}

/** "from the environment (X)", "from the settings file", "the default". */
export function sourceWords(v: Pick<EffectiveValue, 'source' | 'variable'>): string {
  switch (v.source) {
    case 'environment':
      return v.variable ? `from the environment (${v.variable})` : 'from the environment';
    case 'file':
      return 'from the settings file';
    case 'default':
      return 'the default';
  }
}

/** One sentence for a value in use: "In use: X — from the environment (Y). It overrides Z." */
export function inUseSentence(v: EffectiveValue): string {
  return `In use: ${v.value} — ${sourceWords(v)}.${v.overrides ? ` It overrides ${v.overrides}.` : ''}`;
}
