import { describe, expect, it } from 'vitest';
import { codec, sortEntries } from './codec';

describe('directory state codec', () => {
  it('round-trips names (unicode, astral characters, shared prefixes), kinds, big mtimes and sizes', () => {
    const entries = sortEntries({
      names: ['YAGline9test_00001.tif', 'YAGline9test_00002.tif', 'é-café.tif', '😀a', '😁b', '\ud83d\ude00z', 'a', ''.padEnd(300, 'x')],
      kinds: [0, 0, 1, 0, 2, 0, 0, 0],
      mtimes: [1_537_000_000_123_456, 1_537_000_003_654_321, 5, 0, 0, 1_537_000_000_000_000, 2 ** 52, 1],
      sizes: [4_000_000, 4_000_512, 10, 0, 0, 2 ** 52 - 1, 0, 3],
    });
    const blob = codec.encode(entries);
    expect(codec.decode(blob)).toEqual(entries);
    const cols = codec.decodeColumns(blob);
    expect(cols.count).toBe(entries.names.length);
  });

  it('stores a detector folder in a few bytes per file', () => {
    const n = 1791;
    const names = Array.from({ length: n }, (_, i) => `YAGline9test_${String(i + 1).padStart(5, '0')}.tif`);
    let t = 1_537_000_000_000_000;
    const mtimes = names.map(() => (t += 2_000_000 + Math.floor(Math.random() * 3_000_000)));
    const blob = codec.encode({ names, kinds: names.map(() => 0), mtimes, sizes: names.map(() => 4_000_000) });
    expect(blob.length / n).toBeLessThan(8);
    expect(codec.decode(blob).mtimes).toEqual(mtimes);
  });

  it('rejects a corrupt or unknown encoding instead of guessing', () => {
    expect(() => codec.decode(Buffer.from('not deflate'))).toThrow();
  });
});
