import { PickleRefusedError, REQUEST_CLASS, REQUEST_MODULE, writableException, type PyException, type PyValue } from './pickle-values';

/**
 * Writes pickles the way CPython's C pickler does at protocol 5 (what ProxyStore's
 * `serialize` uses): same opcodes, MEMOIZE after every str, bytes, tuple, dict, class and
 * object, the same FRAME boundaries (64 KiB target; large str/bytes written outside frames).
 * It writes only plain values, exception instances of classes Python can import, and the
 * endpoint request object; anything else is refused before a byte is written.
 */

const FRAME_SIZE_TARGET = 64 * 1024;
const FRAME_SIZE_MIN = 4;
const MAX_DEPTH = 32;

const BYTE = {
  PROTO: 0x80, FRAME: 0x95, STOP: 0x2e, MEMOIZE: 0x94, MARK: 0x28, EMPTY_DICT: 0x7d, SETITEM: 0x73, SETITEMS: 0x75,
  EMPTY_TUPLE: 0x29, TUPLE: 0x74, TUPLE1: 0x85, EMPTY_LIST: 0x5d, APPEND: 0x61, APPENDS: 0x65, NONE: 0x4e,
  NEWTRUE: 0x88, NEWFALSE: 0x89, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, LONG1: 0x8a, BINFLOAT: 0x47,
  SHORT_BINUNICODE: 0x8c, BINUNICODE: 0x58, BINUNICODE8: 0x8d, SHORT_BINBYTES: 0x43, BINBYTES: 0x42, BINBYTES8: 0x8e,
  STACK_GLOBAL: 0x93, NEWOBJ: 0x81, REDUCE: 0x52, BUILD: 0x62,
} as const;
const BATCH_SIZE = 1000;

