import type { AppInfo } from '../../shared/ipc-contract';

/**
 * What this run of Ferry takes from its environment rather than the settings file. The core is to
 * send it as `AppInfo.environmentValues` (asked for in issue 17); until it does, the Globus part
 * is read back from `AppInfo.globusOverride` and the rest is unknown (null).
 */
export interface EnvironmentValues {
  /** FERRY_GLOBUS_CLIENT_ID; undefined: the core did not say. */
  readonly globusClientId: string | null | undefined;
  /** GLOBUS_SDK_SERVICE_URL_AUTH / _TRANSFER. */
  readonly globusAuthUrl: string | null;
  readonly globusTransferUrl: string | null;
  /** GLOBUS_SDK_ENVIRONMENT, e.g. "sandbox". */
  readonly globusSdkEnvironment: string | null;
  /** The data folder Ferry was started with (--data-dir or the platform default); undefined: not said. */
  readonly defaultDataDir: string | undefined;
  /** The settings file this run reads; undefined: not said. */
  readonly settingsFile: string | undefined;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** `AppInfo.globusOverride` as the core words it today: "Transfer at X, Auth at Y (…)" or "the Z environment (…)". */
function fromOverride(override: string | null): Pick<EnvironmentValues, 'globusAuthUrl' | 'globusTransferUrl' | 'globusSdkEnvironment'> {
  const urls = override ? /^Transfer at (\S+), Auth at (\S+) \(/.exec(override) : null;
  const sdk = override ? /^the (.+) environment \(GLOBUS_SDK_ENVIRONMENT\)$/.exec(override) : null;
  return {
    globusTransferUrl: urls?.[1] ?? null,
    globusAuthUrl: urls?.[2] && urls[2] !== 'auth.globus.org' ? urls[2] : null,
    globusSdkEnvironment: sdk?.[1] ?? null,
  };
}

/** The environment values of this run, from whatever the core sent; null before the app info arrives. */
export function environmentOf(info: AppInfo | null): EnvironmentValues | null {
  if (!info) return null;
  const sent: unknown = (info as { readonly environmentValues?: unknown }).environmentValues;
  if (sent && typeof sent === 'object') {
    const v = sent as { readonly [key: string]: unknown };
    return {
      globusClientId: text(v.globusClientId),
      globusAuthUrl: text(v.globusAuthUrl),
      globusTransferUrl: text(v.globusTransferUrl),
      globusSdkEnvironment: text(v.globusSdkEnvironment),
      defaultDataDir: text(v.defaultDataDir) ?? undefined,
      settingsFile: text(v.settingsFile) ?? undefined,
    };
  }
  return { ...fromOverride(info.globusOverride), globusClientId: undefined, defaultDataDir: undefined, settingsFile: undefined };
}

/** Whether a service URL points at this machine (a local emulator, as in `npm run demo`). */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}
