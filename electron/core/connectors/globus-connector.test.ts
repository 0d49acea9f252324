import { getEventListeners } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { checkConnectorConfig } from './drafts';
import { FileConnector } from './file-connector';
import { GlobusConnector, GlobusTaskTimeoutError, syncLevelNumber, waitMs } from './globus-connector';
import { GlobusEndpoints, type GlobusEndpoint } from './globus-endpoints';
import { keysEqual, type GlobusKey } from './keys';
import { useTempDirs } from './testing/test-dirs';

const tempDir = useTempDirs();

const UUIDS = {
  a: 'aaaaaaaa-0000-4000-8000-000000000001',
  b: 'bbbbbbbb-0000-4000-8000-000000000002',
  c: 'cccccccc-0000-4000-8000-000000000003',
} as const;

/** Three collections, each rooted in its own directory, store dir `/proxystore` in each. */
function setup(options: { timeoutMs?: number } = {}) {
  const base = tempDir();
  const roots = { [UUIDS.a]: join(base, 'a'), [UUIDS.b]: join(base, 'b'), [UUIDS.c]: join(base, 'c') };
  for (const r of Object.values(roots)) mkdirSync(r);
  const endpoints: GlobusEndpoint[] = (['a', 'b', 'c'] as const).map((n) => ({
    uuid: UUIDS[n],
    endpointPath: '/proxystore',
    localPath: join(roots[UUIDS[n]] as string, 'proxystore'),
    hostRegex: `host-${n}(\\..*)?`,
  }));
  // The one fake Transfer service: tasks really copy between the roots and end on the next call
  // (at least 1 ms later); an id that is no UUID gets 400 as Globus answers.
  const transfer = new FakeTransferService({ collections: roots, taskDurationMs: 0, malformedTaskIds: 'bad-request' });
  const on = (host: string) =>
    new GlobusConnector(endpoints, transfer, {
      hostname: () => host,
      pollingIntervalMs: 5,
      timeoutMs: options.timeoutMs ?? 10_000,
    });
  const local = (n: 'a' | 'b' | 'c', filename: string) => join(roots[UUIDS[n]] as string, 'proxystore', filename);
  return { transfer, endpoints, on, local, base };
}

