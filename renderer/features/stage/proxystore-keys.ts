/**
 * Stage's keys in ProxyStore's own form: the whole key as Python prints it (what a person copies
 * to Python), and a pasted ProxyStore key matched to a key Ferry holds.
 */
import type { StoredKey } from '../../../shared/contract/connectors';
import { parseProxystoreKey, ProxystoreKeyParseError, proxystoreKeyRepr, type ProxystoreKeyJson } from '../../../shared/proxystore-keys';

/** The key as ProxyStore prints it, or Ferry's JSON when it has no ProxyStore form. */
export function keyText(key: unknown): string {
  return proxystoreKeyRepr(key) ?? JSON.stringify(key);
}

/** What identifies an object, as ProxyStore compares keys (a GlobusKey by file name only). */
function identity(key: ProxystoreKeyJson): string {
  switch (key.kind) {
    case 'multi':
      return `multi:${key.connectorName}:${identity(key.connectorKey)}`;
    case 'globus':
      return `globus:${key.filename}`;
    default:
      return proxystoreKeyRepr(key) ?? '';
  }
}

export type PastedKeyMatch =
  | { readonly ok: true; readonly key: ProxystoreKeyJson; readonly stored: StoredKey | null }
  | { readonly ok: false; readonly error: string };

/** Reads a pasted key and finds the key Ferry holds for the same object, if any. */
export function matchPastedKey(text: string, keys: readonly StoredKey[]): PastedKeyMatch {
  let key: ProxystoreKeyJson;
  try {
    key = parseProxystoreKey(text);
  } catch (error) {
    if (error instanceof ProxystoreKeyParseError) return { ok: false, error: error.message };
    throw error;
  }
  const wanted = identity(key);
  const stored =
    keys.find((k) => {
      try {
        return identity(parseProxystoreKey(JSON.stringify(k.key))) === wanted;
      } catch {
        return false;
      }
    }) ?? null;
  return { ok: true, key, stored };
}

/** Copies the key text (the app's one clipboard helper). */
export { copyText as copyKeyText } from '../../app/copy-text';
