import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectorDraft } from '../../../shared/contract/connectors';
import { ConnectorsWorkspace } from './workspace';

import { toAppErrorShape } from '../kernel';
import { disposers, EP_A, EP_B, HOST, harness, tempDir, type Harness } from './testing/handlers-harness';

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

describe('connectors capability: importing files that cannot be used (hardening)', () => {
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

describe('connectors capability: drafts and arguments that cannot be used (hardening)', () => {
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
      [[globus('(?<=a+)b')], new RegExp(`endpoints\\.${EP_A}\\.host_regex: Invalid regular expression: look-behind requires fixed-width pattern`)],
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
