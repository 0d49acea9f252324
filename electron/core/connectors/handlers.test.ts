import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../../shared/account';
import type { ConnectorDraft, PutProgress, StoredKey } from '../../../shared/contract/connectors';
import type { EventChannel, HandlerTable } from '../../../shared/ipc-contract';
import { parseExactJson, stringifyExactJson } from './exact-json';
import { ConnectorsWorkspace } from './workspace';
import type { GlobusAuth } from '../globus';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { createEventBus, dispatchInvoke, toAppErrorShape } from '../kernel';
import { createConnectorsCapability, type ConnectorsDeps } from './handlers';

const HOST = 'node7.cluster.example.org';
const EP_A = '0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11';
const EP_B = '5f3c8a4e-6b1d-4c2a-8e7f-9d0a1b2c3d44';

const dirs: string[] = [];
const disposers: (() => unknown)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ferry-feat-conn-'));
  dirs.push(d);
  return d;
}

interface Harness {
  readonly call: (channel: string, args: unknown[]) => Promise<unknown>;
  readonly dispatch: (channel: string, args: unknown[]) => ReturnType<typeof dispatchInvoke>;
  readonly events: { channel: EventChannel; payload: unknown }[];
  readonly stateDir: string;
  setSignedIn(value: boolean): void;
}

function harness(stateDir = tempDir()): Harness {
  let signedIn = false;
  const bus = createEventBus();
  const events: { channel: EventChannel; payload: unknown }[] = [];
  bus.subscribe((channel, payload) => events.push({ channel, payload }));
  const auth = { status: () => ({ state: signedIn ? 'signed-in' : 'signed-out' }) as AccountStatus } as unknown as GlobusAuth;
  // The one fake Transfer service: it knows one collection's name and answers 404 for any other.
  const transfer = new FakeTransferService();
  transfer.setCollection(EP_A, 'Theta DTN');
  const deps: ConnectorsDeps = {
    stateDir,
    bus,
    auth,
    transfer,
    env: {},
  };
  const feature = createConnectorsCapability(deps, { hostname: () => HOST, progressIntervalMs: 0 });
  disposers.push(() => feature.dispose());
  const handlers = feature.handlers as unknown as HandlerTable;
  const dispatch = (channel: string, args: unknown[]) => dispatchInvoke(handlers, channel, args);
  const call = async (channel: string, args: unknown[]) => {
    const r = await dispatch(channel, args);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    // What crosses the contract is JSON: anything that survives only in memory would be lost here.
    return JSON.parse(JSON.stringify(r.result)) as unknown;
  };
  return { call, dispatch, events, stateDir, setSignedIn: (v) => (signedIn = v) };
}

const endpointsJson = (localA: string) => `{
  "${EP_A}": {"endpoint_path": "/~/proxystore", "local_path": "${localA}", "host_regex": "node\\\\d+\\\\.cluster\\\\.example\\\\.org"},
  "${EP_B}": {"endpoint_path": "/proxystore", "local_path": "/scratch/proxystore", "host_regex": "laptop.*"}
}`;

