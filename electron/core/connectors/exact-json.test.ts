import { describe, expect, it } from 'vitest';
import { orderedEntries, parseExactJson, stringifyExactJson, toPlainJson, ExactJsonSyntaxError } from './exact-json';

describe('exact JSON', () => {
  it('keeps integers beyond 2^53 exact, as bigint', () => {
    const v = parseExactJson('{"max_size_bytes": 9223372036854775807, "min": 0, "neg": -9223372036854775808}') as Record<string, unknown>;
    expect(v.max_size_bytes).toBe(9223372036854775807n);
    expect(v.min).toBe(0);
    expect(v.neg).toBe(-9223372036854775808n);
    expect(stringifyExactJson(v as never, 0)).toBe('{"max_size_bytes":9223372036854775807,"min":0,"neg":-9223372036854775808}');
  });

  it('reads floats, strings with escapes, nested arrays, literals', () => {
    const text = '{"a": [1.5, -2e3, "x\\"y\\u00e9", true, false, null, []], "b": {}}';
    expect(parseExactJson(text)).toEqual(JSON.parse(text));
  });

  it('keeps source key order, including integer-like keys', () => {
    const v = parseExactJson('{"b": 1, "2": 2, "a": 3, "1": 4}');
    expect(orderedEntries(v as never).map(([k]) => k)).toEqual(['b', '2', 'a', '1']);
    expect(stringifyExactJson(v, 0)).toBe('{"b":1,"2":2,"a":3,"1":4}');
  });

  it('reports duplicate keys and keeps the last value like Python', () => {
    const seen: string[] = [];
    const v = parseExactJson('{"k": 1, "k": 2}', { onDuplicateKey: (k) => seen.push(k) });
    expect(seen).toEqual(['k']);
    expect(v).toEqual({ k: 2 });
  });

  it('treats __proto__ as a plain key', () => {
    const v = parseExactJson('{"__proto__": {"x": 1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it.each(['', '{', '{"a" 1}', '[1,]', '01', '{"a":1} x', 'nul', '"abc'])('rejects %j with a position', (text) => {
    expect(() => parseExactJson(text)).toThrow(ExactJsonSyntaxError);
  });

  it('converts to plain JSON for the UI (bigints as strings)', () => {
    expect(toPlainJson(parseExactJson('{"n": 9223372036854775807, "l": [1]}'))).toEqual({ n: '9223372036854775807', l: [1] });
  });

  it('indents like JSON.stringify', () => {
    const v = { a: [1, { b: 'c' }], d: {} };
    expect(stringifyExactJson(v, 2)).toBe(JSON.stringify(v, null, 2));
  });
});
