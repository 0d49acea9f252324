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

describe('codec: auto packing (what the scan writes for a run)', () => {
  it('deflates names that repeat, stores names that do not as they are, and reads both back', () => {
    const n = 2000;
    const detector = Array.from({ length: n }, (_, i) => `YAGline9test_${String(i + 1).padStart(5, '0')}.tif`);
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const random = Array.from({ length: n }, (_, i) => `${Array.from({ length: 40 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789 éü'[Math.floor(rand() * 39)]).join('')}~${i}`).sort();
    for (const names of [detector, random]) {
      const entries = { names, kinds: names.map(() => 0), mtimes: names.map((_, i) => 1_537_000_000_000_000 + i * 2_000_001), sizes: names.map((_, i) => i * 977) };
      const auto = codec.encode(entries, 'auto');
      const deflated = codec.encode(entries);
      expect(codec.decode(auto)).toEqual(entries);
      if (names === detector) expect(auto.length).toBe(deflated.length);
      else expect(auto.length).toBeGreaterThan(deflated.length); // stored as is: faster, a little larger
    }
  });
});
