import { describe, expect, it } from 'vitest';
import type { ConnectorsApi, PutProgress, RouteView, StagedFile, StoredKey } from '../../../shared/contract/connectors';
import { createAppStore } from '../../store/create-app-store';
import { createFakeApi } from '../../store/testing/fake-api';
import { overallProgress, stageSelectors } from './stage-slice';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
};

const route = (chosen: string | null): RouteView => ({ chosen, chosenType: chosen ? 'file' : null, candidates: [], message: chosen ? `would go to ${chosen}` : 'none', sizeBytes: '1', error: null });
const staged = (path: string, sizeBytes: number, extra: Partial<StagedFile> = {}): StagedFile => ({
  path,
  name: path.split('/').pop() ?? path,
  sizeBytes,
  route: route('files'),
  needsSignIn: false,
  error: null,
  ...extra,
});

function setup(connectors: Partial<ConnectorsApi> = {}, pathsFor: (files: readonly unknown[]) => Promise<readonly string[]> = async () => []) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    (...args: A) => {
      calls.push({ method, args });
      return fn(...args);
    };
  const fake = createFakeApi({
    connectors: {
      keys: record('keys', async (): Promise<readonly StoredKey[]> => []),
      ...connectors,
    },
    files: { pathsFor: record('pathsFor', pathsFor) },
  });
  const store = createAppStore(fake.api);
  const off = store.getState().stage.attach?.();
  return { store, fake, calls, off, s: () => store.getState().stage };
}

describe('stage slice', () => {
  it('turns dropped files into paths through the host, stages them, opens the Stage, and follows put progress to the keys', async () => {
    const put = deferred<readonly { id: string; path: string; keyId: string | null; connectorName: string | null; error: string | null }[]>();
    const keys: StoredKey[] = [
      { id: 'k1', name: 'a.bin', sourcePath: '/up/a.bin', sizeBytes: 100, connectorName: 'files', connectorType: 'file', key: { kind: 'multi' }, putAt: 1 },
    ];
    let keysAnswer: readonly StoredKey[] = [];
    const { s, fake, calls, store } = setup(
      {
        inspect: async (paths) => ({ signedIn: false, files: paths.map((p) => staged(p, p.endsWith('a.bin') ? 100 : 300)) }),
        put: async () => put.promise,
        keys: async () => keysAnswer,
      },
      async (files) => (files as { name: string }[]).map((f) => `/up/${f.name}`),
    );
    await until(() => s().ready);
    s().setDragging(true);
    expect(stageSelectors.dragging(store.getState())).toBe(true);
    await s().stageFiles([{ name: 'a.bin' }, { name: 'b.bin' }]);
    expect(s().dragging).toBe(false);
    expect(store.getState().nav.area).toBe('stage');
    expect(calls.find((x) => x.method === 'pathsFor')?.args[0]).toEqual([{ name: 'a.bin' }, { name: 'b.bin' }]);
    expect(s().items.map((i) => [i.name, i.sizeBytes, i.route.chosen])).toEqual([
      ['a.bin', 100, 'files'],
      ['b.bin', 300, 'files'],
    ]);
    const [a, b] = s().items;
    const putting = s().putAll();
    expect(s().putting).toBe(true);
    const progress = (id: string, state: PutProgress['state'], doneBytes: number, totalBytes: number): PutProgress => ({ id, path: '', state, doneBytes, totalBytes, error: null });
    fake.emit('connectors', 'onPutProgress', progress(a?.id ?? '', 'done', 100, 100));
    fake.emit('connectors', 'onPutProgress', progress(b?.id ?? '', 'running', 150, 300));
    expect(overallProgress(s().items)).toEqual({ doneBytes: 250, totalBytes: 400, done: 1, failed: 0, count: 2 });
    expect(stageSelectors.overall(store.getState())).toBe(stageSelectors.overall(store.getState()));
    keysAnswer = keys;
    put.resolve([
      { id: a?.id ?? '', path: '/up/a.bin', keyId: 'k1', connectorName: 'files', error: null },
      { id: b?.id ?? '', path: '/up/b.bin', keyId: null, connectorName: null, error: 'disk full' },
    ]);
    await putting;
    expect(s().putting).toBe(false);
    expect(s().items.map((i) => i.progress?.state)).toEqual(['done', 'failed']);
    expect(s().items[1]?.progress?.error).toBe('disk full');
    expect(s().keys).toEqual(keys);
    // Only files not put yet are put again.
    expect(s().items.filter((i) => i.error === null && i.progress?.state !== 'done').map((i) => i.name)).toEqual(['b.bin']);
  });

  it('gets an object to the default folder and shows where it went; evict drops the key', async () => {
    const stored: StoredKey = { id: 'k1', name: 'a.bin', sourcePath: '/up/a.bin', sizeBytes: 1, connectorName: 'files', connectorType: 'file', key: {}, putAt: 1 };
    const { s } = setup({
      keys: async () => [stored],
      getToFile: async (_id, dest) => ({ path: dest ?? '/state/downloads/a.bin', written: true }),
      exists: async () => ({ exists: true }),
      evict: async () => [],
    });
    await until(() => s().keys.length === 1);
    await s().checkExists('k1');
    expect(s().keyStatus.k1?.exists).toBe(true);
    await s().getToFile('k1', null);
    expect(s().keyStatus.k1?.gotTo).toBe('/state/downloads/a.bin');
    await s().evict('k1');
    expect(s().keys).toEqual([]);
    expect(s().keyStatus.k1).toBeUndefined();
  });
});
