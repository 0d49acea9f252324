import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSubmitter } from '../globus';
import { FakeTransferService } from '../globus/testing/fake-transfer-service';
import { openDatabase } from '../store';
import { codec, sortEntries, type DirEntries } from './codec';
import { stateMigrations } from './db';
import { SyncEngine, type SyncEngineOptions } from './engine';
import { fingerprints, recordOfEntries } from './fingerprint';
import { FolderStore, comparePaths } from './folder-store';
import { buildTree, jobInput, makeSandbox, writeFile, type Sandbox } from './testing/test-support';

describe('state format 3: fingerprints, collisions, chunks, and the upgrade from format 2', () => {
  let s: Sandbox;
  let fake: FakeTransferService;
  let engine: SyncEngine;
  const open = (extra: Partial<SyncEngineOptions> = {}): SyncEngine =>
    new SyncEngine({ dataDir: s.data, transfer: fake, submitter: createSubmitter(() => fake), pollIntervalMs: 10, workers: 2, ...extra });

  beforeEach(() => {
    s = makeSandbox();
    fake = new FakeTransferService({ collections: { SRC: s.src, DST: s.dst }, taskDurationMs: 0 });
    engine = open();
  });

  afterEach(async () => {
    await engine.close();
    s.cleanup();
  });

  it('a forced fingerprint collision never skips the changed file: the folder digest catches it and the folder is sent again', async () => {
    await engine.close();
    // fingerprints that ignore size and mtime: a rewritten file keeps its old fingerprint
    engine = open({ hooks: { weakFingerprints: true } });
    buildTree(s.src, 2, 10);
    const job = engine.createJob(jobInput(s));
    expect((await engine.runJobToCompletion(job.id)).stats.changedFiles).toBe(20);

    writeFile(join(s.src, 'run_0/img_0004.tif'), 'rewritten');
    const preview = await engine.preview(job.id);
    expect(preview.sample.map((f) => f.path)).toContain('run_0/img_0004.tif');
    const run = await engine.runJobToCompletion(job.id);
    expect(run.status).toBe('succeeded');
    const items = fake.tasks().at(-1)?.items ?? [];
    expect(items).toContain('/backup/run_0/img_0004.tif');
    expect(items.every((p) => p.startsWith('/backup/run_0/'))).toBe(true); // run_1 is untouched
    expect(engine.runLog(run.id).join('\n')).toMatch(/run_0: two fingerprints collided/);

    // the collided file beside a new one in the same folder: still caught (nothing was removed)
    writeFile(join(s.src, 'run_1/img_0002.tif'), 'rewritten too');
    writeFile(join(s.src, 'run_1/new.tif'), 'new');
    const both = await engine.runJobToCompletion(job.id);
    expect(fake.tasks().at(-1)?.items).toEqual(expect.arrayContaining(['/backup/run_1/img_0002.tif', '/backup/run_1/new.tif']));
    expect(both.status).toBe('succeeded');
    expect((await engine.runJobToCompletion(job.id)).status).toBe('no_changes');
  });

  it('stores a fingerprint per file: a changed size or mtime is a new fingerprint, the same file is the same one', () => {
    const h = new Uint32Array(4);
    const fp = (name: string, size: number, mtime: number): string => {
      fingerprints.hash(name, 0, size, mtime, false, h, 0);
      return `${h[0]}:${h[1]}`;
    };
    expect(fp('a.tif', 10, 1_537_000_000_000_000)).toBe(fp('a.tif', 10, 1_537_000_000_000_000));
    expect(fp('a.tif', 11, 1_537_000_000_000_000)).not.toBe(fp('a.tif', 10, 1_537_000_000_000_000));
    expect(fp('a.tif', 10, 1_537_000_000_000_001)).not.toBe(fp('a.tif', 10, 1_537_000_000_000_000));
    expect(fp('b.tif', 10, 1_537_000_000_000_000)).not.toBe(fp('a.tif', 10, 1_537_000_000_000_000));
    expect(fp('a.tif', 2 ** 40, 0)).not.toBe(fp('a.tif', 0, 2 ** 40));
    // 1791 detector files: every fingerprint distinct, 8 bytes each in the record
    const names = Array.from({ length: 1791 }, (_, i) => `YAGline9test_${String(i + 1).padStart(5, '0')}.tif`);
    const rec = recordOfEntries({ names, kinds: names.map(() => 0), mtimes: names.map((_, i) => 1_537_000_000_000_000 + i * 2_345_678), sizes: names.map(() => 4_000_000) });
    const decoded = fingerprints.decodeRecord(rec);
    expect(new Set(Array.from(decoded.lo, (lo, i) => `${lo}:${decoded.hi[i]}`)).size).toBe(1791);
    expect(rec.length).toBeLessThan(1791 * 8 + 32);
    expect(decoded.fileDigest).not.toBeNull();
  });

  it('the chunked folder store agrees with a plain map (puts, drops of whole subtrees, children) across chunk splits', () => {
    const name = fc.constantFrom('a', 'b', 'a b', 'a-b', 'é', '😀', 'z', 'run_1', 'run_10', '\uffee');
    const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((p) => p.join('/'));
    const op = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), path, size: fc.nat(40) }),
      fc.record({ kind: fc.constant('drop' as const), path }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const db = new Database(':memory:');
        db.exec('CREATE TABLE chunks (first TEXT PRIMARY KEY, head BLOB NOT NULL, body BLOB NOT NULL) WITHOUT ROWID;');
        const store = new FolderStore(db, 2, { folders: 3, bytes: 64 });
        const model = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'put') {
            store.put(o.path, new Uint8Array(o.size).fill(o.size));
            model.set(o.path, o.size);
          } else {
            store.dropTree(o.path);
            for (const k of [...model.keys()]) if (k === o.path || k.startsWith(`${o.path}/`)) model.delete(k);
          }
        }
        store.flush();
        const fresh = new FolderStore(db, 2, { folders: 3, bytes: 64 });
        for (const [k, size] of model) expect(Array.from(fresh.get(k) ?? [-1])).toEqual(Array.from(new Uint8Array(size).fill(size)));
        expect(fresh.get('nowhere')).toBeNull();
        const tops = new Set([...model.keys()].map((k) => k.split('/')[0] as string));
        expect(fresh.children('').sort(comparePaths)).toEqual([...tops].sort(comparePaths));
        for (const k of model.keys()) {
          const below = new Set([...model.keys()].filter((x) => x.startsWith(`${k}/`)).map((x) => x.slice(k.length + 1).split('/')[0] as string));
          expect(fresh.children(k).sort(comparePaths)).toEqual([...below].sort(comparePaths));
        }
        db.close();
      }),
      { numRuns: 300, examples: [[[{ kind: "put", path: "z/a", size: 0 }, { kind: "put", path: "a", size: 7 }, { kind: "put", path: "z/run_1", size: 0 }, { kind: "put", path: "a/a", size: 20 }, { kind: "put", path: "run_10", size: 38 }]]] },
    );
  });

  it('a job synced with format 2 is converted on open: nothing is sent again, a change is found, its run file lists are kept', async () => {
    buildTree(s.src, 2, 12);
    writeFile(join(s.src, 'run_0/deeper/x.tif'), 'x');
    const job = engine.createJob(jobInput(s));
    await engine.close();

    // the state as format 2 wrote it: a row per folder of names, kinds, mtimes and sizes
    const file = join(s.data, 'sync', 'state', `${job.id}.db`);
    const legacy = openDatabase(file, stateMigrations.slice(0, 2));
    const put = legacy.prepare('INSERT INTO dirs (path, entries) VALUES (?, ?)');
    const walk = (rel: string): void => {
      const abs = rel === '' ? s.src : join(s.src, rel);
      const e: DirEntries = { names: [], kinds: [], mtimes: [], sizes: [] };
      for (const d of readdirSync(abs, { withFileTypes: true })) {
        const st = lstatSync(join(abs, d.name));
        e.names.push(d.name);
        e.kinds.push(d.isDirectory() ? 2 : 0);
        e.mtimes.push(d.isDirectory() ? 0 : Math.round(st.mtimeMs * 1000));
        e.sizes.push(d.isDirectory() ? 0 : st.size);
        if (d.isDirectory()) walk(rel === '' ? d.name : `${rel}/${d.name}`);
      }
      put.run(rel, codec.encode(sortEntries(e)));
    };
    walk('');
    legacy.prepare('INSERT INTO run_files (run_id, grp, files, folders, entries) VALUES (?, 0, 1, ?, ?)').run('old-run', Buffer.from([1]), Buffer.from([2]));
    legacy.close();

    engine = open();
    const after = await engine.runJobToCompletion(job.id);
    expect(after.status).toBe('no_changes');
    expect(fake.tasks()).toHaveLength(0);
    const runs = new Database(join(s.data, 'sync', 'state', `${job.id}.runs.db`), { readonly: true });
    expect(runs.prepare('SELECT run_id FROM run_files').pluck().all()).toEqual(['old-run']);
    runs.close();
    const converted = new Database(file, { readonly: true });
    expect(converted.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()).toEqual(['chunks']);
    converted.close();

    writeFile(join(s.src, 'run_1/img_0003.tif'), 'changed after the upgrade');
    const changed = await engine.runJobToCompletion(job.id);
    expect(changed.stats.changedFiles).toBe(1);
    expect(fake.tasks().at(-1)?.items).toEqual(['/backup/run_1/img_0003.tif']);
  });

  it('a run scanned before the upgrade and committed after it adds what its tasks carried (nothing is sent twice)', async () => {
    buildTree(s.src, 2, 10);
    const job = engine.createJob(jobInput(s));
    await engine.runJobToCompletion(job.id);
    writeFile(join(s.src, 'run_0/img_0001.tif'), 'rewritten');
    writeFile(join(s.src, 'run_1/new.tif'), 'new');
    fake.hold(true);
    const held = await engine.runJob(job.id);
    expect(held.status).toBe('transferring');
    // what format 2 left in the pending record: no fingerprints, removed entries by name
    const sync = new Database(join(s.data, 'sync', 'sync.db'));
    sync.prepare('UPDATE pending_dirs SET fmt = 1, fps = NULL, keep = NULL, gone = NULL, digests = NULL WHERE run_id = ?').run(held.id);
    sync.close();
    fake.hold(false);
    expect((await engine.waitForCompletion(held.id)).status).toBe('succeeded');
    const next = await engine.runJobToCompletion(job.id);
    expect(next.status).toBe('no_changes');
    expect(next.stats.removedEntries).toBe(1); // the old fingerprint of the rewritten file, dropped now
    const after = await engine.runJobToCompletion(job.id);
    expect(after.status).toBe('no_changes');
    expect(after.stats.removedEntries).toBe(0);
    expect(fake.tasks()).toHaveLength(2);
  });
});
