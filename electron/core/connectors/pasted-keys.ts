/**
 * Keys a person pastes from Python for objects Ferry did not put (so it has no record of them):
 * the MultiKey ProxyStore printed, or a bare connector key when exactly one connector of its type
 * is configured. Parsed, never evaluated (shared/proxystore-keys.ts).
 */
import { assertNever } from '../../../shared/assert-never';
import { connectorKeyFromProxystore, InvalidKeyError, type ConnectorKey, type MultiKey } from './keys';
import { connectorTypeOf } from './multi-config';
import type { MultiConnector } from './multi-connector';

/** A file name for the object a key names, for "Get to file" with no destination. */
export function keyFileName(key: ConnectorKey): string {
  switch (key.kind) {
    case 'file':
    case 'globus':
      return key.filename;
    case 'local':
      return key.id;
    case 'endpoint':
      return key.objectId;
    case 'multi':
      return keyFileName(key.connectorKey);
    case 'opaque':
      return 'object';
    default:
      return assertNever(key, 'connector key');
  }
}

export function resolvePastedKey(multi: MultiConnector, text: string): MultiKey {
  const key = connectorKeyFromProxystore(text);
  if (key.kind === 'multi') return key;
  if (key.kind === 'opaque') throw new InvalidKeyError('Paste the key as ProxyStore prints it, e.g. MultiKey(connector_name=…, connector_key=…).');
  const names = multi.names.filter((n) => {
    const c = multi.connector(n);
    return c !== undefined && connectorTypeOf(c.connectorPath) === key.kind;
  });
  if (names.length === 1) return { kind: 'multi', connectorName: names[0]!, connectorKey: key };
  throw new InvalidKeyError(
    names.length === 0
      ? `No connector in this configuration holds ${key.kind} keys; paste the MultiKey ProxyStore printed, or add the connector it names.`
      : `${names.length} connectors (${names.join(', ')}) hold ${key.kind} keys; paste the whole MultiKey so Ferry knows which one.`,
  );
}
