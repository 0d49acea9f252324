import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectorDraft, PutProgress, StoredKey } from '../../../shared/contract/connectors';
import { parseExactJson, stringifyExactJson } from './exact-json';
import { EP_A, EP_B, HOST, endpointsJson, harness, pythonMulti, tempDir, waitFor, type Harness } from './testing/handlers-harness';

describe('connectors capability: Globus endpoints', () => {
  it('imports ProxyStore JSON as a draft with the host match per row, saves it on save and reads it back after a restart', async () => {
    const h = harness();
    const state = (await h.call('connectors:globus-endpoints-import', [{ text: endpointsJson('/home/me/ps') }])) as {
      hostname: string;
      rows: { uuid: string; endpointPath: string; localPath: string; hostRegex: string }[];
      check: { rows: { matchesHost: boolean | null }[]; ok: boolean };
    };
    expect(state.hostname).toBe(HOST);
    expect(state.rows.map((r) => r.uuid)).toEqual([EP_A, EP_B]);
    expect(state.check.rows.map((r) => r.matchesHost)).toEqual([true, false]);
    expect(await h.call('connectors:host-info', [])).toEqual({ hostname: HOST });
    // An import is a draft: nothing on disk, nothing in the saved set, until the editor saves it.
    await expect(readFile(join(h.stateDir, 'connectors', 'globus-endpoints.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect(((await h.call('connectors:globus-endpoints-get', [])) as { rows: unknown[] }).rows).toEqual([]);
    await h.call('connectors:globus-endpoints-save', [state.rows]);

    const saved = JSON.parse(await readFile(join(h.stateDir, 'connectors', 'globus-endpoints.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(saved)).toEqual([EP_A, EP_B]);
    expect(saved[EP_A]).toEqual({ endpoint_path: '/~/proxystore', local_path: '/home/me/ps', host_regex: 'node\\d+\\.cluster\\.example\\.org' });

    const again = harness(h.stateDir);
    expect(((await again.call('connectors:globus-endpoints-get', [])) as { rows: unknown[] }).rows).toEqual(state.rows);

    const out = join(tempDir(), 'endpoints.json');
    const exported = (await again.call('connectors:globus-endpoints-export', [{ path: out }])) as { text: string; path: string };
    expect(exported.path).toBe(out);
    expect(JSON.parse(await readFile(out, 'utf8'))).toEqual(JSON.parse(endpointsJson('/home/me/ps')));
  });

  it('imports a file with a row the checks refuse without writing it, and refuses to save that row', async () => {
    const h = harness();
    const text = JSON.stringify({ 'not-a-uuid': { endpoint_path: '/x', local_path: '/y', host_regex: '.*' } });
    const state = (await h.call('connectors:globus-endpoints-import', [{ text }])) as {
      rows: { uuid: string; endpointPath: string; localPath: string; hostRegex: string }[];
      check: { ok: boolean; rows: { messages: Record<string, string> }[] };
    };
    expect(state.rows.map((r) => r.uuid)).toEqual(['not-a-uuid']);
    expect(state.check.ok).toBe(false);
    expect(state.check.rows[0]?.messages.uuid).toBeDefined();
    await expect(readFile(join(h.stateDir, 'connectors', 'globus-endpoints.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    const refused = await h.dispatch('connectors:globus-endpoints-save', [state.rows]);
    expect(refused.ok).toBe(false);
    await expect(readFile(join(h.stateDir, 'connectors', 'globus-endpoints.json'), 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('checks each field with the core validators and refuses to save what ProxyStore would refuse', async () => {
    const h = harness();
    const rows = [
      { uuid: 'not-a-uuid', endpointPath: 'relative', localPath: 'also/relative', hostRegex: '(?<=a+)b' },
      { uuid: EP_A, endpointPath: '/x', localPath: '/y', hostRegex: 'node7\\..*' },
      { uuid: EP_A, endpointPath: '/x', localPath: '/y', hostRegex: 'nomatch' },
    ];
    const check = (await h.call('connectors:globus-endpoints-check', [rows])) as {
      ok: boolean;
      rows: { messages: Record<string, string>; matchesHost: boolean | null }[];
    };
    expect(check.ok).toBe(false);
    expect(Object.keys(check.rows[0]?.messages ?? {}).sort()).toEqual(['endpointPath', 'hostRegex', 'localPath', 'uuid']);
    expect(check.rows[0]?.messages.hostRegex).toMatch(/fixed-width/i);
    expect(check.rows[0]?.matchesHost).toBeNull();
    expect(check.rows[1]?.matchesHost).toBe(true);
    expect(check.rows[2]?.matchesHost).toBe(false);
    expect(check.rows[2]?.messages.uuid).toMatch(/Same UUID as endpoint 1|each UUID may appear once/);

    const refused = await h.dispatch('connectors:globus-endpoints-save', [rows]);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.message).toMatch(/cannot be saved/);

    const bad = await h.dispatch('connectors:globus-endpoints-import', [{ text: `{"${EP_A}": {"endpoint_path": "/x", "local_path": "/y"}}` }]);
    expect(!bad.ok && bad.error.message).toMatch(/missing 'host_regex'/);
    const relative = await h.dispatch('connectors:globus-endpoints-import', [{ path: 'endpoints.json' }]);
    expect(relative.ok === false && relative.error.kind).toBe('invalid');
    expect(!relative.ok && relative.error.message).toMatch(/absolute/);
  });

  it('looks up collection names only when signed in', async () => {
    const h = harness();
    expect(await h.call('connectors:collection-names', [[EP_A]])).toEqual({ signedIn: false, names: {} });
    h.setSignedIn(true);
    expect(await h.call('connectors:collection-names', [[EP_A, EP_B, 'junk']])).toEqual({
      signedIn: true,
      names: { [EP_A]: 'Theta DTN', [EP_B]: null },
    });
  });
});

describe('connectors capability: MultiConnector config', () => {
  it('round-trips a Python config exactly through the contract (9223372036854775807 included), keeping unknown types dormant', async () => {
    const h = harness();
    const dir = tempDir();
    const text = pythonMulti(dir);
    const state = (await h.call('connectors:import', [{ text }])) as {
      drafts: ConnectorDraft[];
      check: { connectors: { dormant: boolean; dormantReason: string | null; warning: string | null; maxSizeBytes: string }[] };
    };
    expect(state.drafts.map((d) => d.name)).toEqual(['small', 'big', 'kafka']);
    expect(state.drafts.map((d) => [d.policy.minSize, d.policy.maxSize])).toEqual([
      ['0 B', '1 MB'],
      ['1000001 B', 'no limit'],
      ['0 B', 'no limit'],
    ]);
    expect(state.drafts[1]?.policy.hostPattern).toEqual(['laptop', 'node\\d+.*']);
    expect(state.check.connectors.map((c) => [c.dormant, c.dormantReason])).toEqual([
      [false, null],
      [false, null],
      [true, 'unsupported'],
    ]);
    expect(state.check.connectors[2]?.warning).toMatch(/kept unchanged/);
    expect(state.check.connectors[1]?.maxSizeBytes).toBe('9223372036854775807');

    // An import is a draft: nothing is written or used until the editor saves it.
    await expect(readFile(join(h.stateDir, 'connectors', 'multi-connector.json'), 'utf8')).rejects.toThrow(/ENOENT/);
    expect(((await h.call('connectors:get', [])) as { drafts: unknown[] }).drafts).toEqual([]);

    // Save the drafts exactly as the editor got them (after JSON): nothing changes.
    await h.call('connectors:save', [state.drafts]);
    const exported = (await h.call('connectors:export', [{}])) as { text: string };
    expect(exported.text).toContain('"max_size_bytes": 9223372036854775807');
    expect(exported.text).toContain('"limit": 9223372036854775807');
    expect(stringifyExactJson(parseExactJson(exported.text), 0)).toBe(stringifyExactJson(parseExactJson(text), 0));

    // And after a restart.
    const again = harness(h.stateDir);
    const reloaded = (await again.call('connectors:export', [{}])) as { text: string };
    expect(reloaded.text).toBe(exported.text);
  });

  it('routes an object by size and tags, against drafts or the saved config', async () => {
    const h = harness();
    const imported = (await h.call('connectors:import', [{ text: pythonMulti(tempDir()) }])) as { drafts: ConnectorDraft[] };
    await h.call('connectors:save', [imported.drafts]);
    const saved = (await h.call('connectors:route', [{ size: '3 MB', subsetTags: [], supersetTags: [] }, null])) as {
      chosen: string;
      chosenType: string;
      sizeBytes: string;
      candidates: { name: string; status: string }[];
    };
    expect(saved).toMatchObject({ chosen: 'big', chosenType: 'local', sizeBytes: '3000000' });
    expect(saved.candidates.map((c) => [c.name, c.status])).toEqual([
      ['small', 'invalid'],
      ['big', 'chosen'],
      ['kafka', 'dormant'],
    ]);
    const state = (await h.call('connectors:get', [])) as { drafts: ConnectorDraft[] };
    const drafts = state.drafts.map((d) => (d.name === 'small' ? { ...d, policy: { ...d.policy, maxSize: '10 MB' } } : d));
    const tried = (await h.call('connectors:route', [{ size: '3 MB', subsetTags: [], supersetTags: [] }, drafts])) as { chosen: string };
    expect(tried.chosen).toBe('small');
    const tagged = (await h.call('connectors:route', [{ size: '3 MB', subsetTags: ['x'], supersetTags: [] }, drafts])) as {
      chosen: string | null;
      message: string;
    };
    expect(tagged.chosen).toBeNull();
    expect(tagged.message).toMatch(/No connector policy was suitable/);
    const unreadable = (await h.call('connectors:route', [{ size: 'three', subsetTags: [], supersetTags: [] }, null])) as { error: string };
    expect(unreadable.error).toMatch(/number with an optional unit/);
  });

  it('refuses drafts whose name or policy Python would refuse, with what to fix', async () => {
    const h = harness();
    const base: ConnectorDraft = {
      name: 'files',
      connectorPath: 'proxystore.connectors.file.FileConnector',
      config: { store_dir: join(tempDir(), 's') },
      policy: { priority: 0, hostPattern: null, minSize: '0', maxSize: 'no limit', subsetTags: [], supersetTags: [] },
    };
    const check = (await h.call('connectors:check', [
      [
        base,
        { ...base, policy: { ...base.policy, maxSize: '3 parsecs', hostPattern: '(?<=x*)y' } },
        { ...base, name: 'rel', config: { store_dir: 'relative' } },
      ],
    ])) as { ok: boolean; connectors: { messages: Record<string, string>; dormantReason: string | null }[] };
    expect(check.ok).toBe(false);
    expect(check.connectors[0]?.messages).toEqual({});
    expect(check.connectors[1]?.messages.name).toMatch(/used twice/);
    expect(check.connectors[1]?.messages.maxSize).toMatch(/number with an optional unit/);
    expect(check.connectors[1]?.messages.hostPattern).toMatch(/fixed-width/i);
    expect(check.connectors[2]?.messages.config).toMatch(/absolute/);
    expect(check.connectors[2]?.dormantReason).toBe('error');

    const refused = await h.dispatch('connectors:save', [[base, { ...base }]]);
    expect(!refused.ok && refused.error.message).toMatch(/cannot be saved: files: The name "files" is used twice/);
    const badPriority = await h.dispatch('connectors:save', [[{ ...base, policy: { ...base.policy, priority: 1.5 } }]]);
    expect(!badPriority.ok && badPriority.error.kind).toBe('invalid');
    expect(!badPriority.ok && badPriority.error.message).toMatch(/priority must be a whole number/);
  });
});

describe('connectors capability: config errors', () => {
  it('keeps an imported connector that cannot be built (dormant, warned) savable, but refuses one the person wrote', async () => {
    const h = harness();
    const oneEndpoint = `{"g": ["proxystore.connectors.globus.GlobusConnector",
      {"endpoints": {"${EP_A}": {"endpoint_path": "/x", "local_path": "/y", "host_regex": ".*"}}},
      {"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}]}`;
    const state = (await h.call('connectors:import', [{ text: oneEndpoint }])) as {
      drafts: ConnectorDraft[];
      check: { ok: boolean; connectors: { dormantReason: string | null; messages: Record<string, string> }[] };
    };
    expect(state.check.connectors[0]?.dormantReason).toBe('error');
    expect(state.check.connectors[0]?.messages.config).toMatch(/At least two Globus endpoints/);
    expect(state.check.ok).toBe(true);
    const edited = state.drafts.map((d) => ({ ...d, policy: { ...d.policy, priority: 5 } }));
    const saved = (await h.call('connectors:save', [edited])) as { drafts: ConnectorDraft[] };
    expect(saved.drafts[0]?.policy.priority).toBe(5);

    const written = { ...edited[0], name: 'g2', config: { endpoints: {} } } as ConnectorDraft;
    const check = (await h.call('connectors:check', [[...edited, written]])) as { ok: boolean };
    expect(check.ok).toBe(false);
    const refused = await h.dispatch('connectors:save', [[...edited, written]]);
    expect(!refused.ok && refused.error.message).toMatch(/g2: .*GlobusEndpoint/);
  });
});

describe('connectors capability: Stage', () => {
  async function withFileConnector(h: Harness): Promise<string> {
    const store = join(tempDir(), 'store');
    const drafts: ConnectorDraft[] = [
      {
        name: 'files',
        connectorPath: 'proxystore.connectors.file.FileConnector',
        config: { store_dir: store, clear: false },
        policy: { priority: 0, hostPattern: null, minSize: '0 B', maxSize: 'no limit', subsetTags: [], supersetTags: [] },
      },
    ];
    await h.call('connectors:save', [drafts]);
    return store;
  }

  it('inspects paths (folders expanded), puts them with progress, then exists / get-to-file / evict by key', async () => {
    const h = harness();
    await withFileConnector(h);
    const src = tempDir();
    await writeFile(join(src, 'a.bin'), Buffer.alloc(1500, 1));
    await mkdir(join(src, 'sub'));
    await writeFile(join(src, 'sub', 'b.bin'), Buffer.alloc(2_500_000, 2));

    const inspected = (await h.call('connectors:stage-inspect', [[join(src, 'a.bin'), join(src, 'sub'), join(src, 'gone')], { subsetTags: [], supersetTags: [] }])) as {
      files: { name: string; sizeBytes: number; route: { chosen: string | null }; error: string | null }[];
    };
    expect(inspected.files.map((f) => [f.name, f.sizeBytes, f.route.chosen, f.error])).toEqual([
      ['a.bin', 1500, 'files', null],
      ['b.bin', 2_500_000, 'files', null],
      ['gone', 0, null, `${join(src, 'gone')} does not exist`],
    ]);

    const results = (await h.call('connectors:put', [
      [
        { id: 'i1', path: join(src, 'a.bin') },
        { id: 'i2', path: join(src, 'sub', 'b.bin') },
      ],
      { subsetTags: [], supersetTags: [] },
    ])) as { id: string; keyId: string; connectorName: string; error: string | null }[];
    expect(results.map((r) => [r.id, r.connectorName, r.error])).toEqual([
      ['i1', 'files', null],
      ['i2', 'files', null],
    ]);
    const progress = h.events.filter((e) => e.channel === 'connectors:put-progress').map((e) => e.payload as PutProgress);
    expect(progress.filter((p) => p.state === 'done').map((p) => [p.id, p.doneBytes, p.totalBytes])).toEqual([
      ['i1', 1500, 1500],
      ['i2', 2_500_000, 2_500_000],
    ]);
    expect(progress.findIndex((p) => p.id === 'i2' && p.state === 'running')).toBeGreaterThan(
      progress.findIndex((p) => p.id === 'i1' && p.state === 'done'),
    );
    await waitFor(() => h.events.some((e) => e.channel === 'connectors:keys-changed'));

    const keys = (await h.call('connectors:keys', [])) as StoredKey[];
    expect(keys.map((k) => [k.name, k.sizeBytes, k.connectorType])).toEqual([
      ['a.bin', 1500, 'file'],
      ['b.bin', 2_500_000, 'file'],
    ]);
    expect(keys[0]?.key).toMatchObject({ kind: 'multi', connectorName: 'files', connectorKey: { kind: 'file' } });
    const first = keys[0]?.id ?? '';
    expect(await h.call('connectors:key-exists', [first])).toEqual({ exists: true });

    const got = (await h.call('connectors:get-to-file', [first, null])) as { path: string; written: boolean };
    expect(got).toEqual({ path: join(h.stateDir, 'downloads', 'a.bin'), written: true });
    expect((await readFile(got.path)).equals(Buffer.alloc(1500, 1))).toBe(true);
    const second = (await h.call('connectors:get-to-file', [first, null])) as { path: string };
    expect(second.path).toBe(join(h.stateDir, 'downloads', 'a (1).bin'));
    const into = tempDir();
    expect(((await h.call('connectors:get-to-file', [first, into])) as { path: string }).path).toBe(join(into, 'a.bin'));

    const left = (await h.call('connectors:evict', [first])) as StoredKey[];
    expect(left.map((k) => k.name)).toEqual(['b.bin']);
    const gone = await h.dispatch('connectors:key-exists', [first]);
    expect(!gone.ok && gone.error.message).toMatch(/no longer listed/);
  });

  it('exists / get-to-file / evict by a key pasted from Python for an object Ferry did not put', async () => {
    const h = harness();
    const store = await withFileConnector(h);
    await mkdir(store, { recursive: true });
    // What ProxyStore's FileConnector.put leaves: the object's file and its `.ready` marker.
    await writeFile(join(store, 'py-object-1'), Buffer.from('put by Python'));
    await writeFile(join(store, 'py-object-1.ready'), '');
    const multi = { pasted: "MultiKey(connector_name='files', connector_key=FileKey(filename='py-object-1'))" };
    const bare = { pasted: "FileKey(filename='py-object-1')" };

    expect(await h.call('connectors:key-exists', [multi])).toEqual({ exists: true });
    expect(await h.call('connectors:key-exists', [bare])).toEqual({ exists: true });
    const got = (await h.call('connectors:get-to-file', [bare, null])) as { path: string; written: boolean };
    expect(got).toEqual({ path: join(h.stateDir, 'downloads', 'py-object-1'), written: true });
    expect(await readFile(got.path, 'utf8')).toBe('put by Python');
    expect(await h.call('connectors:evict', [multi])).toEqual([]);
    expect(await h.call('connectors:key-exists', [multi])).toEqual({ exists: false });

    for (const [pasted, message] of [
      ["MultiKey(connector_name='nope', connector_key=FileKey(filename='x'))", /does not exist/],
      ["LocalKey(id='x')", /No connector in this configuration holds local keys/],
      ['__import__("os").system("true")', /./],
      ["FileKey(filename='../../etc/passwd')", /./],
    ] as const) {
      const r = await h.dispatch('connectors:key-exists', [{ pasted }]);
      expect(r.ok, pasted).toBe(false);
      if (!r.ok) {
        expect(r.error.kind).not.toBe('internal');
        expect(r.error.message).toMatch(message);
      }
    }
  });

  it('keeps the GlobusConnector choice visible but refuses its put until someone signs in', async () => {
    const h = harness();
    const local = tempDir();
    await h.call('connectors:globus-endpoints-import', [{ text: endpointsJson(local) }]);
    const endpoints = JSON.parse(endpointsJson(local)) as Record<string, unknown>;
    await h.call('connectors:save', [
      [
        {
          name: 'globus',
          connectorPath: 'proxystore.connectors.globus.GlobusConnector',
          config: { endpoints },
          policy: { priority: 0, hostPattern: null, minSize: '0 B', maxSize: 'no limit', subsetTags: [], supersetTags: [] },
        },
      ],
    ]);
    const src = join(tempDir(), 'x.bin');
    await writeFile(src, 'x');
    const inspected = (await h.call('connectors:stage-inspect', [[src], { subsetTags: [], supersetTags: [] }])) as {
      signedIn: boolean;
      files: { route: { chosen: string; chosenType: string }; needsSignIn: boolean }[];
    };
    expect(inspected.signedIn).toBe(false);
    expect(inspected.files[0]).toMatchObject({ route: { chosen: 'globus', chosenType: 'globus' }, needsSignIn: true });
    const [result] = (await h.call('connectors:put', [[{ id: 'g', path: src }], { subsetTags: [], supersetTags: [] }])) as { error: string }[];
    expect(result?.error).toMatch(/Sign in to Globus to put through globus/);
  });

  it('refuses bad stage input at the contract', async () => {
    const h = harness();
    const empty = await h.dispatch('connectors:put', [[], { subsetTags: [], supersetTags: [] }]);
    expect(!empty.ok && empty.error.message).toMatch(/stage at least one file/);
    const relative = await h.dispatch('connectors:stage-inspect', [['a.bin'], { subsetTags: [], supersetTags: [] }]);
    expect(!relative.ok && relative.error.message).toMatch(/absolute/);
    const noConnectors = (await h.call('connectors:route', [{ size: '1 kB', subsetTags: [], supersetTags: [] }, null])) as { chosen: null; message: string };
    expect(noConnectors.chosen).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------------
// Hardening (issue 14): what a host gets back for files and configs that cannot be used.

