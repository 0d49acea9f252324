import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeScanFs } from './scan-fs';
import { makeSandbox, writeFile, type Sandbox } from './testing/test-support';

const require = createRequire(import.meta.url);

describe('the scan filesystem (raw listing and stat numbers)', () => {
  let s: Sandbox;
  beforeEach(() => {
    s = makeSandbox();
  });
  afterEach(() => s.cleanup());

  it('lists names and entry types and reads the numbers exactly as the public calls do', () => {
    writeFile(join(s.src, 'a.tif'), 'aaa');
    writeFile(join(s.src, 'é 😀.tif'), 'b');
    mkdirSync(join(s.src, 'sub'));
    symlinkSync('a.tif', join(s.src, 'link'));
    execFileSync('mkfifo', [join(s.src, 'fifo')]);
    const fast = makeScanFs(require).fs;
    const fs = require('node:fs') as typeof import('node:fs');
    const listing = fast.list(s.src);
    const byName = new Map(listing.names.map((n, i) => [n, listing.types[i]]));
    expect([...byName.keys()].sort()).toEqual(fs.readdirSync(s.src).sort());
    expect(byName.get('a.tif')).toBe(1);
    expect(byName.get('sub')).toBe(2);
    expect(byName.get('link')).toBe(3);
    expect([1, 2, 3]).not.toContain(byName.get('fifo')); // a special file (or unknown): the scan asks lstat
    const out = new Float64Array(5);
    for (const name of ['a.tif', 'é 😀.tif', 'sub', 'link']) {
      const p = join(s.src, name);
      const st = fs.lstatSync(p);
      fast.lstat(p, out);
      expect([...out]).toEqual([st.mode, st.size, st.mtimeMs, st.dev, st.ino]);
    }
    const target = fs.statSync(join(s.src, 'link'));
    fast.stat(join(s.src, 'link'), out);
    expect([...out]).toEqual([target.mode, target.size, target.mtimeMs, target.dev, target.ino]);
    // the public calls (where the raw ones do not check out) say the same
    const slow = makeScanFs(require, false).fs;
    const plain = slow.list(s.src);
    for (const [i, name] of plain.names.entries()) if (plain.types[i] !== 0) expect(byName.get(name)).toBe(plain.types[i]);
    expect(plain.names.sort()).toEqual([...listing.names].sort());
    const again = new Float64Array(5);
    slow.lstat(join(s.src, 'a.tif'), again);
    fast.lstat(join(s.src, 'a.tif'), out);
    expect([...again]).toEqual([...out]);
  });

  it('throws errno errors for every failure, and injects the faults tests ask for', () => {
    const scanFs = makeScanFs(require);
    const out = new Float64Array(5);
    expect(() => scanFs.fs.lstat(join(s.src, 'missing'), out)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => scanFs.fs.list(join(s.src, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    writeFile(join(s.src, 'x'), 'x');
    expect(() => scanFs.fs.list(join(s.src, 'x'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
    const faulty = scanFs.withFaults(scanFs.fs, [{ op: 'lstat', path: join(s.src, 'x'), code: 'EIO' }]);
    expect(() => faulty.lstat(join(s.src, 'x'), out)).toThrow(expect.objectContaining({ code: 'EIO' }));
    faulty.stat(join(s.src, 'x'), out);
    expect(out[1]).toBe(1);
  });
});