describe('GlobusConnector with three endpoints (fake transfer service that copies files)', () => {
  it('put writes locally and submits one transfer to each other endpoint; get works on every host', async () => {
    const { transfer, on, local } = setup();
    const a = on('host-a.example');
    const key = await a.put(Buffer.from('hello'));
    expect(key.kind).toBe('globus');
    expect(key.taskIds).toHaveLength(2);
    expect(readFileSync(local('a', key.filename)).toString()).toBe('hello');
    expect(transfer.transfers.map((t) => [t.source_endpoint, t.destination_endpoint])).toEqual([
      [UUIDS.a, UUIDS.b],
      [UUIDS.a, UUIDS.c],
    ]);
    const doc = transfer.transfers[0];
    expect(doc?.sync_level).toBe(2); // 'mtime'
    expect(doc).toMatchObject({ notify_on_succeeded: false, notify_on_failed: false, notify_on_inactive: false });
    // The submit path builds items without DATA_TYPE; only the Transfer service adds it (once) on the wire.
    expect(doc?.DATA).toEqual([
      { source_path: `/proxystore/${key.filename}`, destination_path: `/proxystore/${key.filename}` },
    ]);
    for (const host of ['host-b', 'host-c', 'host-a']) {
      const c = on(host);
      expect(await c.exists(key)).toBe(true);
      expect(Buffer.from((await c.get(key)) ?? []).toString()).toBe('hello');
    }
    // Exactly what ProxyStore's GlobusConnector writes: the object file and nothing else, so once
    // Python evicts it (os.remove of that one file) nothing is left behind for FileConnector to see.
    for (const host of ['a', 'b', 'c'] as const) expect(readdirSync(local(host, ''))).toEqual([key.filename]);
    rmSync(local('c', key.filename)); // Python's evict on host c
    const fc = new FileConnector(join(local('c', '')), { clear: false });
    expect(await fc.exists({ kind: 'file', filename: key.filename })).toBe(false);
    expect(readdirSync(local('c', ''))).toEqual([]);
  });

  it('exists waits for the transfer tasks to finish', async () => {
    const { transfer, on, local } = setup();
    transfer.hold();
    const key = await on('host-a').put(Buffer.from('later'));
    const b = on('host-b');
    let settled = false;
    const pending = b.exists(key).then((v) => {
      settled = true;
      return v;
    });
    // the tasks are held ACTIVE: nothing arrives at b and exists keeps waiting
    const task = await transfer.getTask(key.taskIds[0] as string);
    expect(task.status).toBe('ACTIVE');
    expect(existsSync(local('b', key.filename))).toBe(false);
    expect(settled).toBe(false);
    transfer.release();
    expect(await pending).toBe(true);
    expect(readFileSync(local('b', key.filename)).toString()).toBe('later');
  });

  it('a task that does not finish in time raises a timeout error', async () => {
    const { transfer, on } = setup({ timeoutMs: 40 });
    transfer.hold();
    const key = await on('host-a').put(Buffer.from('x'));
    await expect(on('host-b').exists(key)).rejects.toThrow(GlobusTaskTimeoutError);
    await expect(on('host-b').exists(key)).rejects.toThrow(/did not complete within the timeout: status ACTIVE/);
    transfer.release();
  });

  it('a key whose task ids Globus rejects does not exist (ProxyStore checks for 400)', async () => {
    const { on } = setup();
    expect(await on('host-a').exists({ kind: 'globus', filename: 'fake', taskIds: ['fake'] })).toBe(false);
    expect(await on('host-a').get({ kind: 'globus', filename: 'fake', taskIds: ['fake'] })).toBeNull();
  });

  it('evict deletes locally and submits deletes to the other endpoints', async () => {
    const { transfer, on, local } = setup();
    const a = on('host-a');
    const key = await a.put(Buffer.from('bye'));
    expect(await a.exists(key)).toBe(true);
    const deleteTasks = await a.evictWithTasks(key);
    expect(deleteTasks).toHaveLength(2);
    expect(existsSync(local('a', key.filename))).toBe(false);
    expect(transfer.deletes.map((d) => [d.endpoint, d.DATA.map((x) => x.path)])).toEqual([
      [UUIDS.b, [`/proxystore/${key.filename}`, `/proxystore/${key.filename}.ready`]],
      [UUIDS.c, [`/proxystore/${key.filename}`, `/proxystore/${key.filename}.ready`]],
    ]);
    await a.waitOnTasks(deleteTasks);
    expect(existsSync(local('b', key.filename))).toBe(false);
    expect(existsSync(local('c', key.filename))).toBe(false);
    expect(await on('host-b').exists(key)).toBe(false);
    await a.evict(key); // no-op when already gone
    expect(transfer.deletes).toHaveLength(2);
  });

  it('putBatch sends one transfer per other endpoint for all objects; getBatch keeps order', async () => {
    const { transfer, on } = setup();
    const keys = await on('host-b').putBatch([Buffer.from('1'), Buffer.from('22'), Buffer.from('333')]);
    expect(transfer.transfers).toHaveLength(2);
    expect(transfer.transfers[0]?.DATA).toHaveLength(3);
    expect(new Set(keys.map((k) => k.taskIds.join()))).toEqual(new Set([keys[0]?.taskIds.join()]));
    const got = await on('host-c').getBatch(keys);
    expect(got.map((g) => Buffer.from(g ?? []).toString())).toEqual(['1', '22', '333']);
  });

  it('putFile / getToFile stream through the store directories', async () => {
    const { on, base } = setup();
    const src = join(base, 'input.bin');
    writeFileSync(src, Buffer.alloc(3 << 20, 7));
    const key = await on('host-a').putFile(src);
    const dest = join(base, 'output.bin');
    const seen: number[] = [];
    expect(await on('host-c').getToFile(key, dest, { onProgress: (d) => seen.push(d) })).toBe(true);
    expect(readFileSync(dest).equals(Buffer.alloc(3 << 20, 7))).toBe(true);
    expect(seen.at(-1)).toBe(3 << 20);
  });

  it('close(clear) deletes every endpoint directory through Globus; clear=false keeps them', async () => {
    const cases: [boolean, boolean | undefined, boolean][] = [
      [true, undefined, false],
      [false, true, false],
      [false, false, true],
    ];
    for (const [clearDefault, override, shouldExist] of cases) {
      const { transfer, endpoints, local } = setup();
      const a = new GlobusConnector(endpoints, transfer, { hostname: () => 'host-a', pollingIntervalMs: 5, clear: clearDefault });
      const key = await a.put(Buffer.from('x'));
      await a.exists(key);
      await a.close(override);
      for (const n of ['a', 'b', 'c'] as const) expect(existsSync(local(n, ''))).toBe(shouldExist);
      expect(transfer.deletes.length).toBe(shouldExist ? 0 : 3);
      if (!shouldExist) expect(transfer.deletes.every((d) => d.recursive === true)).toBe(true);
    }
  });

  it('finds the local endpoint by hostname, and fails clearly on an unknown host', async () => {
    const { on } = setup();
    expect(on('host-b.cluster').localEndpoint().uuid).toBe(UUIDS.b);
    await expect(on('elsewhere').put(Buffer.from('x'))).rejects.toThrow('Cannot find endpoint matching host elsewhere');
  });

  it('config round-trips in ProxyStore keys; construction checks as ProxyStore', () => {
    const { transfer, endpoints, on } = setup();
    const a = on('host-a');
    expect(a.config()).toEqual({
      endpoints: new GlobusEndpoints(endpoints).toDict(),
      clear: true,
      buffering: -1,
      polling_interval: 0.005,
      sync_level: 'mtime',
      timeout: 10,
    });
    const again = GlobusConnector.fromConfig(a.config(), transfer, { hostname: () => 'host-a' });
    expect(again.config()).toEqual(a.config());
    const s1 = new GlobusConnector(endpoints, transfer);
    const s2 = new GlobusConnector(new GlobusEndpoints(endpoints), transfer);
    const s3 = new GlobusConnector(new GlobusEndpoints(endpoints).toDict(), transfer);
    expect(s1.config()).toEqual(s2.config());
    expect(s2.config()).toEqual(s3.config());
    expect(s1.config()).toMatchObject({ polling_interval: 1, timeout: 60, sync_level: 'mtime', clear: true });
    expect(() => new GlobusConnector(null as never, transfer)).toThrow(/endpoints must be of type/);
    expect(() => new GlobusConnector(endpoints.slice(0, 1), transfer)).toThrow('At least two Globus endpoints are required.');
    expect(() => GlobusConnector.fromConfig({ ...a.config(), sync_level: 'fast' }, transfer)).toThrow(/sync_level/);
    expect(() => GlobusConnector.fromConfig({ ...a.config(), extra: 1 }, transfer)).toThrow(/unexpected key/);
    expect(syncLevelNumber('checksum')).toBe(3);
    expect(syncLevelNumber(1)).toBe(1);
  });

  it('keys are equal by filename only (GlobusKey.__eq__)', () => {
    const key: GlobusKey = { kind: 'globus', filename: 'a', taskIds: ['b'] };
    expect(keysEqual(key, { kind: 'globus', filename: 'a', taskIds: ['b'] })).toBe(true);
    expect(keysEqual(key, { kind: 'globus', filename: 'a', taskIds: ['c'] })).toBe(true);
    expect(keysEqual(key, { kind: 'globus', filename: 'b', taskIds: ['b'] })).toBe(false);
    expect(keysEqual(key, { kind: 'file', filename: 'a' })).toBe(false);
  });
});

