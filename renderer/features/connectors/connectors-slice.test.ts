import { describe, expect, it } from 'vitest';
import type {
  ConnectorsApi,
  ConnectorsState,
  EndpointRow,
  EndpointsCheck,
  EndpointsState,
  PutProgress,
  RouteView,
  StagedFile,
  StoredKey,
} from '../../../shared/contract/connectors';
import { createAppStore } from '../../store/create-app-store';
import { createFakeApi } from '../../store/fake-api';
import { connectorsSelectors, overallProgress } from './connectors-slice';

const UUID_A = '0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11';
const UUID_B = '5f3c8a4e-6b1d-4c2a-8e7f-9d0a1b2c3d44';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(check()).toBe(true);
};

const rows: EndpointRow[] = [
  { uuid: UUID_A, endpointPath: '/~/ps', localPath: '/home/me/ps', hostRegex: 'nomatch' },
  { uuid: UUID_B, endpointPath: '/ps', localPath: '/scratch/ps', hostRegex: 'laptop' },
];
const checkOf = (matches: (boolean | null)[]): EndpointsCheck => ({
  hostname: 'here',
  rows: matches.map((m) => ({ messages: {}, matchesHost: m })),
  table: [],
  ok: true,
});
const endpointsState: EndpointsState = { hostname: 'here', rows, check: checkOf([false, false]), file: '/state/connectors/globus-endpoints.json', loadError: null };
const connectorsState: ConnectorsState = {
  hostname: 'here',
  drafts: [],
  check: { hostname: 'here', connectors: [], table: [], ok: true },
  file: '/state/connectors/multi-connector.json',
  loadError: null,
  defaults: { fileStoreDir: '/state/connectors/file-store' },
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
      getEndpoints: record('getEndpoints', async () => endpointsState),
      get: record('get', async () => connectorsState),
      keys: record('keys', async (): Promise<readonly StoredKey[]> => []),
      collectionNames: record('collectionNames', async (uuids: readonly string[]) => ({ signedIn: true, names: Object.fromEntries(uuids.map((u) => [u, `name of ${u.slice(0, 4)}`])) })),
      check: record('check', async () => connectorsState.check),
      route: record('route', async () => route('files')),
      ...connectors,
    },
    files: { pathsFor: record('pathsFor', pathsFor) },
  });
  const store = createAppStore(fake.api);
  const off = store.getState().connectors.attach?.();
  return { store, fake, calls, off, c: () => store.getState().connectors };
}

describe('connectors slice: endpoints editor', () => {
  it('loads the saved set, looks up collection names, and shows only the latest check while the person types', async () => {
    const first = deferred<EndpointsCheck>();
    const second = deferred<EndpointsCheck>();
    const pending = [first, second];
    const { c, calls, store } = setup({
      checkEndpoints: async () => (pending.shift() ?? first).promise,
    });
    await until(() => c().ready);
    expect(c().endpointRows).toEqual(rows);
    await until(() => c().collectionNames.names[UUID_A] === 'name of 0b7c');
    expect(calls.filter((x) => x.method === 'collectionNames')).toHaveLength(1);

    c().editEndpoint(0, { hostRegex: 'here.*' });
    c().editEndpoint(0, { hostRegex: 'here' });
    expect(c().endpointRows[0]?.hostRegex).toBe('here');
    // The answer to the newest edit arrives first, then the stale one: the stale one is ignored.
    second.resolve(checkOf([true, false]));
    await until(() => c().endpointsCheck?.rows[0]?.matchesHost === true);
    first.resolve(checkOf([false, false]));
    await new Promise((r) => setTimeout(r, 5));
    expect(c().endpointsCheck?.rows[0]?.matchesHost).toBe(true);
    expect(connectorsSelectors.endpointsDirty(store.getState())).toBe(true);

    c().revertEndpoints();
    expect(c().endpointRows).toEqual(rows);
  });

  it('keeps an import error beside the editor instead of losing the saved set', async () => {
    const { c } = setup({ importEndpoints: async () => Promise.reject(new Error('host_regex of endpoint x: invalid')) });
    await until(() => c().ready);
    expect(await c().importEndpoints('{}')).toBe(false);
    expect(c().endpointsError).toMatch(/not imported: host_regex of endpoint x/);
    expect(c().endpointRows).toEqual(rows);
  });
});

