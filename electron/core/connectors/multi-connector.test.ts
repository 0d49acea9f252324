import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExactJson, stringifyExactJson } from './exact-json';
import { FILE_CONNECTOR_PATH, FileConnector } from './file-connector';
import { LOCAL_CONNECTOR_PATH, LocalConnector } from './local-connector';
import {
  ENDPOINT_CONNECTOR_PATH,
  multiConnectorConfigJson,
  multiConnectorFromConfig,
  parseMultiConfigJson,
  summarizeMultiConfig,
  summarizeMultiConnector,
  multiConnectorFromParsed,
  multiConfigJsonFromSpecs,
} from './multi-config';
import { MultiConnector, MultiConnectorError } from './multi-connector';
import type { LocalKey, MultiKey } from './keys';
import { Policy } from './policy';
import { useTempDirs } from './testing/test-dirs';

const tempDir = useTempDirs();

function fromPolicies(p1: Policy, p2: Policy, hostname = () => 'h') {
  const c1 = new LocalConnector();
  const c2 = new LocalConnector();
  const multi = new MultiConnector(
    [
      ['c1', c1, p1],
      ['c2', c2, p2],
    ],
    [],
    { hostname },
  );
  return { multi, c1, c2 };
}

const bytes = (s: string): Uint8Array => Buffer.from(s);
const inner = (k: MultiKey): LocalKey => k.connectorKey as LocalKey;

