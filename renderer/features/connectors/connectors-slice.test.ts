import { describe, expect, it } from 'vitest';
import type {
  ConnectorsApi,
  ConnectorsState,
  EndpointRow,
  EndpointsCheck,
  EndpointsState,
  RouteView,
} from '../../../shared/contract/connectors';
import { createAppStore } from '../../store/create-app-store';
import { createFakeApi } from '../../store/testing/fake-api';
import { connectorsSelectors } from './connectors-slice';

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

function setup(connectors: Partial<ConnectorsApi> = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const record =
    <A extends unknown[], R>(method: string, fn: (...args: A) => Promise<R>) =>
    (...args: A) => {
      calls.push({ method, args });
      return fn(...args);
    };
  const fake = createFakeApi({
    connectors: {
      getGlobusEndpoints: record('getGlobusEndpoints', async () => endpointsState),
      get: record('get', async () => connectorsState),
      collectionNames: record('collectionNames', async (uuids: readonly string[]) => ({ signedIn: true, names: Object.fromEntries(uuids.map((u) => [u, `name of ${u.slice(0, 4)}`])) })),
      check: record('check', async () => connectorsState.check),
      route: record('route', async () => route('files')),
      ...connectors,
    },
  });
  const store = createAppStore(fake.api);
  const off = store.getState().connectors.attach?.();
  return { store, calls, off, c: () => store.getState().connectors };
}

describe('connectors slice: Globus endpoints file editor', () => {
  it('loads the saved set, looks up collection names, and shows only the latest check while the person types', async () => {
    const first = deferred<EndpointsCheck>();
    const second = deferred<EndpointsCheck>();
    const pending = [first, second];
    const { c, calls, store } = setup({
      checkGlobusEndpoints: async () => (pending.shift() ?? first).promise,
    });
    await until(() => c().ready);
    expect(c().globusEndpointRows).toEqual(rows);
    await until(() => c().collectionNames.names[UUID_A] === 'name of 0b7c');
    expect(calls.filter((x) => x.method === 'collectionNames')).toHaveLength(1);

    c().editGlobusEndpoint(0, { hostRegex: 'here.*' });
    c().editGlobusEndpoint(0, { hostRegex: 'here' });
    expect(c().globusEndpointRows[0]?.hostRegex).toBe('here');
    // The answer to the newest edit arrives first, then the stale one: the stale one is ignored.
    second.resolve(checkOf([true, false]));
    await until(() => c().globusEndpointsCheck?.rows[0]?.matchesHost === true);
    first.resolve(checkOf([false, false]));
    await new Promise((r) => setTimeout(r, 5));
    expect(c().globusEndpointsCheck?.rows[0]?.matchesHost).toBe(true);
    expect(connectorsSelectors.globusEndpointsDirty(store.getState())).toBe(true);

    c().revertGlobusEndpoints();
    expect(c().globusEndpointRows).toEqual(rows);
  });

  it('keeps an import error beside the editor instead of losing the saved set', async () => {
    const { c } = setup({ importGlobusEndpoints: async () => Promise.reject(new Error('host_regex of endpoint x: invalid')) });
    await until(() => c().ready);
    expect(await c().importGlobusEndpoints('{}')).toBe(false);
    expect(c().globusEndpointsError).toMatch(/not imported: host_regex of endpoint x/);
    expect(c().globusEndpointRows).toEqual(rows);
  });
});

describe('connectors slice: imports are drafts', () => {
  it('puts imported Globus endpoints in the editor unsaved, with their check, and saves nothing', async () => {
    const imported: EndpointRow[] = [{ uuid: 'not-a-uuid', endpointPath: '/p', localPath: '/tmp/p', hostRegex: '.*' }];
    const check: EndpointsCheck = { hostname: 'here', rows: [{ messages: { uuid: 'Collection UUID must be a UUID' }, matchesHost: true }], table: [], ok: false };
    const { c, calls, store } = setup({ importGlobusEndpoints: async () => ({ ...endpointsState, rows: imported, check }) });
    await until(() => c().ready);
    expect(await c().importGlobusEndpoints('{"not-a-uuid": {}}')).toBe(true);
    expect(c().globusEndpointRows).toEqual(imported);
    expect(c().globusEndpointsSaved).toEqual(rows);
    expect(c().globusEndpointsCheck?.ok).toBe(false);
    expect(connectorsSelectors.globusEndpointsDirty(store.getState())).toBe(true);
    expect(calls.some((x) => x.method === 'saveGlobusEndpoints')).toBe(false);
    c().revertGlobusEndpoints();
    expect(c().globusEndpointRows).toEqual(rows);
  });

  it('puts imported connectors in the editor unsaved and routes against them', async () => {
    const draft = { name: 'small', connectorPath: 'proxystore.connectors.file.FileConnector', config: { store_dir: '/s' }, policy: { priority: 0, hostPattern: null, minSize: '0 B', maxSize: '1 MB', subsetTags: [], supersetTags: [] } };
    const { c, calls, store } = setup({ importConfig: async () => ({ ...connectorsState, drafts: [draft] }) });
    await until(() => c().ready);
    expect(await c().importConfig('{}')).toBe(true);
    expect(c().drafts).toEqual([draft]);
    expect(c().draftsSaved).toEqual([]);
    expect(connectorsSelectors.draftsDirty(store.getState())).toBe(true);
    await until(() => calls.some((x) => x.method === 'route' && (x.args[1] as unknown[]).length === 1));
    expect(calls.some((x) => x.method === 'save')).toBe(false);
  });
});

describe('connectors slice: connectors editor', () => {
  it('adds a Globus connector holding the saved Globus endpoints, checks the drafts and routes against them', async () => {
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