describe('connectors slice: connectors editor', () => {
  it('adds a Globus connector holding the saved endpoints, checks the drafts and routes against them', async () => {
    const { c, calls } = setup();
    await until(() => c().ready);
    c().addConnector('globus');
    c().addConnector('file');
    c().addConnector('file');
    expect(c().drafts.map((d) => d.name)).toEqual(['globus', 'file', 'file-2']);
    expect(c().drafts[0]?.config).toEqual({
      endpoints: {
        [UUID_A]: { endpoint_path: '/~/ps', local_path: '/home/me/ps', host_regex: 'nomatch' },
        [UUID_B]: { endpoint_path: '/ps', local_path: '/scratch/ps', host_regex: 'laptop' },
      },
      clear: false,
    });
    expect(c().drafts[1]?.config).toEqual({ store_dir: '/state/connectors/file-store', clear: false });
    c().setRouteQuery({ size: '3 MB', subsetTags: ['a'], supersetTags: [] });
    await until(() => c().route?.chosen === 'files');
    const lastRoute = calls.filter((x) => x.method === 'route').pop();
    expect(lastRoute?.args[0]).toEqual({ size: '3 MB', subsetTags: ['a'], supersetTags: [] });
    expect((lastRoute?.args[1] as unknown[]).length).toBe(3);
    expect(calls.filter((x) => x.method === 'check').length).toBeGreaterThanOrEqual(3);
  });
});

describe('connectors slice: Stage', () => {
  it('turns dropped files into paths through the host, stages them, opens the Stage, and follows put progress to the keys', async () => {
    const put = deferred<readonly { id: string; path: string; keyId: string | null; connectorName: string | null; error: string | null }[]>();
    const keys: StoredKey[] = [
      { id: 'k1', name: 'a.bin', sourcePath: '/up/a.bin', sizeBytes: 100, connectorName: 'files', connectorType: 'file', key: { kind: 'multi' }, putAt: 1 },
    ];
    let keysAnswer: readonly StoredKey[] = [];
    const { c, fake, calls, store } = setup(
      {
        inspect: async (paths) => ({ signedIn: false, files: paths.map((p) => staged(p, p.endsWith('a.bin') ? 100 : 300)) }),
        put: async () => put.promise,
        keys: async () => keysAnswer,
      },
      async (files) => (files as { name: string }[]).map((f) => `/up/${f.name}`),
    );
    await until(() => c().ready);
    c().setDragging(true);
    expect(connectorsSelectors.dragging(store.getState())).toBe(true);
    await c().stageFiles([{ name: 'a.bin' }, { name: 'b.bin' }]);
    expect(c().dragging).toBe(false);
    expect(store.getState().nav.area).toBe('stage');
    expect(calls.find((x) => x.method === 'pathsFor')?.args[0]).toEqual([{ name: 'a.bin' }, { name: 'b.bin' }]);
    expect(c().stage.map((i) => [i.name, i.sizeBytes, i.route.chosen])).toEqual([
      ['a.bin', 100, 'files'],
      ['b.bin', 300, 'files'],
    ]);
    const [a, b] = c().stage;
    const putting = c().putAll();
    expect(c().putting).toBe(true);
    const progress = (id: string, state: PutProgress['state'], doneBytes: number, totalBytes: number): PutProgress => ({ id, path: '', state, doneBytes, totalBytes, error: null });
    fake.emit('connectors', 'onPutProgress', progress(a?.id ?? '', 'done', 100, 100));
    fake.emit('connectors', 'onPutProgress', progress(b?.id ?? '', 'running', 150, 300));
    expect(overallProgress(c().stage)).toEqual({ doneBytes: 250, totalBytes: 400, done: 1, failed: 0, count: 2 });
    expect(connectorsSelectors.overall(store.getState())).toBe(connectorsSelectors.overall(store.getState()));
    keysAnswer = keys;
    put.resolve([
      { id: a?.id ?? '', path: '/up/a.bin', keyId: 'k1', connectorName: 'files', error: null },
      { id: b?.id ?? '', path: '/up/b.bin', keyId: null, connectorName: null, error: 'disk full' },
    ]);
    await putting;
    expect(c().putting).toBe(false);
    expect(c().stage.map((i) => i.progress?.state)).toEqual(['done', 'failed']);
    expect(c().stage[1]?.progress?.error).toBe('disk full');
    expect(c().keys).toEqual(keys);
    // Only files not put yet are put again.
    expect(c().stage.filter((i) => i.error === null && i.progress?.state !== 'done').map((i) => i.name)).toEqual(['b.bin']);
  });

  it('gets an object to the default folder and shows where it went; evict drops the key', async () => {
    const stored: StoredKey = { id: 'k1', name: 'a.bin', sourcePath: '/up/a.bin', sizeBytes: 1, connectorName: 'files', connectorType: 'file', key: {}, putAt: 1 };
    const { c } = setup({
      keys: async () => [stored],
      getToFile: async (_id, dest) => ({ path: dest ?? '/state/downloads/a.bin', written: true }),
      exists: async () => ({ exists: true }),
      evict: async () => [],
    });
    await until(() => c().keys.length === 1);
    await c().checkExists('k1');
    expect(c().keyStatus.k1?.exists).toBe(true);
    await c().getToFile('k1', null);
    expect(c().keyStatus.k1?.gotTo).toBe('/state/downloads/a.bin');
    await c().evict('k1');
    expect(c().keys).toEqual([]);
    expect(c().keyStatus.k1).toBeUndefined();
  });
});