describe('GlobusConnector.fromConfig with one unusable endpoint entry', () => {
  const entry = (path: string, host: string) => ({ endpoint_path: path, local_path: path, host_regex: host });

  it('keeps the others working, marks the bad one, and writes the config back as it was', () => {
    const config = {
      endpoints: {
        [UUIDS.a]: entry('/a', '.*'),
        [UUIDS.b]: entry('/b', 'other-host'),
        [UUIDS.c]: entry('/c', '(?<=a+)b'),
      },
    };
    const g = GlobusConnector.fromConfig(config, new FakeTransferService(), { hostname: () => 'here' });
    expect(g.endpoints.size).toBe(2);
    expect(g.endpoints.problems.map((p) => p.uuid)).toEqual([UUIDS.c]);
    expect(g.config().endpoints).toEqual(config.endpoints);
    const check = checkConnectorConfig('proxystore.connectors.globus.GlobusConnector', config, 'here');
    expect(check.error).toBeNull();
    expect(check.warning).toMatch(new RegExp(`endpoints\\.${UUIDS.c}\\.host_regex: .*this endpoint is left out; the others work`));
  });

  it('refuses it, naming the bad entry, when fewer than two endpoints are left', () => {
    const config = { endpoints: { [UUIDS.a]: entry('/a', '.*'), [UUIDS.c]: entry('/c', '(?<=a+)b') } };
    expect(() => GlobusConnector.fromConfig(config, new FakeTransferService())).toThrow(new RegExp(`endpoints\\.${UUIDS.c}\\.host_regex`));
  });
});

describe('waitMs', () => {
  it('takes its listener off the signal once the wait is over (a poll loop waits many times on one)', async () => {
    const life = new AbortController();
    for (let i = 0; i < 5; i++) await waitMs(1, life.signal);
    expect(getEventListeners(life.signal, 'abort')).toHaveLength(0);
    const stop = new AbortController();
    const waiting = waitMs(60_000, stop.signal);
    stop.abort();
    await waiting; // resolves at once on abort
  });
});
