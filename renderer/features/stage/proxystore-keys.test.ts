import { describe, expect, it } from 'vitest';
import type { StoredKey } from '../../../shared/contract/connectors';
import { keyText, matchPastedKey } from './proxystore-keys';

const TASK = '6a1e3b1c-8d2f-11ee-b9d1-0242ac120002';
const stored = (id: string, key: unknown): StoredKey => ({ id, name: `${id}.bin`, connectorName: 'globus', connectorType: 'GlobusConnector', key, sizeBytes: 3, createdAt: '2026-11-30T10:00:00.000Z' }) as unknown as StoredKey;
const globusKey = { kind: 'multi', connectorName: 'globus', connectorKey: { kind: 'globus', filename: 'obj-1', taskIds: [TASK] } };

describe('Stage keys in ProxyStore’s form', () => {
  it('shows the whole key as ProxyStore prints it', () => {
    expect(keyText(globusKey)).toBe(`MultiKey(connector_name='globus', connector_key=GlobusKey(filename='obj-1', task_id=('${TASK}',)))`);
    expect(keyText({ kind: 'opaque', connectorPath: 'x.Y', value: 'v' })).toBe('{"kind":"opaque","connectorPath":"x.Y","value":"v"}');
  });

  it('matches a pasted key to the key Ferry holds (a GlobusKey by file name, as ProxyStore compares them)', () => {
    const keys = [stored('a', { kind: 'multi', connectorName: 'files', connectorKey: { kind: 'file', filename: 'obj-1' } }), stored('b', globusKey)];
    const pasted = matchPastedKey("MultiKey(connector_name='globus', connector_key=GlobusKey(filename='obj-1', task_id='another-task'))", keys);
    expect(pasted).toMatchObject({ ok: true, stored: { id: 'b' } });
    expect(matchPastedKey("MultiKey(connector_name='globus', connector_key=GlobusKey(filename='obj-2', task_id=()))", keys)).toMatchObject({ ok: true, stored: null });
    expect(matchPastedKey('os.system("x")', keys)).toMatchObject({ ok: false });
  });
});
