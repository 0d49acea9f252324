import { describe, expect, it } from 'vitest';
import { pythonStrRepr } from '../../../shared/proxystore-keys';
import { connectorKeyFromProxystore, connectorKeyToProxystore, InvalidKeyError, type ConnectorKey } from './keys';

const TASK = '6a1e3b1c-8d2f-11ee-b9d1-0242ac120002';
const globus: ConnectorKey = {
  kind: 'multi',
  connectorName: 'globus',
  connectorKey: { kind: 'globus', filename: '0c4f1b7e-2b1d-4e43-9a3e-5b1f3c9d8e21', taskIds: [TASK] },
};

describe('keys in ProxyStore’s own form', () => {
  it('prints keys as ProxyStore’s NamedTuple repr', () => {
    expect(connectorKeyToProxystore(globus)).toBe(
      `MultiKey(connector_name='globus', connector_key=GlobusKey(filename='0c4f1b7e-2b1d-4e43-9a3e-5b1f3c9d8e21', task_id=('${TASK}',)))`,
    );
    expect(connectorKeyToProxystore({ kind: 'globus', filename: 'f', taskIds: ['a', 'b'] })).toBe("GlobusKey(filename='f', task_id=('a', 'b'))");
    expect(connectorKeyToProxystore({ kind: 'file', filename: 'x' })).toBe("FileKey(filename='x')");
    expect(connectorKeyToProxystore({ kind: 'local', id: 'i' })).toBe("LocalKey(id='i')");
    expect(connectorKeyToProxystore({ kind: 'endpoint', objectId: 'o', endpointId: null })).toBe("EndpointKey(object_id='o', endpoint_id=None)");
    expect(connectorKeyToProxystore({ kind: 'opaque', connectorPath: 'my.Custom', value: 'v' })).toBeNull();
  });

  it('quotes strings as Python’s repr does', () => {
    expect(pythonStrRepr("it's")).toBe('"it\'s"');
    expect(pythonStrRepr('a\'b"c')).toBe("'a\\'b\"c'");
    expect(pythonStrRepr('tab\there\\')).toBe("'tab\\there\\\\'");
    expect(pythonStrRepr('\u0001é')).toBe("'\\x01é'");
  });

  it('reads back what it prints, and what Python prints or a person types', () => {
    const printed = connectorKeyToProxystore(globus) ?? '';
    expect(connectorKeyFromProxystore(printed)).toEqual(globus);
    // Python's repr of a key from GlobusConnector.put, module-qualified and positional forms, task_id as a str.
    expect(connectorKeyFromProxystore(`proxystore.connectors.multi.MultiKey('globus', GlobusKey("f", '${TASK}'))`)).toEqual({
      kind: 'multi',
      connectorName: 'globus',
      connectorKey: { kind: 'globus', filename: 'f', taskIds: [TASK] },
    });
    expect(connectorKeyFromProxystore("  EndpointKey(object_id='o', endpoint_id='e')\n")).toEqual({ kind: 'endpoint', objectId: 'o', endpointId: 'e' });
    expect(connectorKeyFromProxystore("GlobusKey(filename='f', task_id=['a', 'b',])")).toEqual({ kind: 'globus', filename: 'f', taskIds: ['a', 'b'] });
    // Ferry's own JSON form still works.
    expect(connectorKeyFromProxystore(JSON.stringify(globus))).toEqual(globus);
    for (const key of [
      { kind: 'file', filename: "o'brien \"x\" y" },
      { kind: 'local', id: 'naïve\n' },
    ] as ConnectorKey[]) {
      expect(connectorKeyFromProxystore(connectorKeyToProxystore(key) ?? '')).toEqual(key);
    }
  });

  it('refuses what is not a key, and never evaluates anything', () => {
    for (const bad of [
      '',
      "__import__('os').system('x')",
      "FileKey(filename='../etc/passwd')",
      "FileKey(filename='a', extra='b')",
      "FileKey('a', filename='b')",
      "GlobusKey(filename='f')",
      "GlobusKey(filename='f', task_id=(1,))",
      "RedisKey(redis_key='k')",
      "MultiKey(connector_name='a', connector_key='b')",
      "FileKey(filename='a') trailing",
      "FileKey(filename='a",
      '{"kind": "nope"}',
    ]) {
      expect(() => connectorKeyFromProxystore(bad), bad).toThrow(InvalidKeyError);
    }
  });
});
