import type { ErrorKind } from '../../../shared/errors';

/**
 * ProxyStore's chunk framing for peer messages (proxystore/p2p/chunks.py): a message is cut into
 * chunks of at most 32,768 data bytes, each behind an 18-byte big-endian header `!HLLLL`:
 * dtype (1 bytes, 2 str), length (header + data), stream id, sequence id, sequence length.
 * Chunks of one message share a stream id and may arrive in any order (the data channels are
 * unordered); the receiver puts them back in sequence order.
 */

export const CHUNK_HEADER_LENGTH = 18;
/** ProxyStore's MAX_CHUNK_SIZE_BYTES and MAX_CHUNK_SIZE_STRING (2**15). */
export const MAX_CHUNK_DATA = 32_768;
/** Stream ids are unsigned 32-bit. */
export const MAX_STREAM_ID = 0xffff_ffff;

export const CHUNK_DTYPE = { bytes: 1, string: 2 } as const;
export type ChunkDtype = (typeof CHUNK_DTYPE)[keyof typeof CHUNK_DTYPE];

export interface Chunk {
  readonly dtype: ChunkDtype;
  readonly streamId: number;
  readonly seqId: number;
  readonly seqLen: number;
  readonly data: Uint8Array;
}

/** A chunk or a stream that breaks the framing rules or the limits. */
export class ChunkError extends Error {
  readonly kind: ErrorKind;
  constructor(message: string, kind: ErrorKind = 'invalid') {
    super(message);
    this.name = 'ChunkError';
    this.kind = kind;
  }
}

function checkU32(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_STREAM_ID) throw new ChunkError(`${what} must be an unsigned 32-bit integer (got ${value})`);
}

/** Header and data in one buffer, as Python's `bytes(Chunk)` packs it. */
export function encodeChunk(chunk: Chunk): Buffer {
  checkU32(chunk.streamId, 'stream id');
  checkU32(chunk.seqId, 'sequence id');
  checkU32(chunk.seqLen, 'sequence length');
  if (chunk.seqId >= chunk.seqLen) throw new ChunkError(`seq_id (${chunk.seqId}) must be less than seq_len (${chunk.seqLen}).`);
  const length = CHUNK_HEADER_LENGTH + chunk.data.byteLength;
  if (length > MAX_STREAM_ID) throw new ChunkError(`chunk of ${chunk.data.byteLength} bytes is too large`, 'too-large');
  const out = Buffer.allocUnsafe(length);
  out.writeUInt16BE(chunk.dtype, 0);
  out.writeUInt32BE(length, 2);
  out.writeUInt32BE(chunk.streamId, 6);
  out.writeUInt32BE(chunk.seqId, 10);
  out.writeUInt32BE(chunk.seqLen, 14);
  out.set(chunk.data, CHUNK_HEADER_LENGTH);
  return out;
}

