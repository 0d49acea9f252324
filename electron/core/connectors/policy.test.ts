import { describe, expect, it } from 'vitest';
import { parseExactJson, stringifyExactJson } from './exact-json';
import { formatByteSize, parseByteSize, Policy, PolicyError, PY_MAXSIZE } from './policy';

// Ported case by case from ProxyStore's tests/connectors/multi_test.py (seed 001 semantics).
describe('Policy.is_valid / is_valid_on_host', () => {
  it('default policy ignores host', () => {
    expect(new Policy().isValid({}, 'anyhost')).toBe(true);
    expect(new Policy().isValidOnHost('anyhost')).toBe(true);
  });

  it('host pattern as a string: full match against the hostname', () => {
    const policy = new Policy({ hostPattern: '(testhost|otherhost)' });
    expect(policy.isValid({}, 'testhost')).toBe(true);
    expect(policy.isValidOnHost('testhost')).toBe(true);
    expect(policy.isValid({}, 'thirdhost')).toBe(false);
    expect(policy.isValidOnHost('thirdhost')).toBe(false);
    expect(policy.isValidOnHost('testhost2')).toBe(false); // fullmatch, not search
    expect(policy.isValidOnHost('xtesthost')).toBe(false);
  });

  it('host pattern as a list: any pattern may match', () => {
    const policy = new Policy({ hostPattern: ['(texthost|otherhost)', 'thirdhost'] });
    expect(policy.isValid({}, 'thirdhost')).toBe(true);
    expect(policy.isValidOnHost('thirdhost')).toBe(true);
    expect(policy.isValidOnHost('otherhost')).toBe(true);
    expect(policy.isValidOnHost('testhost')).toBe(false);
    expect(new Policy({ hostPattern: [] }).isValidOnHost('anyhost')).toBe(false); // any([]) is False
  });

  it('size bounds are inclusive at both ends', () => {
    const policy = new Policy({ minSizeBytes: 1, maxSizeBytes: 100 });
    expect(policy.isValid({}, 'h')).toBe(true);
    expect(policy.isValid({ sizeBytes: 1 }, 'h')).toBe(true);
    expect(policy.isValid({ sizeBytes: 100 }, 'h')).toBe(true);
    expect(policy.isValid({ sizeBytes: 0 }, 'h')).toBe(false);
    expect(policy.isValid({ sizeBytes: 101 }, 'h')).toBe(false);
    expect(policy.isValid({ sizeBytes: null }, 'h')).toBe(true);
  });

  it('default max_size_bytes is sys.maxsize, inclusive and exact', () => {
    const policy = new Policy();
    expect(policy.maxSizeBytes).toBe(9223372036854775807n);
    expect(policy.isValid({ sizeBytes: PY_MAXSIZE }, 'h')).toBe(true);
    expect(policy.isValid({ sizeBytes: PY_MAXSIZE + 1n }, 'h')).toBe(false);
    expect(policy.isValid({ sizeBytes: 0 }, 'h')).toBe(true);
    expect(policy.isValid({ sizeBytes: -1 }, 'h')).toBe(false);
  });

  it('subset tags: the given tags must be a subset of the policy tags', () => {
    expect(new Policy().isValid({}, 'h')).toBe(true);
    expect(new Policy().isValid({ subsetTags: ['anything'] }, 'h')).toBe(false);
    expect(new Policy().isValid({ subsetTags: [] }, 'h')).toBe(true);
    const policy = new Policy({ subsetTags: ['a', 'b'] });
    expect(policy.isValid({ subsetTags: ['a'] }, 'h')).toBe(true);
    expect(policy.isValid({ subsetTags: ['a', 'b'] }, 'h')).toBe(true);
    expect(policy.isValid({ subsetTags: ['a', 'a'] }, 'h')).toBe(true);
    // Python iterates a str as characters: set('other') is not a subset of {'a', 'b'}.
    expect(policy.isValid({ subsetTags: 'other' }, 'h')).toBe(false);
    expect(policy.isValid({ subsetTags: 'ab' }, 'h')).toBe(true);
  });

  it('superset tags: the given tags must be a superset of the policy tags', () => {
    expect(new Policy().isValid({ supersetTags: 'anything' }, 'h')).toBe(true);
    const policy = new Policy({ supersetTags: ['a', 'b'] });
    expect(policy.isValid({ supersetTags: ['a', 'b', 'c'] }, 'h')).toBe(true);
    expect(policy.isValid({ supersetTags: ['a', 'b'] }, 'h')).toBe(true);
    expect(policy.isValid({ supersetTags: ['a'] }, 'h')).toBe(false);
    expect(policy.isValid({ supersetTags: ['c'] }, 'h')).toBe(false);
    expect(policy.isValid({ supersetTags: [] }, 'h')).toBe(false);
    expect(policy.isValid({}, 'h')).toBe(true); // not given: not checked
  });

  it('every constraint must hold, and the host is checked last', () => {
    const policy = new Policy({ hostPattern: 'h', maxSizeBytes: 10, subsetTags: ['a'] });
    expect(policy.isValid({ sizeBytes: 10, subsetTags: ['a'] }, 'h')).toBe(true);
    expect(policy.isValid({ sizeBytes: 10, subsetTags: ['a'] }, 'other')).toBe(false);
    expect(policy.explain({ sizeBytes: 11, subsetTags: ['b'] }, 'other')).toEqual([
      'size 11 B is above max_size_bytes 10',
      'tags b are not in subset_tags',
      'host other does not match host_pattern',
    ]);
  });

  it('rejects host patterns Python refuses', () => {
    expect(() => new Policy({ hostPattern: '(' })).toThrow(PolicyError);
    expect(() => new Policy({ hostPattern: ['ok', '(?<=a+)b'] })).toThrow(/fixed-width/);
  });
});