// Ported from ProxyStore's tests/connectors/multi_test.py.
describe('MultiConnector routing (seed 001)', () => {
  it('priority: higher wins', async () => {
    const { multi, c1, c2 } = fromPolicies(new Policy({ priority: 1 }), new Policy({ priority: 2 }));
    const key = await multi.put(bytes('value'));
    expect(key.connectorName).toBe('c2');
    expect(await c1.exists(inner(key))).toBe(false);
    expect(await c2.exists(inner(key))).toBe(true);
  });

  it('ties keep insertion order', async () => {
    const { multi } = fromPolicies(new Policy({ priority: 5 }), new Policy({ priority: 5 }));
    expect(multi.connectorsByPriority).toEqual(['c1', 'c2']);
    expect((await multi.put(bytes('v'))).connectorName).toBe('c1');
    const three = new MultiConnector(
      [
        ['a', new LocalConnector(), new Policy({ priority: 0 })],
        ['b', new LocalConnector(), new Policy({ priority: 3 })],
        ['c', new LocalConnector(), new Policy({ priority: 0 })],
        ['d', new LocalConnector(), new Policy({ priority: 3 })],
      ],
      [],
      { hostname: () => 'h' },
    );
    expect(three.connectorsByPriority).toEqual(['b', 'd', 'a', 'c']);
  });

  it('size: routes by min/max bounds', async () => {
    const { multi, c1, c2 } = fromPolicies(new Policy({ maxSizeBytes: 1 }), new Policy({ minSizeBytes: 2 }));
    const key = await multi.put(bytes('value'));
    expect(await c1.exists(inner(key))).toBe(false);
    expect(await c2.exists(inner(key))).toBe(true);
    expect((await multi.put(bytes('v'))).connectorName).toBe('c1');
    expect((await multi.put(bytes(''))).connectorName).toBe('c1');
  });

  it('tags: subset and superset', async () => {
    const { multi, c1, c2 } = fromPolicies(
      new Policy({ priority: 1, subsetTags: ['a', 'b'] }),
      new Policy({ priority: 2, supersetTags: ['x', 'y'] }),
    );
    let key = await multi.put(bytes('value'), { subsetTags: ['a'] });
    expect(await c1.exists(inner(key))).toBe(true);
    expect(await c2.exists(inner(key))).toBe(false);
    key = await multi.put(bytes('value'), { supersetTags: ['x', 'y', 'z'] });
    expect(await c1.exists(inner(key))).toBe(false);
    expect(await c2.exists(inner(key))).toBe(true);
    // no tags: () is a subset of anything, but not a superset of ['x', 'y']
    expect((await multi.put(bytes('value'))).connectorName).toBe('c1');
  });

  it('no valid policy raises MultiConnectorError', async () => {
    const multi = new MultiConnector([['connector', new LocalConnector(), new Policy({ maxSizeBytes: 1 })]], [], { hostname: () => 'h' });
    await expect(multi.put(bytes('value'))).rejects.toThrow(MultiConnectorError);
    await expect(multi.put(bytes('value'))).rejects.toThrow(
      'No connector policy was suitable for the constraints: subset_tags=(), superset_tags=().',
    );
  });

  it('bad key: unknown connector name', async () => {
    const multi = new MultiConnector([['connector', new LocalConnector(), new Policy()]]);
    const key = await multi.put(bytes('value'));
    await expect(multi.exists({ ...key, connectorName: 'missing' })).rejects.toThrow(/does not exist/);
    expect(await multi.exists(key)).toBe(true);
    expect(Buffer.from((await multi.get(key)) ?? []).toString()).toBe('value');
    await multi.evict(key);
    expect(await multi.exists(key)).toBe(false);
  });

  it('dormant connectors after from_config on another host', async () => {
    let host = 'otherhost';
    const dir = tempDir();
    const multi = new MultiConnector(
      [
        ['c1', new FileConnector(join(dir, 'one')), new Policy({ hostPattern: 'testhost', subsetTags: ['a'] })],
        ['c2', new FileConnector(join(dir, 'two')), new Policy({ hostPattern: 'otherhost', subsetTags: ['b'] })],
      ],
      [],
      { hostname: () => host },
    );
    const key2 = await multi.put(bytes('data'), { subsetTags: ['b'] });
    host = 'testhost';
    const key1 = await multi.put(bytes('data'), { subsetTags: ['a'] });
    const remote = multiConnectorFromConfig(parseExactJson(multiConnectorConfigJson(multi)), { hostname: () => 'testhost' });
    expect(await remote.exists(key1)).toBe(true);
    expect(remote.dormantConnectors.map((d) => [d.name, d.reason])).toEqual([['c2', 'host']]);
    await expect(remote.put(bytes('data'), { subsetTags: ['b'] })).rejects.toThrow(/constraints/);
    await expect(remote.get(key2)).rejects.toThrow(/dormant/);
    // dormant connector is written back unchanged
    expect(parseExactJson(multiConnectorConfigJson(remote))).toEqual(parseExactJson(multiConnectorConfigJson(multi)));
  });

  it('route() says where an object would go and why others do not fit, without putting', () => {
    const small = new LocalConnector();
    const multi = new MultiConnector(
      [
        ['small', small, new Policy({ maxSizeBytes: 1_000_000 })],
        ['large', new LocalConnector(), new Policy({ minSizeBytes: 1_000_001 })],
        ['tagged', new LocalConnector(), new Policy({ priority: 9, supersetTags: ['hot'] })],
      ],
      [
        {
          name: 'remote',
          config: [FILE_CONNECTOR_PATH, { store_dir: '/x' }, { host_pattern: 'far' }],
          policy: new Policy({ hostPattern: 'far' }),
          reason: 'host',
          warning: null,
        },
      ],
      { hostname: () => 'here' },
    );
    const r = multi.route({ sizeBytes: 3_000_000 });
    expect(r.chosen).toBe('large');
    expect(r.message).toBe('would go to large');
    expect(r.candidates.map((c) => [c.name, c.status])).toEqual([
      ['tagged', 'invalid'],
      ['small', 'invalid'],
      ['large', 'chosen'],
      ['remote', 'dormant'],
    ]);
    expect(r.candidates[0]?.reasons).toEqual(['required tags hot (superset_tags) are missing']);
    expect(r.candidates[1]?.reasons).toEqual(['size 3000000 B is above max_size_bytes 1000000']);
    expect(r.candidates[3]?.reasons[0]).toMatch(/host here does not match/);
    expect(multi.route({ sizeBytes: 10, supersetTags: ['hot'] }).chosen).toBe('tagged');
    expect(multi.route({ sizeBytes: 10, subsetTags: ['x'] })).toMatchObject({ chosen: null, message: expect.stringContaining("subset_tags=('x',)") });
    expect(small.size).toBe(0);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r); // plain JSON
  });

  it('putFile routes by the file size and streams into the chosen connector', async () => {
    const dir = tempDir();
    const small = new FileConnector(join(dir, 'small'));
    const large = new FileConnector(join(dir, 'large'));
    const multi = new MultiConnector(
      [
        ['small', small, new Policy({ maxSizeBytes: 1000 })],
        ['large', large, new Policy({ minSizeBytes: 1001 })],
      ],
      [],
      { hostname: () => 'h' },
    );
    const f1 = join(dir, 'a');
    const f2 = join(dir, 'b');
    writeFileSync(f1, Buffer.alloc(1000, 1));
    writeFileSync(f2, Buffer.alloc(1001, 2));
    const k1 = await multi.putFile(f1);
    const k2 = await multi.putFile(f2);
    expect([k1.connectorName, k2.connectorName]).toEqual(['small', 'large']);
    const out = join(dir, 'out');
    expect(await multi.getToFile(k2, out)).toBe(true);
    expect(readFileSync(out)).toEqual(Buffer.alloc(1001, 2));
    const keys = await multi.putBatch([new Uint8Array(10), new Uint8Array(5000)]);
    expect(keys.map((k) => k.connectorName)).toEqual(['small', 'large']);
    expect((await multi.getBatch(keys)).map((b) => b?.length)).toEqual([10, 5000]);
    await multi.close();
  });
});