/** UTF-8 with Python's 'surrogatepass': a lone surrogate is written as its 3-byte form. */
export function encodePythonUtf8(text: string): Buffer {
  if (!/[\uD800-\uDFFF]/.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const paired = c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (paired) {
      i += 1;
      continue;
    }
    if (c < 0xd800 || c > 0xdfff) continue;
    parts.push(Buffer.from(text.slice(start, i), 'utf8'), Buffer.from([0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]));
    start = i + 1;
  }
  parts.push(Buffer.from(text.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Output with CPython's framing rules. */
class Emitter {
  private readonly parts: Uint8Array[] = [];
  private frame: Uint8Array[] | null = null;
  private frameLength = 0;
  private framing = false;

  startFraming(): void {
    this.framing = true;
  }

  write(bytes: Uint8Array): void {
    if (!this.framing) {
      this.parts.push(bytes);
      return;
    }
    if (this.frame === null) {
      this.frame = [];
      this.frameLength = 0;
    }
    this.frame.push(bytes);
    this.frameLength += bytes.byteLength;
  }

  op(...bytes: number[]): void {
    this.write(Uint8Array.from(bytes));
  }

  /** A header and a payload; a payload of 64 KiB or more closes the frame and goes outside it. */
  writeBytes(header: Uint8Array, payload: Uint8Array): void {
    const bypass = payload.byteLength >= FRAME_SIZE_TARGET;
    const framing = this.framing;
    if (bypass) {
      this.commitFrame();
      this.framing = false;
    }
    this.write(header);
    this.write(payload);
    this.framing = framing;
  }

  /** After each whole value: a frame that reached the target size is closed. */
  boundary(): void {
    if (this.framing && this.frame !== null && this.frameLength >= FRAME_SIZE_TARGET) this.commitFrame();
  }

  commitFrame(): void {
    if (!this.framing || this.frame === null) return;
    if (this.frameLength >= FRAME_SIZE_MIN) {
      const header = Buffer.alloc(9);
      header[0] = BYTE.FRAME;
      header.writeBigUInt64LE(BigInt(this.frameLength), 1);
      this.parts.push(header);
    }
    this.parts.push(...this.frame);
    this.frame = null;
  }

  finish(): Buffer {
    this.commitFrame();
    return Buffer.concat(this.parts);
  }
}

function sizeHeader(short: number, long: number, huge: number, size: number): Buffer {
  if (size <= 0xff) return Buffer.from([short, size]);
  if (size <= 0xffff_ffff) {
    const h = Buffer.alloc(5);
    h[0] = long;
    h.writeUInt32LE(size, 1);
    return h;
  }
  const h = Buffer.alloc(9);
  h[0] = huge;
  h.writeBigUInt64LE(BigInt(size), 1);
  return h;
}

/** LONG1 payload: minimal little-endian two's complement, as CPython sizes it. */
function longBytes(value: bigint): Buffer {
  if (value === 0n) return Buffer.alloc(0);
  const magnitude = value < 0n ? -value : value;
  let n = (magnitude.toString(2).length >> 3) + 1;
  let x = value < 0n ? (1n << BigInt(n * 8)) + value : value;
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i += 1) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  if (value < 0n && n > 1 && out[n - 1] === 0xff && ((out[n - 2] as number) & 0x80) !== 0) n -= 1;
  if (n > 255) throw new PickleRefusedError('an int too large to write');
  return out.subarray(0, n);
}

class Writer {
  readonly out = new Emitter();

  memoize(): void {
    this.out.op(BYTE.MEMOIZE);
  }

  str(text: string): void {
    const bytes = encodePythonUtf8(text);
    this.out.writeBytes(sizeHeader(BYTE.SHORT_BINUNICODE, BYTE.BINUNICODE, BYTE.BINUNICODE8, bytes.byteLength), bytes);
    this.memoize();
  }

  global(module: string, name: string): void {
    this.str(module);
    this.out.boundary();
    this.str(name);
    this.out.boundary();
    this.out.op(BYTE.STACK_GLOBAL);
    this.memoize();
  }

  int(value: bigint): void {
    if (value >= 0n && value <= 0xffn) this.out.op(BYTE.BININT1, Number(value));
    else if (value >= 0n && value <= 0xffffn) this.out.op(BYTE.BININT2, Number(value) & 0xff, Number(value) >> 8);
    else if (value >= -0x8000_0000n && value <= 0x7fff_ffffn) {
      const b = Buffer.alloc(5);
      b[0] = BYTE.BININT;
      b.writeInt32LE(Number(value), 1);
      this.out.write(b);
    } else {
      const payload = longBytes(value);
      this.out.write(Buffer.concat([Buffer.from([BYTE.LONG1, payload.byteLength]), payload]));
    }
  }

  dictItems(entries: readonly (readonly [string, PyValue])[], depth: number): void {
    if (entries.length === 1) {
      const [k, v] = entries[0] as readonly [string, PyValue];
      this.value(k, depth);
      this.value(v, depth);
      this.out.op(BYTE.SETITEM);
      return;
    }
    for (let i = 0; i < entries.length; i += BATCH_SIZE) {
      this.out.op(BYTE.MARK);
      for (const [k, v] of entries.slice(i, i + BATCH_SIZE)) {
        this.value(k, depth);
        this.value(v, depth);
      }
      this.out.op(BYTE.SETITEMS);
    }
  }

  exception(error: PyException, depth: number): void {
    if (!writableException(error.module, error.name)) {
      throw new PickleRefusedError(`${error.module}.${error.name} is not an exception class every ProxyStore endpoint can load`);
    }
    this.global(error.module, error.name);
    this.out.boundary();
    this.value({ type: 'tuple', items: error.args }, depth);
    this.out.op(BYTE.REDUCE);
    this.memoize();
    if (error.state && error.state.size > 0) {
      this.value({ type: 'dict', entries: error.state }, depth);
      this.out.op(BYTE.BUILD);
    }
  }

  value(value: PyValue, depth: number): void {
    if (depth > MAX_DEPTH) throw new PickleRefusedError(`values nested deeper than ${MAX_DEPTH} levels`);
    const d = depth + 1;
    if (value === null) this.out.op(BYTE.NONE);
    else if (value === true) this.out.op(BYTE.NEWTRUE);
    else if (value === false) this.out.op(BYTE.NEWFALSE);
    else if (typeof value === 'bigint') this.int(value);
    else if (typeof value === 'number') {
      const b = Buffer.alloc(9);
      b[0] = BYTE.BINFLOAT;
      b.writeDoubleBE(value, 1);
      this.out.write(b);
    } else if (typeof value === 'string') this.str(value);
    else if (value instanceof Uint8Array) {
      this.out.writeBytes(sizeHeader(BYTE.SHORT_BINBYTES, BYTE.BINBYTES, BYTE.BINBYTES8, value.byteLength), value);
      this.memoize();
    } else if (value.type === 'tuple') {
      const n = value.items.length;
      if (n === 0) this.out.op(BYTE.EMPTY_TUPLE);
      else {
        if (n > 3) this.out.op(BYTE.MARK);
        for (const item of value.items) this.value(item, d);
        this.out.op(n > 3 ? BYTE.TUPLE : BYTE.TUPLE1 + n - 1);
        this.memoize();
      }
    } else if (value.type === 'list') {
      this.out.op(BYTE.EMPTY_LIST);
      this.memoize();
      const items = value.items;
      if (items.length === 1) {
        this.value(items[0] as PyValue, d);
        this.out.op(BYTE.APPEND);
      } else {
        for (let i = 0; i < items.length; i += BATCH_SIZE) {
          this.out.op(BYTE.MARK);
          for (const item of items.slice(i, i + BATCH_SIZE)) this.value(item, d);
          this.out.op(BYTE.APPENDS);
        }
      }
    } else if (value.type === 'dict') {
      this.out.op(BYTE.EMPTY_DICT);
      this.memoize();
      if (value.entries.size > 0) this.dictItems([...value.entries], d);
    } else if (value.type === 'exception') {
      this.exception(value, d);
    } else {
      throw new PickleRefusedError('a value the writer does not know');
    }
    this.out.boundary();
  }
}

/** The request object's fields in dataclass order, as its `__dict__` is pickled. */
export type RequestFields = readonly (readonly [string, PyValue])[];

/**
 * `pickle.dumps(EndpointRequest(...), protocol=5)`: NEWOBJ of the request class with no
 * arguments, then BUILD with its fields; `prefix` (such as `PK\n`) goes in front.
 */
export function writeRequestPickle(fields: RequestFields, prefix?: Uint8Array): Buffer {
  const w = new Writer();
  // Written before framing starts, so a serializer identifier costs no extra copy of the data.
  if (prefix) w.out.write(prefix);
  w.out.op(BYTE.PROTO, 5);
  w.out.startFraming();
  w.global(REQUEST_MODULE, REQUEST_CLASS);
  w.out.boundary();
  w.out.op(BYTE.EMPTY_TUPLE);
  w.out.boundary();
  w.out.op(BYTE.NEWOBJ);
  w.memoize();
  w.value({ type: 'dict', entries: new Map(fields) }, 0);
  w.out.op(BYTE.BUILD);
  w.out.boundary();
  w.out.op(BYTE.STOP);
  return w.out.finish();
}
