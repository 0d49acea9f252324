import { describe, expect, it } from 'vitest';
import type { TransferRequest } from '../../../shared/collections';
import type { DirEntry } from '../../../shared/globus-types';
import { AppError } from '../kernel';
import { globToRegExp, included, previewTransfer, type Lister } from './preview';

const SRC = 'aaaaaaaa-0000-4000-8000-000000000001';
const DST = 'bbbbbbbb-0000-4000-8000-000000000002';
const f = (name: string, size: number, t = '2026-01-01T00:00:00Z'): DirEntry => ({ name, type: 'file', size, last_modified: t });
const d = (name: string): DirEntry => ({ name, type: 'dir', size: 0, last_modified: null });

function lister(tree: Record<string, DirEntry[]>): Lister & { calls: string[] } {
  const calls: string[] = [];
  const ls = async (id: string, path: string) => {
    calls.push(`${id}:${path}`);
    const found = tree[`${id}:${path}`];
    if (!found) throw new AppError('not-found', 'ClientError.NotFound', 'no such folder');
    return found;
  };
  return Object.assign(ls, { calls });
}

const tree = {
  [`${SRC}:/run/`]: [f('a.h5', 100), f('b.h5', 200, '2026-02-01T00:00:00Z'), f('c.tmp', 5), d('sub')],
  [`${SRC}:/run/sub/`]: [f('x.h5', 7)],
  [`${DST}:/in/run/`]: [f('a.h5', 100), f('b.h5', 200), f('old.h5', 50), d('stale')],
  [`${DST}:/in/run/stale/`]: [f('y', 3), f('z', 4)],
};
const mirror = (extra: Partial<TransferRequest> = {}): TransferRequest => ({
  source: SRC,
  destination: DST,
  items: [{ sourcePath: '/run', destinationPath: '/in/run', recursive: true }],
  deleteDestinationExtra: true,
  ...extra,
});

describe('preview of a transfer', () => {
  it('lists what a mirror would copy and delete, with counts and bytes, by the sync level', async () => {
    const p = await previewTransfer(lister(tree), mirror({ syncLevel: 2 }));
    expect(p.copy.map((c) => c.path).sort()).toEqual(['/in/run/b.h5', '/in/run/c.tmp', '/in/run/sub/x.h5']);
    expect([p.copyCount, p.copyBytes, p.unchangedCount]).toEqual([3, 212, 1]);
    expect(p.remove).toEqual([
      { path: '/in/run/stale', size: 0, type: 'dir' },
      { path: '/in/run/old.h5', size: 50, type: 'file' },
    ]);
    expect([p.removeCount, p.removeBytes, p.truncated]).toEqual([2, 57, false]);
  });

  it('applies the filter rules in order and copies everything without a sync level', async () => {
    const p = await previewTransfer(lister(tree), mirror({ filterRules: [{ method: 'include', name: 'x.h5' }, { method: 'exclude', name: '*.tmp' }, { method: 'exclude', name: 's*', type: 'dir' }] }));
    expect(p.copy.map((c) => c.path).sort()).toEqual(['/in/run/a.h5', '/in/run/b.h5']);
  });

  it('treats a missing destination as empty, stops at its folder budget, and refuses a mirror of files', async () => {
    const p = await previewTransfer(lister(tree), { ...mirror(), items: [{ sourcePath: '/run/', destinationPath: '/new/run/', recursive: true }] }, { folders: 1, shown: 10 });
    expect(p.copyCount).toBe(3);
    expect(p.truncated).toBe(true);
    await expect(previewTransfer(lister(tree), { ...mirror(), items: [{ sourcePath: '/run/a.h5', destinationPath: '/in/a.h5', recursive: false }] })).rejects.toMatchObject({
      kind: 'refused',
      code: 'MirrorNeedsFolder',
    });
  });

  it('matches Globus globs on whole names', () => {
    expect(globToRegExp('*.h5').test('a.h5')).toBe(true);
    expect(globToRegExp('*.h5').test('a.h5.bak')).toBe(false);
    expect(globToRegExp('run-?[0-9]').test('run-a7')).toBe(true);
    expect(globToRegExp('[!a]*').test('abc')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(included([{ method: 'exclude', name: '*', type: 'dir' }], 'x', 'file')).toBe(true);
  });
});
