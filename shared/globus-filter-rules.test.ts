import { describe, expect, it } from 'vitest';
import { filterTree, globToRegExp, passesFilterRules, type GlobusFilterRule } from './globus-filter-rules';

describe('globToRegExp', () => {
  it('matches whole names with *, ? and sets', () => {
    expect(globToRegExp('*.h5').test('a.h5')).toBe(true);
    expect(globToRegExp('*.h5').test('a.h5.bak')).toBe(false);
    expect(globToRegExp('file?.[ch]').test('file1.c')).toBe(true);
    expect(globToRegExp('file?.[ch]').test('file1.o')).toBe(false);
    expect(globToRegExp('run-?[0-9]').test('run-a7')).toBe(true);
    expect(globToRegExp('[!a]*').test('abc')).toBe(false);
    expect(globToRegExp('[!a]*').test('bc')).toBe(true);
  });

  it('treats regular-expression characters literally', () => {
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('a.b').test('a.b')).toBe(true);
    expect(globToRegExp('(x)+$').test('(x)+$')).toBe(true);
    expect(globToRegExp('[^a]').test('^')).toBe(true);
    expect(globToRegExp('[^a]').test('b')).toBe(false);
  });

  it('keeps an unclosed [ literal and a leading ] inside the set', () => {
    expect(globToRegExp('a[b').test('a[b')).toBe(true);
    expect(globToRegExp('[]]').test(']')).toBe(true);
    expect(globToRegExp('[!]]').test(']')).toBe(false);
    expect(globToRegExp('[!]]').test('x')).toBe(true);
  });
});

describe('passesFilterRules', () => {
  const rules: GlobusFilterRule[] = [
    { method: 'include', name: 'keep.*' },
    { method: 'exclude', name: '*.tmp', type: 'file' },
    { method: 'exclude', name: 'cache', type: 'dir' },
  ];

  it('lets the first fitting rule decide and includes when none fits', () => {
    expect(passesFilterRules(rules, 'keep.tmp', 'file')).toBe(true);
    expect(passesFilterRules(rules, 'x.tmp', 'file')).toBe(false);
    expect(passesFilterRules(rules, 'x.tmp', 'dir')).toBe(true);
    expect(passesFilterRules(rules, 'cache', 'dir')).toBe(false);
    expect(passesFilterRules(rules, 'cache', 'file')).toBe(true);
    expect(passesFilterRules(rules, 'data.h5', 'file')).toBe(true);
    expect(passesFilterRules([], 'anything', 'file')).toBe(true);
  });
});

describe('filterTree', () => {
  it('drops excluded entries and everything below an excluded folder', () => {
    const tree = [
      { rel: 'a.txt', isDir: false },
      { rel: 'cache', isDir: true },
      { rel: 'cache/x.txt', isDir: false },
      { rel: 'sub', isDir: true },
      { rel: 'sub/b.tmp', isDir: false },
      { rel: 'sub/c.txt', isDir: false },
    ];
    const rules: GlobusFilterRule[] = [
      { method: 'exclude', name: 'cache', type: 'dir' },
      { method: 'exclude', name: '*.tmp' },
    ];
    expect(filterTree(tree, rules).map((e) => e.rel)).toEqual(['a.txt', 'sub', 'sub/c.txt']);
    expect(filterTree(tree, [])).toEqual(tree);
  });
});