const pythonMulti = (dir: string) => `{
  "small": ["proxystore.connectors.file.FileConnector", {"store_dir": "${dir}/small", "clear": false, "buffering": -1},
            {"priority": 2, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 1000000, "subset_tags": [], "superset_tags": []}],
  "big": ["proxystore.connectors.local.LocalConnector", {"include_data_in_config": false},
          {"priority": 1, "host_pattern": ["laptop", "node\\\\d+.*"], "min_size_bytes": 1000001, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}],
  "kafka": ["proxystore.connectors.kafka.KafkaConnector", {"limit": 9223372036854775807},
            {"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 9223372036854775807, "subset_tags": [], "superset_tags": []}]
}`;

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe('connectors feature: Globus endpoints', () => {
  it('imports ProxyStore JSON, reports the host match per row, saves it and reads it back after a restart', async () => {
    const h = harness();
    const state = (await h.call('connectors:globus-endpoints-import', [{ text: endpointsJson('/home/me/ps') }])) as {
      hostname: string;
      rows: { uuid: string; hostRegex: string }[];
      check: { rows: { matchesHost: boolean | null }[]; ok: boolean };
    };
    expect(state.hostname).toBe(HOST);
    expect(state.rows.map((r) => r.uuid)).toEqual([EP_A, EP_B]);
    expect(state.check.rows.map((r) => r.matchesHost)).toEqual([true, false]);
    expect(await h.call('connectors:host-info', [])).toEqual({ hostname: HOST });

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

  it('checks each field with the core validators and refuses to save what ProxyStore would refuse', async () => {
    const h = harness();
    const rows = [
      { uuid: 'not-a-uuid', endpointPath: 'relative', localPath: 'also/relative', hostRegex: '(a+)+$' },
      { uuid: EP_A, endpointPath: '/x', localPath: '/y', hostRegex: 'node7\\..*' },
      { uuid: EP_A, endpointPath: '/x', localPath: '/y', hostRegex: 'nomatch' },
    ];
    const check = (await h.call('connectors:globus-endpoints-check', [rows])) as {
      ok: boolean;
      rows: { messages: Record<string, string>; matchesHost: boolean | null }[];
    };
    expect(check.ok).toBe(false);
    expect(Object.keys(check.rows[0]?.messages ?? {}).sort()).toEqual(['endpointPath', 'hostRegex', 'localPath', 'uuid']);
    expect(check.rows[0]?.messages.hostRegex).toMatch(/backtrack/i);
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

describe('connectors feature: MultiConnector config', () => {
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
    await h.call('connectors:import', [{ text: pythonMulti(tempDir()) }]);
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
        { ...base, policy: { ...base.policy, maxSize: '3 parsecs', hostPattern: '(x*)*y' } },
        { ...base, name: 'rel', config: { store_dir: 'relative' } },
      ],
    ])) as { ok: boolean; connectors: { messages: Record<string, string>; dormantReason: string | null }[] };
    expect(check.ok).toBe(false);
    expect(check.connectors[0]?.messages).toEqual({});
    expect(check.connectors[1]?.messages.name).toMatch(/used twice/);
    expect(check.connectors[1]?.messages.maxSize).toMatch(/number with an optional unit/);
    expect(check.connectors[1]?.messages.hostPattern).toMatch(/backtrack/i);
    expect(check.connectors[2]?.messages.config).toMatch(/absolute/);
    expect(check.connectors[2]?.dormantReason).toBe('error');

    const refused = await h.dispatch('connectors:save', [[base, { ...base }]]);
    expect(!refused.ok && refused.error.message).toMatch(/cannot be saved: files: The name "files" is used twice/);
    const badPriority = await h.dispatch('connectors:save', [[{ ...base, policy: { ...base.policy, priority: 1.5 } }]]);
    expect(!badPriority.ok && badPriority.error.kind).toBe('invalid');
    expect(!badPriority.ok && badPriority.error.message).toMatch(/priority must be a whole number/);
  });
});

