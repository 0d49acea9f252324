import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_DTYPE, CHUNK_HEADER_LENGTH, ChunkError, MAX_CHUNK_DATA, Reassembler, chunkify, decodeChunk, encodeChunk } from './chunks';

const SEED = 20_020;
const RUNS = { seed: SEED, numRuns: 60, endOnFailure: true } as const;

describe('chunk header', () => {
  it('packs !HLLLL big-endian exactly as Python struct.pack does', () => {
    // struct.pack('!HLLLL', 1, 18 + 3, 7, 0, 1) + b'abc'
    const packed = encodeChunk({ dtype: CHUNK_DTYPE.bytes, streamId: 7, seqId: 0, seqLen: 1, data: Buffer.from('abc') });
    expect(packed.toString('hex')).toBe('0001' + '00000015' + '00000007' + '00000000' + '00000001' + '616263');
    expect(CHUNK_HEADER_LENGTH).toBe(18);
    const back = decodeChunk(packed);
    expect(back).toMatchObject({ dtype: 1, streamId: 7, seqId: 0, seqLen: 1 });
    expect(Buffer.from(back.data).toString()).toBe('abc');
  });

  it('reads only up to the length field, as Python slices chunk[18:length]', () => {
    const packed = Buffer.concat([encodeChunk({ dtype: 2, streamId: 1, seqId: 0, seqLen: 1, data: Buffer.from('hi') }), Buffer.from('pad')]);
    expect(Buffer.from(decodeChunk(packed).data).toString()).toBe('hi');
  });

  it('refuses malformed chunks with ChunkError', () => {
    const good = encodeChunk({ dtype: 1, streamId: 1, seqId: 0, seqLen: 2, data: Buffer.from('x') });
    expect(() => decodeChunk(good.subarray(0, 10))).toThrow(ChunkError);
    const badType = Buffer.from(good);
    badType.writeUInt16BE(3, 0);
    expect(() => decodeChunk(badType)).toThrow('unknown chunk dtype 3');
    const longLength = Buffer.from(good);
    longLength.writeUInt32BE(1000, 2);
    expect(() => decodeChunk(longLength)).toThrow('does not fit');
    const badSeq = Buffer.from(good);
    badSeq.writeUInt32BE(2, 10);
    expect(() => decodeChunk(badSeq)).toThrow('seq_id (2) must be less than seq_len (2).');
    expect(() => encodeChunk({ dtype: 1, streamId: -1, seqId: 0, seqLen: 1, data: new Uint8Array() })).toThrow('stream id');
  });

  it('cuts at 32,768 data bytes and gives no chunks for an empty message', () => {
    const sizes = [...chunkify(new Uint8Array(MAX_CHUNK_DATA * 2 + 5), 3)].map((c) => [c.seqId, c.seqLen, c.data.byteLength]);
    expect(sizes).toEqual([
      [0, 3, MAX_CHUNK_DATA],
      [1, 3, MAX_CHUNK_DATA],
      [2, 3, 5],
    ]);
    expect([...chunkify(new Uint8Array(0), 1)]).toEqual([]);
  });
});

/** Messages, their chunk sizes, and a shuffle of all their chunks together. */
const interleaved = fc
  .array(fc.record({ bytes: fc.uint8Array({ minLength: 1, maxLength: 3_000 }), size: fc.integer({ min: 1, max: 700 }) }), { minLength: 1, maxLength: 6 })
  .chain((messages) => {
    const chunks = messages.flatMap((m, i) => [...chunkify(m.bytes, 1_000 + i, m.size)].map((c) => encodeChunk(c)));
    return fc.tuple(fc.constant(messages), fc.shuffledSubarray(chunks, { minLength: chunks.length, maxLength: chunks.length }));
  });

describe('reassembly (property)', () => {
  it('gives every message back whole, whatever the sizes and the order chunks arrive in', () => {
    fc.assert(
      fc.property(interleaved, ([messages, wire]) => {
        const r = new Reassembler();
        const got = new Map<number, Buffer>();
        for (const raw of wire) {
          const done = r.push(decodeChunk(raw));
          if (done) got.set(done.streamId, done.data);
        }
        expect(r.openStreams).toBe(0);
        expect(got.size).toBe(messages.length);
        messages.forEach((m, i) => expect(got.get(1_000 + i)?.equals(Buffer.from(m.bytes))).toBe(true));
      }),
      RUNS,
    );
  });

  it('round-trips full-size chunks of large random messages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_CHUNK_DATA * 4 + 3 }), fc.integer({ min: 0, max: 0xffff_ffff }), (length, streamId) => {
        const data = Buffer.alloc(length, streamId % 251);
        data[length - 1] = 7;
        const chunks = [...chunkify(data, streamId)].map(encodeChunk);
        expect(chunks.every((c) => c.length <= CHUNK_HEADER_LENGTH + MAX_CHUNK_DATA)).toBe(true);
        const r = new Reassembler();
        const results = chunks.reverse().map((c) => r.push(decodeChunk(c)));
        expect(results.slice(0, -1).every((x) => x === undefined)).toBe(true);
        expect(results.at(-1)?.data.equals(data)).toBe(true);
      }),
      { ...RUNS, numRuns: 25 },
    );
  });

  it('never throws anything but ChunkError on random bytes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 60 }), { maxLength: 20 }), (raws) => {
        const r = new Reassembler({ maxOpenStreams: 4, maxMessageBytes: 100 });
        for (const raw of raws) {
          try {
            r.push(decodeChunk(raw));
          } catch (error) {
            expect(error).toBeInstanceOf(ChunkError);
          }
        }
      }),
      { ...RUNS, numRuns: 300 },
    );
  });
});

describe('reassembly limits', () => {
  const chunk = (streamId: number, seqId: number, seqLen: number, data = 'x', dtype: 1 | 2 = 1) => ({ dtype, streamId, seqId, seqLen, data: Buffer.from(data) });

  it('refuses contradicting chunks and drops the stream', () => {
    const r = new Reassembler();
    r.push(chunk(1, 0, 3));
    expect(() => r.push(chunk(1, 1, 4))).toThrow('earlier ones said 3');
    expect(r.openStreams).toBe(0);
    r.push(chunk(2, 0, 2));
    expect(() => r.push(chunk(2, 0, 2))).toThrow('arrived twice');
    r.push(chunk(3, 0, 2));
    expect(() => r.push(chunk(3, 1, 2, 'y', 2))).toThrow('mix bytes and str');
  });

  it('bounds message size, open streams and buffered chunks', () => {
    const small = new Reassembler({ maxMessageBytes: 3, maxOpenStreams: 1, maxBufferedChunks: 2 });
    small.push(chunk(1, 0, 3, 'ab'));
    expect(() => small.push(chunk(1, 1, 3, 'cd'))).toThrow(expect.objectContaining({ kind: 'too-large' }));
    small.push(chunk(2, 0, 3));
    expect(() => small.push(chunk(3, 0, 3))).toThrow('more than 1 messages');
    small.push(chunk(2, 1, 3));
    expect(() => small.push(chunk(2, 2, 3))).toThrow('chunks are waiting');
    expect(() => small.push(chunk(4, 0, 1, 'abcd'))).toThrow('larger than 3 bytes');
  });
});