describe('MultiConnector config interop (ProxyStore JSON)', () => {
  const pythonConfig = (dir: string) => `{
  "small": ["proxystore.connectors.file.FileConnector", {"store_dir": "${dir}/small", "clear": true, "buffering": -1},
            {"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 1000000, "subset_tags": [], "superset_tags": []}],
  "large": ["proxystore.connectors.file.FileConnector", {"store_dir": "${dir}/large", "clear": false, "buffering": -1},
            {"priority": 0, "host_pattern": null, "min_size_bytes": 1000001, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}],
  "mem": ["proxystore.connectors.local.LocalConnector", {"include_data_in_config": false},
          {"priority": -1, "host_pattern": ["nohost", "h"], "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": ["a"], "superset_tags": []}],
  "daos": ["proxystore.connectors.daos.DAOSConnector", {"pool": "p", "container": "c", "namespace": "n", "clear": false},
         {"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}],
  "redis": ["proxystore.connectors.redis.RedisConnector", {"hostname": "localhost", "port": 6379, "clear": false},
            {"priority": 0, "host_pattern": "cluster-\\\\d+", "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}]
}`;

  it('imports a Python config, builds the same connectors, keeps unknown ones dormant, and exports it back exactly', async () => {
    const dir = tempDir();
    const text = pythonConfig(dir);
    const parsed = parseMultiConfigJson(text);
    const multi = multiConnectorFromParsed(parsed, { hostname: () => 'h' });
    expect(multi.connectors.map((c) => [c.name, c.connector.connectorPath])).toEqual([
      ['small', FILE_CONNECTOR_PATH],
      ['large', FILE_CONNECTOR_PATH],
      ['mem', LOCAL_CONNECTOR_PATH],
    ]);
    expect(multi.dormantConnectors.map((d) => [d.name, d.reason])).toEqual([
      ['daos', 'unsupported'],
      ['redis', 'host'],
    ]);
    expect(multi.dormantConnectors[0]?.warning).toContain('kept unchanged');
    expect(multi.names).toEqual(['small', 'large', 'mem', 'daos', 'redis']);
    // same config out as in, big integer included
    const out = multiConnectorConfigJson(multi);
    expect(out).toContain('9223372036854775807');
    expect(out).not.toContain('9223372036854776000');
    expect(parseExactJson(out)).toEqual(parseExactJson(text));
    expect(stringifyExactJson(parseExactJson(out), 0)).toBe(stringifyExactJson(parseExactJson(text), 0));
    // and it routes by size
    expect((await multi.put(new Uint8Array(1_000_000))).connectorName).toBe('small');
    expect((await multi.put(new Uint8Array(1_000_001))).connectorName).toBe('large');
    expect((await multi.put(new Uint8Array(1), { subsetTags: ['a'] })).connectorName).toBe('mem');
    await multi.close();
  });

  it('summaries are plain JSON for the UI', () => {
    const dir = tempDir();
    const parsed = parseMultiConfigJson(pythonConfig(dir));
    const summaries = summarizeMultiConfig(parsed, { hostname: 'h' });
    expect(JSON.parse(JSON.stringify(summaries))).toEqual(summaries);
    expect(summaries.map((s) => [s.name, s.type, s.dormant, s.dormantReason])).toEqual([
      ['small', 'file', false, null],
      ['large', 'file', false, null],
      ['mem', 'local', false, null],
      ['daos', 'other', true, 'unsupported'],
      ['redis', 'redis', true, 'host'],
    ]);
    expect(summaries[1]?.policy?.maxSizeBytes).toBe('9223372036854775807');
    expect(summaries[0]?.detail).toBe(`${dir}/small`);
    expect(summaries[3]?.typeLabel).toBe('DAOSConnector');
    expect(summaries[3]?.supported).toBe(false);
    const built = summarizeMultiConnector(multiConnectorFromParsed(parsed, { hostname: () => 'h' }));
    expect(built.map((s) => [s.name, s.dormantReason])).toEqual(summaries.map((s) => [s.name, s.dormantReason]));
  });

  it('keeps a connector whose construction fails dormant with the error as warning', () => {
    const multi = multiConnectorFromConfig(
      {
        g: ['proxystore.connectors.globus.GlobusConnector', { endpoints: {} }, {}],
        ok: [LOCAL_CONNECTOR_PATH, {}, {}],
      },
      { hostname: () => 'h' },
    );
    expect(multi.dormantConnectors[0]).toMatchObject({ name: 'g', reason: 'error' });
    expect(multi.dormantConnectors[0]?.warning).toMatch(/needs the Globus transfer service/);
    expect(multi.connectors.map((c) => c.name)).toEqual(['ok']);
  });

  it('reports malformed configs clearly', () => {
    expect(() => parseMultiConfigJson('[]')).toThrow(/JSON object of named connectors/);
    expect(() => parseMultiConfigJson('{"a": ["x", {}]}')).toThrow(/\[connector_path, connector_config, policy_dict\]/);
    expect(() => parseMultiConfigJson('{"a": [1, {}, {}]}')).toThrow(/connector_path/);
    expect(() => parseMultiConfigJson('{"a": ["x", {}, {}], "a": ["x", {}, {}]}')).toThrow(/appears twice/);
    const bad = parseMultiConfigJson('{"a": ["x", {}, {"host_pattern": "(?<=a+)b"}]}');
    expect(bad.entries[0]?.policyError).toMatch(/fixed-width/);
    expect(() => multiConnectorFromParsed(bad)).toThrow(/Connector "a"/);
    expect(summarizeMultiConfig(bad, { hostname: 'h' })[0]?.warning).toMatch(/fixed-width/);
  });

  it('nested MultiConnector configs and the endpoint path constant', () => {
    const nested = multiConnectorFromConfig(
      { outer: ['proxystore.connectors.multi.MultiConnector', { inner: [LOCAL_CONNECTOR_PATH, {}, {}] }, {}] },
      { hostname: () => 'h' },
    );
    expect(nested.connectors[0]?.connector.connectorPath).toBe('proxystore.connectors.multi.MultiConnector');
    expect(ENDPOINT_CONNECTOR_PATH).toBe('proxystore.connectors.endpoint.EndpointConnector');
  });

  it('writes the editor\'s connectors as ProxyStore JSON, policies validated and sizes exact', () => {
    const specs = summarizeMultiConfig(parseMultiConfigJson(pythonConfig('/tmp/x')), { hostname: 'h' }).map((s) => ({
      name: s.name,
      connectorPath: s.connectorPath,
      config: s.config,
      policy: s.policy ?? new Policy().toSpec(),
    }));
    const text = multiConfigJsonFromSpecs(specs);
    expect(parseExactJson(text)).toEqual(parseExactJson(pythonConfig('/tmp/x')));
    expect(() => multiConfigJsonFromSpecs([...specs, specs[0] as never])).toThrow(/appears twice/);
    expect(() =>
      multiConfigJsonFromSpecs([{ name: 'a', connectorPath: LOCAL_CONNECTOR_PATH, config: {}, policy: { ...new Policy().toSpec(), hostPattern: '(?<=a*)b' } }]),
    ).toThrow(/fixed-width/);
  });
});

