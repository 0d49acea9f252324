/**
 * Connector keys: plain JSON objects (they cross to the UI) with a `kind` discriminator.
 * They mirror ProxyStore's key NamedTuples: FileKey(filename), LocalKey(id),
 * GlobusKey(filename, task_id), MultiKey(connector_name, connector_key).
 */
import { assertNever } from '../../../shared/assert-never';
import { parseProxystoreKey, ProxystoreKeyParseError, proxystoreKeyRepr } from '../../../shared/proxystore-keys';
import type { ErrorKind } from '../../../shared/errors';

export interface FileKey {
  readonly kind: 'file';
  readonly filename: string;
}

export interface LocalKey {
  readonly kind: 'local';
  readonly id: string;
}

export interface GlobusKey {
  readonly kind: 'globus';
  readonly filename: string;
  /** Globus task ids of the transfers that copy the object to the other endpoints. */
  readonly taskIds: readonly string[];
}

export interface MultiKey {
  readonly kind: 'multi';
  readonly connectorName: string;
  readonly connectorKey: ConnectorKey;
}

/** ProxyStore's EndpointKey(object_id, endpoint_id): the object lives on that endpoint. */
export interface EndpointKey {
  readonly kind: 'endpoint';
  readonly objectId: string;
  readonly endpointId: string | null;
}

/** A key of a connector type Ferry knows only by name (kept opaque). */
export interface OpaqueKey {
  readonly kind: 'opaque';
  readonly connectorPath: string;
  readonly value: string;
}

export type ConnectorKey = FileKey | LocalKey | GlobusKey | EndpointKey | MultiKey | OpaqueKey;
export type ConnectorKeyKind = ConnectorKey['kind'];

/** Key equality as ProxyStore defines it: GlobusKeys are equal by filename only. */
export function keysEqual(a: ConnectorKey, b: ConnectorKey): boolean {
  switch (a.kind) {
    case 'file':
      return b.kind === 'file' && a.filename === b.filename;
    case 'local':
      return b.kind === 'local' && a.id === b.id;
    case 'globus':
      return b.kind === 'globus' && a.filename === b.filename;
    case 'endpoint':
      return b.kind === 'endpoint' && a.objectId === b.objectId && a.endpointId === b.endpointId;
    case 'multi':
      return b.kind === 'multi' && a.connectorName === b.connectorName && keysEqual(a.connectorKey, b.connectorKey);
    case 'opaque':
      return b.kind === 'opaque' && a.connectorPath === b.connectorPath && a.value === b.value;
    default:
      return assertNever(a, 'connector key');
  }
}

export class InvalidKeyError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyError';
  }
}

/** An object's file name must be one path segment: keys come from outside (the UI). */
export function assertSafeFilename(filename: unknown): asserts filename is string {
  if (
    typeof filename !== 'string' ||
    filename.length === 0 ||
    filename.length > 255 ||
    filename === '.' ||
    filename === '..' ||
    /[/\\\0]/.test(filename)
  ) {
    throw new InvalidKeyError(`Invalid object file name ${JSON.stringify(filename)}: it must be a single path segment`);
  }
}

/** Checks the shape of a key received from outside and returns it typed. */
export function parseConnectorKey(value: unknown): ConnectorKey {
  const fail = (why: string): never => {
    throw new InvalidKeyError(`Invalid connector key: ${why}`);
  };
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const v = value as Record<string, unknown>;
  switch (v.kind) {
    case 'file':
      assertSafeFilename(v.filename);
      return { kind: 'file', filename: v.filename };
    case 'local':
      if (typeof v.id !== 'string' || v.id === '') return fail('local key needs an id');
      return { kind: 'local', id: v.id };
    case 'globus': {
      assertSafeFilename(v.filename);
      const ids = v.taskIds;
      if (!Array.isArray(ids) || !ids.every((t) => typeof t === 'string')) return fail('globus key needs taskIds');
      return { kind: 'globus', filename: v.filename, taskIds: [...(ids as string[])] };
    }
    case 'endpoint':
      if (typeof v.objectId !== 'string' || v.objectId === '') return fail('endpoint key needs an objectId');
      if (v.endpointId !== null && typeof v.endpointId !== 'string') return fail('endpoint key needs an endpointId (or null)');
      return { kind: 'endpoint', objectId: v.objectId, endpointId: v.endpointId };
    case 'multi':
      if (typeof v.connectorName !== 'string') return fail('multi key needs connectorName');
      return { kind: 'multi', connectorName: v.connectorName, connectorKey: parseConnectorKey(v.connectorKey) };
    case 'opaque':
      if (typeof v.connectorPath !== 'string' || typeof v.value !== 'string') return fail('opaque key needs connectorPath and value');
      return { kind: 'opaque', connectorPath: v.connectorPath, value: v.value };
    default:
      return fail(`unknown kind ${JSON.stringify(v.kind)}`);
  }
}

/** Narrows a key to the kind a connector expects, with a clear error otherwise. */
export function expectKey<K extends ConnectorKeyKind>(key: ConnectorKey, kind: K, connector: string): Extract<ConnectorKey, { kind: K }> {
  if (key.kind !== kind) {
    throw new InvalidKeyError(`${connector} cannot use a ${key.kind} key (expected a ${kind} key)`);
  }
  return key as Extract<ConnectorKey, { kind: K }>;
}

/** The key as ProxyStore prints it (`MultiKey(connector_name='globus', connector_key=GlobusKey(…))`); null for an opaque key. */
export function connectorKeyToProxystore(key: ConnectorKey): string | null {
  return proxystoreKeyRepr(key);
}

/**
 * A key pasted from Python (its repr, or Ferry's JSON form), checked as any key from outside is
 * (file names one path segment). Refuses with InvalidKeyError; nothing is evaluated.
 */
export function connectorKeyFromProxystore(text: string): ConnectorKey {
  let parsed: unknown;
  try {
    parsed = parseProxystoreKey(text);
  } catch (error) {
    if (error instanceof ProxystoreKeyParseError) throw new InvalidKeyError(error.message);
    throw error;
  }
  return parseConnectorKey(parsed);
}