describe('connectors feature: config errors', () => {
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

describe('connectors feature: Stage', () => {
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

type Failure = { readonly code: string; readonly kind: string; readonly message: string; readonly details?: unknown };

/** The error of a dispatch that must fail: never kind 'internal', never Node's errno text or a stack overflow. */
async function failure(h: Harness, channel: string, args: unknown[]): Promise<Failure> {
  const r = await h.dispatch(channel, args);
  if (r.ok) throw new Error(`${channel} unexpectedly succeeded`);
  expect(r.error.kind).not.toBe('internal');
  expect(r.error.message).not.toMatch(/ENOENT|EACCES|EISDIR|no such file|call stack|Unexpected token/i);
  return r.error;
}

const IMPORTS = ['connectors:globus-endpoints-import', 'connectors:import'] as const;
const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('connectors feature: importing files that cannot be used (hardening)', () => {
  it('names a missing file as not-found (FileNotFound), with the path and what to do, and no errno text', async () => {
    const h = harness();
    const missing = join(tempDir(), 'nope', 'endpoints.json');
    for (const channel of IMPORTS) {
      const e = await failure(h, channel, [{ path: missing }]);
      expect([e.kind, e.code]).toEqual(['not-found', 'FileNotFound']);
      expect(e.message).toContain(missing);
      expect(e.message).toMatch(/check the path/);
    }
  });

  it('refuses a folder, and an unreadable file, naming the path', async () => {
    const h = harness();
    const dir = tempDir();
    for (const channel of IMPORTS) {
      const e = await failure(h, channel, [{ path: dir }]);
      expect([e.kind, e.code]).toEqual(['refused', 'NotAFile']);
      expect(e.message).toContain(`${dir} is a folder`);
    }
    const loop = join(dir, 'loop.json');
    await symlink(join(dir, 'loop-b.json'), loop);
    await symlink(loop, join(dir, 'loop-b.json'));
    for (const channel of IMPORTS) {
      const e = await failure(h, channel, [{ path: loop }]);
      expect([e.kind, e.code, e.message]).toEqual(['refused', 'FileUnreadable', `${loop} could not be read (the path loops through symbolic links): copy it somewhere readable and import the copy.`]);
    }
    if (process.platform === 'win32' || process.getuid?.() === 0) return; // root reads anything
    const locked = join(dir, 'locked.json');
    await writeFile(locked, '{}', { mode: 0o000 });
    for (const channel of IMPORTS) {
      const e = await failure(h, channel, [{ path: locked }]);
      expect([e.kind, e.code]).toEqual(['refused', 'FileUnreadable']);
      expect(e.message).toContain(locked);
      expect(e.message).toMatch(/permission denied/);
    }
  });

  it('reads no more than 5 MB of a file: a larger one is too-large, with the limit in the message', async () => {
    const h = harness();
    const big = join(tempDir(), 'big.json');
    await writeFile(big, `{"a": "${'x'.repeat(5_000_000)}"}`);
    for (const channel of IMPORTS) {
      const e = await failure(h, channel, [{ path: big }]);
      expect([e.kind, e.code]).toEqual(['too-large', 'FileTooLarge']);
      expect(e.message).toContain(big);
      expect(e.message).toContain('5 MB');
    }
  });

  it('says a file is not JSON with its line and column, quoting nothing of it (not even its first character)', async () => {
    const h = harness();
    const dir = tempDir();
    const notes = join(dir, 'notes.txt');
    await writeFile(notes, 'secret-content-xyz {');
    const shadow = join(dir, 'pw');
    await writeFile(shadow, 'root:$6$secretsalt$secrethash:19000:0:99999:7:::\n');
    const later = join(dir, 'later.json');
    await writeFile(later, '{\n  "a": secret-content-xyz\n}');
    const latin1 = join(dir, 'latin1.json');
    await writeFile(latin1, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])); // {"é":1} in Latin-1
    for (const channel of IMPORTS) {
      for (const [source, label] of [
        [{ path: notes }, notes],
        [{ text: 'secret-content-xyz {' }, 'The imported text'],
        [{ path: shadow }, shadow],
      ] as const) {
        const e = await failure(h, channel, [source]);
        expect([e.kind, e.code]).toEqual(['refused', 'NotJson']);
        expect(e.message.startsWith(`${label} is not JSON (unexpected character at line 1, column 1): choose a ProxyStore `)).toBe(true);
        expect(e.message.slice(label.length)).not.toMatch(/secret|root|"s"|"r"/);
      }
      const second = await failure(h, channel, [{ path: later }]);
      expect(second.code).toBe('NotJson');
      expect(second.message).toContain('line 2, column 8');
      expect(second.message).not.toContain('secret');
      expect(second.details).toEqual({ line: 2, column: 8 });
      const encoded = await failure(h, channel, [{ path: latin1 }]);
      expect([encoded.code, encoded.message]).toEqual(['NotJson', expect.stringMatching(/not UTF-8/)]);
    }
  });

  it('refuses JSON nested 20,000 deep in a file or its text with a depth limit, not a stack overflow', async () => {
    const h = harness();
    const deep = join(tempDir(), 'deep.json');
    await writeFile(deep, deepObjects(20_000));
    for (const channel of IMPORTS) {
      for (const source of [{ text: deepArrays(20_000) }, { text: deepObjects(20_000) }, { path: deep }]) {
        const e = await failure(h, channel, [source]);
        expect([e.kind, e.code]).toEqual(['too-large', 'TooDeep']);
        expect(e.message).toMatch(/nested more than 64 levels deep \(at line 1, column \d+\)/);
      }
    }
    // A saved file nested that deep (written by hand) is reported on load, not crashed on.
    const stateDir = tempDir();
    await mkdir(join(stateDir, 'connectors'));
    await writeFile(join(stateDir, 'connectors', 'multi-connector.json'), deepObjects(20_000));
    await writeFile(join(stateDir, 'connectors', 'globus-endpoints.json'), deepArrays(20_000));
    const again = harness(stateDir);
    const state = (await again.call('connectors:get', [])) as { loadError: string | null; drafts: unknown[] };
    expect(state.drafts).toEqual([]);
    expect(state.loadError).toMatch(/multi-connector\.json is nested more than 64 levels deep/);
    const endpoints = (await again.call('connectors:globus-endpoints-get', [])) as { loadError: string | null };
    expect(endpoints.loadError).toMatch(/globus-endpoints\.json is nested more than 64 levels deep/);
  });

  it('names the exact place a GlobusEndpoints file is wrong (InvalidFile), without its values', async () => {
    const h = harness();
    const row = (fields: Record<string, unknown>) => JSON.stringify({ [EP_A]: { endpoint_path: '/x', local_path: '/y', host_regex: '.*', ...fields } });
    const cases: [string, RegExp][] = [
      [row({ host_regex: 5 }), new RegExp(`^The imported text is not a ProxyStore GlobusEndpoints JSON file: ${EP_A}\\.host_regex: expected a string \\(a Python regular expression\\), got a number$`)],
      [row({ local_path: ['secret-value-abc'] }), new RegExp(`: ${EP_A}\\.local_path: expected a string \\(a path\\), got a list$`)],
      [row({ local_path: '/secret\u0000x' }), new RegExp(`: ${EP_A}\\.local_path: a path may not contain NUL characters$`)],
      [row({ host_regex: '(secret' }), new RegExp(`: ${EP_A}\\.host_regex: Invalid regular expression: Missing \\)`)],
      [JSON.stringify({ [EP_A]: 'secret-value-abc' }), new RegExp(`: ${EP_A}: expected an object with endpoint_path, local_path and host_regex, got a string$`)],
      [JSON.stringify(['secret-value-abc']), /: expected a JSON object keyed by Globus collection UUID, got a list$/],
      ['{}', /: it lists no endpoints; ProxyStore needs at least one$/],
      [`{"${EP_A}": {"endpoint_path": "/x", "local_path": "/y"}}`, new RegExp(`: ${EP_A}\\.host_regex: missing 'host_regex'`)],
      [`{"${EP_A}": ${row({}).slice(40, -1)}, "${EP_A}": ${row({}).slice(40, -1)}}`, new RegExp(`: ${EP_A}: this collection UUID appears twice`)],
    ];
    for (const [text, expected] of cases) {
      const e = await failure(h, 'connectors:globus-endpoints-import', [{ text }]);
      expect([e.kind, e.code, e.message]).toEqual(['refused', 'InvalidFile', expect.stringMatching(expected)]);
      expect(e.message).not.toContain('secret-value');
    }
    const file = join(tempDir(), 'endpoints.json');
    await writeFile(file, row({ host_regex: 5 }));
    const e = await failure(h, 'connectors:globus-endpoints-import', [{ path: file }]);
    expect(e.message).toBe(`${file} is not a ProxyStore GlobusEndpoints JSON file: ${EP_A}.host_regex: expected a string (a Python regular expression), got a number`);
    expect(e.details).toEqual({ path: `${EP_A}.host_regex` });
  });

  it('names the exact place a MultiConnector config is wrong (InvalidFile), without its values', async () => {
    const h = harness();
    const policy = '{"priority": 0, "host_pattern": null, "min_size_bytes": 0, "max_size_bytes": 10, "subset_tags": [], "superset_tags": []}';
    const cases: [string, string][] = [
      ['["secret-value-abc"]', 'a MultiConnector config must be a JSON object of named connectors, got a list'],
      ['{"small": "secret-value-abc"}', 'small: expected [connector_path, connector_config, policy_dict], got a string'],
      ['{"small": [7, {}, {}]}', 'small[0]: connector_path must be a dotted class path string, got a number'],
      ['{"small": ["x.Y", ["secret-value-abc"], {}]}', 'small[1]: connector_config must be an object, got a list'],
      ['{"small": ["x.Y", {}, "secret-value-abc"]}', 'small[2]: policy_dict must be an object, got a string'],
      ['{"small": ["x.Y", {}, {"priority": "secret-value-abc"}]}', 'small[2].priority: priority must be an integer'],
      ['{"my files": ["x.Y", {}, {"max_size_bytes": [1]}]}', '["my files"][2].max_size_bytes: max_size_bytes must be an integer number of bytes'],
      [`{"a": ["x.Y", {}, ${policy}], "a": ["x.Y", {}, ${policy}]}`, 'a: this connector name appears twice; each may appear once'],
    ];
    for (const [text, where] of cases) {
      const e = await failure(h, 'connectors:import', [{ text }]);
      expect([e.kind, e.code, e.message]).toEqual(['refused', 'InvalidFile', `The imported text is not a ProxyStore MultiConnector config (JSON): ${where}`]);
    }
  });

  it('quotes at most 80 characters of an offending value or key', async () => {
    const h = harness();
    const long = `secret-${'x'.repeat(10_000)}`;
    const e = await failure(h, 'connectors:import', [{ text: `{"${long}": ["x.Y", {}, {"priority": 0, "${long}": 1}]}` }]);
    expect(e.code).toBe('InvalidFile');
    expect(e.message.length).toBeLessThan(600);
    const name = `secret_${'x'.repeat(400)}`;
    const endpoints = await failure(h, 'connectors:globus-endpoints-import', [
      { text: JSON.stringify({ [EP_A]: { endpoint_path: '/x', local_path: '/y', host_regex: `(?P<${name}>a)(?P<${name}>b)` } }) },
    ]);
    expect(endpoints.message).toMatch(/Redefinition of group name "secret_x{72}\u2026"/);
    expect(endpoints.message.length).toBeLessThan(300);
  });
});

describe('connectors feature: drafts and arguments that cannot be used (hardening)', () => {
  const draft = (over: Partial<ConnectorDraft> = {}): ConnectorDraft => ({
    name: 'files',
    connectorPath: 'proxystore.connectors.file.FileConnector',
    config: { store_dir: '/tmp/ferry-store' },
    policy: { priority: 0, hostPattern: null, minSize: '0', maxSize: 'no limit', subsetTags: [], supersetTags: [] },
    ...over,
  });
  const nested = (depth: number): Record<string, unknown> => {
    let v: Record<string, unknown> = { leaf: 1 };
    for (let i = 1; i < depth; i++) v = { a: v };
    return v;
  };

  it('answers invalid drafts with invalid/refused and what to fix, never 500', async () => {
    const h = harness();
    const globus = (hostRegex: unknown) =>
      draft({
        connectorPath: 'proxystore.connectors.globus.GlobusConnector',
        config: { endpoints: { [EP_A]: { endpoint_path: '/x', local_path: '/y', host_regex: hostRegex }, [EP_B]: { endpoint_path: '/x', local_path: '/z', host_regex: 'b' } } },
      });
    const cases: [ConnectorDraft[], RegExp][] = [
      [[draft({ name: '' })], /Every connector needs a name/],
      [[draft({ config: { store_dir: 'relative' } })], /store_dir must be an absolute path/],
      [[draft({ config: { store_dir: '/tmp/a\u0000b' } })], /store_dir may not contain NUL characters/],
      [[draft({ config: { store_dir: '/tmp/x', secret_key: 'secret-value-abc' } })], /unexpected key "secret_key"/],
      [[globus(5)], new RegExp(`endpoints\\.${EP_A}\\.host_regex: expected a string \\(a Python regular expression\\), got a number`)],
      [[globus('(a+)+')], new RegExp(`endpoints\\.${EP_A}\\.host_regex: Regular expression could backtrack catastrophically`)],
      [[draft({ policy: { ...draft().policy, minSize: 'lots' } })], /Minimum size: use a number/],
      [[draft({ connectorPath: 'not a class path' })], /dotted Python class path/],
    ];
    for (const [drafts, expected] of cases) {
      const e = await failure(h, 'connectors:save', [drafts]);
      expect(['invalid', 'refused']).toContain(e.kind);
      expect(e.message).toMatch(expected);
      expect(e.message).not.toContain('secret-value');
    }
  });

  it('refuses configs nested 20,000 deep before any handler (save, check, route), and core refuses them itself', async () => {
    const h = harness();
    const deep = [draft({ config: nested(20_000) })];
    for (const [channel, args] of [
      ['connectors:save', [deep]],
      ['connectors:check', [deep]],
      ['connectors:route', [{ size: '1 B', subsetTags: [], supersetTags: [] }, deep]],
    ] as const) {
      const e = await failure(h, channel, [...args]);
      expect(e.kind).toBe('too-large');
      expect(e.message).toMatch(/nested more than 64 levels/);
    }
    // Core refuses them too when called without the contract in front (a depth limit, not the stack's).
    const workspace = new ConnectorsWorkspace({ dir: join(tempDir(), 'c'), downloadsDir: tempDir(), hostname: () => HOST });
    disposers.push(() => workspace.close());
    const check = workspace.checkDrafts(deep);
    expect(check.ok).toBe(false);
    expect(check.connectors[0]?.messages.config).toMatch(/^files\.config(\.a)+ is nested more than 62 levels deep/);
    const saved = await workspace.saveDrafts(deep).catch((error: unknown) => error);
    expect(toAppErrorShape(saved, () => undefined)).toMatchObject({ kind: 'refused', message: expect.stringMatching(/nested more than 62 levels deep/) });
  });

  it('saves a config as deep as the contract lets through, exports a file that imports again, and refuses a file one level deeper', async () => {
    const h = harness();
    const deepest = [draft({ connectorPath: 'x.DeepConnector', config: nested(61) })];
    const saved = (await h.call('connectors:save', [deepest])) as { drafts: ConnectorDraft[] };
    expect(saved.drafts[0]?.config).toEqual(nested(61));
    const exported = (await h.call('connectors:export', [{}])) as { text: string };
    const again = harness();
    expect(((await again.call('connectors:import', [{ text: exported.text }])) as { drafts: ConnectorDraft[] }).drafts[0]?.config).toEqual(nested(61));
    const tooDeep = await failure(h, 'connectors:save', [[draft({ config: nested(62) })]]);
    expect(tooDeep.kind).toBe('too-large');
    // The exported file holds the config two levels down: 63 deep. A 65-deep file is refused.
    const deeper = exported.text.replace('"leaf": 1', '"leaf": [[1]]');
    const refused = await failure(again, 'connectors:import', [{ text: deeper }]);
    expect([refused.kind, refused.code]).toEqual(['too-large', 'TooDeep']);
  });

  it('bounds every string and list of the contract, refuses NUL in paths, and says how to give a source', async () => {
    const h = harness();
    const both = await failure(h, 'connectors:import', [{ path: '/x.json', text: '{}' }]);
    expect([both.kind, both.message]).toEqual(['invalid', expect.stringMatching(/give either \{ path: an absolute path .* \} or \{ text: the text of the file \}/)]);
    const nul = await failure(h, 'connectors:globus-endpoints-import', [{ path: '/tmp/a\u0000b.json' }]);
    expect([nul.kind, nul.message]).toEqual(['invalid', expect.stringMatching(/may not contain NUL/)]);
    const row = { uuid: EP_A, endpointPath: '/x', localPath: '/y\u0000z', hostRegex: '.*' };
    const localNul = await failure(h, 'connectors:globus-endpoints-check', [[row]]);
    expect([localNul.kind, localNul.message]).toEqual(['invalid', expect.stringMatching(/localPath: local path may not contain NUL/)]);
    const longPath = await failure(h, 'connectors:stage-inspect', [[`/${'a'.repeat(5000)}`], { subsetTags: [], supersetTags: [] }]);
    expect(longPath.message).toMatch(/longer than 4096/);
    const manyKeys = await failure(h, 'connectors:check', [[draft({ config: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, i])) })]]);
    expect(manyKeys.message).toMatch(/config has more than 200 keys/);
    const longKey = `secret-${'k'.repeat(300)}`;
    const bigKey = await failure(h, 'connectors:check', [[draft({ config: { [longKey]: 1 } })]]);
    expect(bigKey.message).toMatch(/config keys must be at most 200 characters/);
    expect(bigKey.message).not.toContain('secret');
    for (const config of [null, [], 'secret-value-abc']) {
      const notObject = await failure(h, 'connectors:save', [[{ ...draft(), config }]]);
      expect([notObject.kind, notObject.message]).toEqual(['invalid', expect.stringMatching(/config: config must be a JSON object/)]);
      expect(notObject.message).not.toContain('secret');
    }
    const tags = await failure(h, 'connectors:route', [{ size: '1 B', subsetTags: Array.from({ length: 101 }, (_, i) => `t${i}`), supersetTags: [] }, null]);
    expect(tags.message).toMatch(/at most 100 tags/);
  });
});