/** Reads one chunk; the data is a view into `raw`. Throws ChunkError on a malformed chunk. */
export function decodeChunk(raw: Uint8Array): Chunk {
  if (raw.byteLength < CHUNK_HEADER_LENGTH) throw new ChunkError(`chunk of ${raw.byteLength} bytes is shorter than its ${CHUNK_HEADER_LENGTH}-byte header`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dtype = view.getUint16(0);
  const length = view.getUint32(2);
  const streamId = view.getUint32(6);
  const seqId = view.getUint32(10);
  const seqLen = view.getUint32(14);
  if (dtype !== CHUNK_DTYPE.bytes && dtype !== CHUNK_DTYPE.string) throw new ChunkError(`unknown chunk dtype ${dtype}`);
  if (length < CHUNK_HEADER_LENGTH || length > raw.byteLength) {
    throw new ChunkError(`chunk length field ${length} does not fit the ${raw.byteLength} bytes received`);
  }
  if (seqId >= seqLen) throw new ChunkError(`seq_id (${seqId}) must be less than seq_len (${seqLen}).`);
  return { dtype, streamId, seqId, seqLen, data: raw.subarray(CHUNK_HEADER_LENGTH, length) };
}

/**
 * Cuts a message into chunks of `size` data bytes (the last one shorter). Like ProxyStore's
 * `chunkify`, an empty message gives no chunks, so callers never send one.
 */
export function* chunkify(data: Uint8Array, streamId: number, size = MAX_CHUNK_DATA, dtype: ChunkDtype = CHUNK_DTYPE.bytes): Generator<Chunk> {
  if (!Number.isInteger(size) || size < 1) throw new ChunkError(`chunk size must be a positive integer (got ${size})`);
  const seqLen = Math.ceil(data.byteLength / size);
  for (let seqId = 0; seqId < seqLen; seqId += 1) {
    const start = seqId * size;
    yield { dtype, streamId, seqId, seqLen, data: data.subarray(start, Math.min(start + size, data.byteLength)) };
  }
}

export interface ReassembledMessage {
  readonly streamId: number;
  readonly dtype: ChunkDtype;
  readonly data: Buffer;
}

export interface ReassemblerOptions {
  /** Largest message accepted (data bytes); default 256 MiB. */
  readonly maxMessageBytes?: number;
  /** Streams that may be incomplete at the same time; default 256. */
  readonly maxOpenStreams?: number;
  /** Chunks buffered across all open streams; default 200,000. */
  readonly maxBufferedChunks?: number;
}

interface OpenStream {
  readonly dtype: ChunkDtype;
  readonly seqLen: number;
  readonly parts: Map<number, Uint8Array>;
  bytes: number;
}

/**
 * Puts chunks back together by stream id and sequence id. `push` returns the whole message once
 * its last missing chunk arrives. A chunk that contradicts its stream (another sequence length or
 * dtype, a repeated sequence id) or goes over a limit throws ChunkError and drops that stream.
 */
export class Reassembler {
  private readonly streams = new Map<number, OpenStream>();
  private readonly maxMessageBytes: number;
  private readonly maxOpenStreams: number;
  private readonly maxBufferedChunks: number;
  private buffered = 0;

  constructor(options: ReassemblerOptions = {}) {
    this.maxMessageBytes = options.maxMessageBytes ?? 256 * 1024 * 1024;
    this.maxOpenStreams = options.maxOpenStreams ?? 256;
    this.maxBufferedChunks = options.maxBufferedChunks ?? 200_000;
  }

  /** Streams still waiting for chunks. */
  get openStreams(): number {
    return this.streams.size;
  }

  push(chunk: Chunk): ReassembledMessage | undefined {
    let stream = this.streams.get(chunk.streamId);
    if (!stream) {
      if (chunk.seqLen === 1) return this.single(chunk);
      if (this.streams.size >= this.maxOpenStreams) {
        throw new ChunkError(`more than ${this.maxOpenStreams} messages are incomplete at once`, 'too-large');
      }
      stream = { dtype: chunk.dtype, seqLen: chunk.seqLen, parts: new Map(), bytes: 0 };
      this.streams.set(chunk.streamId, stream);
    }
    const fail = (message: string, kind: ErrorKind = 'invalid'): never => {
      this.drop(chunk.streamId);
      throw new ChunkError(`stream ${chunk.streamId}: ${message}`, kind);
    };
    if (chunk.seqLen !== stream.seqLen) fail(`chunk says ${chunk.seqLen} chunks, earlier ones said ${stream.seqLen}`);
    if (chunk.dtype !== stream.dtype) fail('chunks mix bytes and str');
    if (stream.parts.has(chunk.seqId)) fail(`chunk ${chunk.seqId} arrived twice`);
    if (stream.bytes + chunk.data.byteLength > this.maxMessageBytes) fail(`message is larger than ${this.maxMessageBytes} bytes`, 'too-large');
    if (this.buffered >= this.maxBufferedChunks) fail(`more than ${this.maxBufferedChunks} chunks are waiting`, 'too-large');
    // Copy: the chunk's data is a view into a buffer the transport may reuse.
    stream.parts.set(chunk.seqId, Uint8Array.prototype.slice.call(chunk.data));
    stream.bytes += chunk.data.byteLength;
    this.buffered += 1;
    if (stream.parts.size < stream.seqLen) return undefined;
    this.drop(chunk.streamId);
    const ordered: Uint8Array[] = [];
    for (let i = 0; i < stream.seqLen; i += 1) ordered.push(stream.parts.get(i) as Uint8Array);
    return { streamId: chunk.streamId, dtype: stream.dtype, data: Buffer.concat(ordered, stream.bytes) };
  }

  /** Forgets every incomplete message (the connection closed). */
  clear(): void {
    this.streams.clear();
    this.buffered = 0;
  }

  private single(chunk: Chunk): ReassembledMessage {
    if (chunk.data.byteLength > this.maxMessageBytes) throw new ChunkError(`message is larger than ${this.maxMessageBytes} bytes`, 'too-large');
    return { streamId: chunk.streamId, dtype: chunk.dtype, data: Buffer.from(chunk.data) };
  }

  private drop(streamId: number): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.buffered -= stream.parts.size;
    this.streams.delete(streamId);
  }
}