describe('a connector type Ferry cannot run keeps its place in routing (difference 5)', () => {
  const custom = (priority: number, extra: Record<string, unknown> = {}) => ({
    name: 'custom',
    config: ['my_lab.connectors.CustomConnector', {}, {}] as const,
    policy: new Policy({ priority, ...extra }),
    reason: 'unsupported' as const,
    warning: 'Ferry cannot use my_lab.connectors.CustomConnector here; it is kept unchanged for ProxyStore',
  });

  it('says where ProxyStore would send the object instead of quietly choosing another', async () => {
    const multi = new MultiConnector([['local', new LocalConnector(), new Policy({ priority: 1 })]], [custom(5)]);
    const route = multi.route({ sizeBytes: 10 });
    expect(route.chosen).toBeNull();
    expect(route.message).toBe("ProxyStore would send this to 'custom' (not runnable in Ferry)");
    expect(route.candidates.map((c) => [c.name, c.status])).toEqual([
      ['custom', 'dormant'],
      ['local', 'valid'],
    ]);
    expect(route.candidates[0]?.reasons).toContain("ProxyStore would send this to 'custom' (not runnable in Ferry)");
    await expect(multi.put(new Uint8Array([1]))).rejects.toThrow("ProxyStore would send this to 'custom' (not runnable in Ferry)");
    expect(multi.connectorsByPriority).toEqual(['local']);
  });

  it('routes past it when its policy refuses the object, or when it ranks lower, as Python does', async () => {
    const small = new MultiConnector([['local', new LocalConnector(), new Policy({ priority: 1 })]], [custom(5, { maxSizeBytes: 5 })]);
    expect(small.route({ sizeBytes: 10 })).toMatchObject({ chosen: 'local', message: 'would go to local' });
    const key = await small.put(new Uint8Array(10));
    expect(key.connectorName).toBe('local');
    const lower = new MultiConnector([['local', new LocalConnector(), new Policy({ priority: 9 })]], [custom(5)]);
    expect(lower.route({ sizeBytes: 10 }).chosen).toBe('local');
    // A host-dormant connector is still out of routing: Python never builds it on this host.
    const host = new MultiConnector([['local', new LocalConnector(), new Policy({ priority: 1 })]], [{ ...custom(5), reason: 'host' as const, warning: null }]);
    expect(host.route({ sizeBytes: 10 }).chosen).toBe('local');
  });
});
