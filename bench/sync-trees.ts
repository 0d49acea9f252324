/**
 * Tree shapes for the sync bench, generated from a seed (same seed, same tree). Files are sparse
 * (a size without the disk) with mtimes a few seconds apart. Every shape returns the paths of the
 * regular files it made (so the bench can change 1,000 of them) and what else it put there.
 */
import { closeSync, chmodSync, ftruncateSync, futimesSync, mkdirSync, openSync, rmSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const treeShapes = ['flat', 'deep-bushy', 'tiny-folders', 'huge-folder', 'mixed-names'] as const;
export type TreeShape = (typeof treeShapes)[number];

export interface BuiltTree {
  readonly shape: TreeShape;
  /** Regular files, in creation order. */
  readonly files: string[];
  readonly dirs: number;
  /** Symlinks, FIFOs and unreadable folders (entries the scan skips or warns about). */
  readonly specials: string;
}

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ASCII = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.';
const OTHER = ['é', 'ü', 'ø', 'ñ', 'ß', 'Ω', 'λ', 'Ж', 'ы', '日', '本', '語', '한', '글', 'ا', 'ע', '😀', '𝄞'];

/** A name of 5–120 characters (at most 200 bytes); 17% with non-ASCII characters, a third with spaces. */
function mixedName(r: () => number, unique: string): string {
  const len = 5 + Math.floor(Math.pow(r(), 2) * 116);
  const foreign = r() < 0.17;
  const spaces = r() < 0.33;
  let s = '';
  for (let i = 0; i < len; i++) {
    const x = r();
    if (foreign && x < 0.3) s += OTHER[Math.floor(r() * OTHER.length)];
    else if (spaces && x > 0.9) s += ' ';
    else s += ASCII[Math.floor(r() * 62)];
  }
  while (Buffer.byteLength(s) > 200) s = s.slice(0, -1);
  return `${s.trim() || 'x'}~${unique}`.normalize('NFC');
}

class Maker {
  readonly files: string[] = [];
  dirs = 0;
  private t = 1_537_000_000;
  /** `dry`: only the paths (the same seed gives the same tree): for a tree built before. */
  constructor(
    readonly r: () => number,
    readonly dry = false,
  ) {}
  dir(path: string): string {
    if (!this.dry) mkdirSync(path, { recursive: true });
    this.dirs++;
    return path;
  }
  file(path: string): void {
    this.t += 1 + this.r() * 3;
    const size = Math.floor(this.r() * 8_000_000);
    if (!this.dry) {
      const fd = openSync(path, 'w');
      ftruncateSync(fd, size);
      futimesSync(fd, this.t, this.t);
      closeSync(fd);
    }
    this.files.push(path);
  }
}

/** Folder sizes: 1 to `max`, median about `median` (log-normal-ish). */
function folderSize(r: () => number, median: number, max: number): number {
  const z = (r() + r() + r() - 1.5) * 2; // about N(0, 1)
  return Math.max(1, Math.min(max, Math.round(median * Math.exp(z * 1.6))));
}

function addSpecials(m: Maker, root: string, dirs: readonly string[], links: number): string {
  const r = m.r;
  for (let i = 0; i < links && m.files.length > 0; i++) {
    const target = m.files[Math.floor(r() * m.files.length)] ?? '';
    const link = join(dirs[Math.floor(r() * dirs.length)] ?? root, `link ${i}`);
    if (!m.dry) symlinkSync(target, link);
  }
  const locked = m.dir(join(root, 'locked folder'));
  m.file(join(locked, 'secret.dat'));
  m.files.pop(); // not sendable when the scan cannot read it (as a non-root user)
  if (!m.dry) {
    chmodSync(locked, 0o000);
    execFileSync('mkfifo', [join(root, 'instrument.fifo')]);
  }
  return `${links} symlinks, 1 unreadable folder (bites only when not root), 1 FIFO`;
}

/** Builds the tree (or, with `dry`, only says what a build with the same arguments made). */
export function buildTree(shape: TreeShape, root: string, count: number, seed: number, dry = false): BuiltTree {
  const m = new Maker(rng(seed), dry);
  const r = m.r;
  m.dir(root);
  let specials = 'none';
  switch (shape) {
    case 'flat': {
      // the detector tree: run folders of 1,791 .tif files
      for (let d = 0; m.files.length < count; d++) {
        const dir = m.dir(join(root, `redacted_Sep2018_${String(d).padStart(3, '0')}_YAGline9test`));
        for (let f = 0; f < 1791 && m.files.length < count; f++) m.file(join(dir, `YAGline9test_${String(f + 1).padStart(5, '0')}.tif`));
      }
      break;
    }
    case 'deep-bushy': {
      // nested 1–7 deep, 1 to 5,000 files per folder (median 7), mixed names; the tree
      const dirs: string[] = [root];
      let n = 0;
      while (m.files.length < count) {
        const parent = dirs[Math.floor(Math.pow(r(), 0.5) * dirs.length)] ?? root;
        const depth = parent.slice(root.length).split('/').length;
        const dir = depth >= 7 ? parent : m.dir(join(parent, mixedName(r, `d${n++}`)));
        if (dir !== parent) dirs.push(dir);
        const k = folderSize(r, 7, 5000);
        for (let f = 0; f < k && m.files.length < count; f++) m.file(join(dir, mixedName(r, `${m.files.length}`)));
      }
      specials = addSpecials(m, root, dirs, Math.max(1, Math.round(count / 2000)));
      break;
    }
    case 'tiny-folders': {
      // 1–3 files per folder, two levels
      for (let d = 0; m.files.length < count; d++) {
        const dir = m.dir(join(root, `group${String(Math.floor(d / 500)).padStart(4, '0')}`, `sample_${d}`));
        const k = 1 + Math.floor(r() * 3);
        for (let f = 0; f < k && m.files.length < count; f++) m.file(join(dir, `frame_${f}.h5`));
      }
      break;
    }
    case 'huge-folder': {
      const dir = m.dir(join(root, 'all'));
      for (let f = 0; f < count; f++) m.file(join(dir, `img_${String(f).padStart(8, '0')}.raw`));
      break;
    }
    case 'mixed-names': {
      // folders of 1–500 files (median 60), every name mixed: lengths, scripts, spaces
      const dirs: string[] = [];
      for (let d = 0; m.files.length < count; d++) {
        const dir = m.dir(join(root, mixedName(r, `g${d % 37}`), mixedName(r, `d${d}`)));
        dirs.push(dir);
        const k = folderSize(r, 60, 500);
        for (let f = 0; f < k && m.files.length < count; f++) m.file(join(dir, mixedName(r, `${m.files.length}`)));
      }
      specials = addSpecials(m, root, dirs, Math.max(1, Math.round(count / 2000)));
      break;
    }
  }
  return { shape, files: m.files, dirs: m.dirs, specials };
}

/**
 * 1,000 changes as an instrument makes them: 500 new files (250 in a new folder, 250 beside the
 * newest files) and 500 existing files rewritten (mtime moved), spread over the tree.
 */
export function changeFiles(tree: BuiltTree, root: string, trial: number, seed: number): number {
  const r = rng(seed + trial * 7919);
  // mtimes from the clock: a kept tree (FERRY_BENCH_TREES) changed by an earlier bench still changes
  let t = Math.floor(Date.now() / 1000) + trial * 10_000;
  const fresh = join(root, `new run ${trial}`);
  mkdirSync(fresh);
  const newest = (tree.files[tree.files.length - 1] ?? join(root, 'x')).replace(/\/[^/]*$/, '');
  for (let k = 0; k < 500; k++) {
    const path = k < 250 ? join(fresh, `frame_${k}.tif`) : join(newest, `appended_${trial}_${k}.tif`);
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 4_000_000);
    futimesSync(fd, (t += 2), t);
    closeSync(fd);
  }
  const n = tree.files.length;
  const touched = new Set<number>();
  while (touched.size < Math.min(500, n)) touched.add(Math.floor(r() * n));
  for (const i of touched) {
    const fd = openSync(tree.files[i] ?? '', 'r+');
    futimesSync(fd, (t += 2), t);
    closeSync(fd);
  }
  return 500 + touched.size;
}

/** Undoes what `changeFiles` added (the new folders and files), so a kept tree can be used again. */
export function undoChanges(tree: BuiltTree, root: string, trials: number): void {
  const newest = (tree.files[tree.files.length - 1] ?? join(root, 'x')).replace(/\/[^/]*$/, '');
  for (let trial = 0; trial < trials; trial++) {
    rmSync(join(root, `new run ${trial}`), { recursive: true, force: true });
    for (let k = 250; k < 500; k++) rmSync(join(newest, `appended_${trial}_${k}.tif`), { force: true });
  }
}