describe('Policy dict (as_dict / Policy(**d))', () => {
  it('as_dict of the default policy is Python\'s, with max_size_bytes exact in JSON', () => {
    const text = stringifyExactJson(new Policy().asExactJson(), 0);
    expect(text).toBe(
      '{"priority":0,"host_pattern":null,"min_size_bytes":0,"max_size_bytes":9223372036854775807,"subset_tags":[],"superset_tags":[]}',
    );
    const again = Policy.fromDict(parseExactJson(text));
    expect(again.maxSizeBytes).toBe(PY_MAXSIZE);
    expect(stringifyExactJson(again.asExactJson(), 0)).toBe(text);
  });

  it.each([
    new Policy({ priority: 42 }),
    new Policy({ minSizeBytes: 1, maxSizeBytes: 2 }),
    new Policy({ subsetTags: ['a', 'b'], supersetTags: ['c'] }),
    new Policy({ hostPattern: ['x', 'y'] }),
    new Policy({ hostPattern: 'x' }),
  ])('round-trips %#', (policy) => {
    const again = Policy.fromDict(parseExactJson(stringifyExactJson(policy.asExactJson())));
    expect(again).toEqual(policy);
    expect(Policy.fromSpec(policy.toSpec())).toEqual(policy);
  });

  it('fills missing keys with defaults and rejects unknown keys or wrong types', () => {
    expect(Policy.fromDict({})).toEqual(new Policy());
    expect(() => Policy.fromDict({ prio: 1 })).toThrow(/unexpected key "prio"/);
    expect(() => Policy.fromDict({ priority: 1.5 })).toThrow(/priority must be an integer/);
    expect(() => Policy.fromDict({ max_size_bytes: '10' })).toThrow(/max_size_bytes/);
    expect(() => Policy.fromDict({ host_pattern: 3 })).toThrow(/host_pattern/);
    expect(() => Policy.fromDict({ subset_tags: 'a' })).toThrow(/subset_tags/);
    expect(() => new Policy({ maxSizeBytes: 2 ** 60 })).toThrow(/bigint or a decimal string/);
  });

  it('spec sizes are decimal strings (plain JSON for the UI)', () => {
    expect(new Policy().toSpec()).toEqual({
      priority: 0,
      hostPattern: null,
      minSizeBytes: '0',
      maxSizeBytes: '9223372036854775807',
      subsetTags: [],
      supersetTags: [],
    });
  });
});

describe('human byte sizes', () => {
  it.each([
    ['1024', '1024'],
    ['3 MB', '3000000'],
    ['1.5GiB', '1610612736'],
    ['2 kb', '2000'],
    ['0.5 B', null],
    ['x', null],
    ['3 parsecs', null],
  ])('parses %j', (text, bytes) => {
    expect(parseByteSize(text)).toBe(bytes);
  });

  it.each([
    ['3000000', '3 MB'],
    ['1500', '1.5 kB'],
    ['999', '999 B'],
    ['9223372036854775807', 'no limit'],
    ['1000000000000', '1 TB'],
  ])('formats %s', (bytes, text) => {
    expect(formatByteSize(bytes)).toBe(text);
  });
});
