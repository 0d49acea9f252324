import { allowedGlobal, PickleRefusedError, type AllowedGlobal, type PyDict, type PyException, type PyList, type PyTuple, type PyValue } from './pickle-values';

/**
 * A strict pickle reader for ProxyStore's endpoint messages. It interprets opcodes of protocols
 * 2-5 into plain data and never imports or calls anything: a class is only a name checked against
 * the allow-list (the request class and exception classes), REDUCE and NEWOBJ only build an
 * exception or the request object, and every other opcode, global or shape is refused with
 * PickleRefusedError. Sizes, memo, stack and nesting are bounded by the input.
 */

/** The request object as the pickle builds it: NEWOBJ with no arguments, then BUILD with its `__dict__`. */
export interface RequestInstance {
  readonly type: 'request';
  state: Map<string, PyValue> | null;
}

export type PickledObject = PyValue | RequestInstance;

export interface ReadPickleOptions {
  /** Memo entries (default 100,000). */
  readonly maxMemo?: number;
  /** Stack depth (default 100,000). */
  readonly maxStack?: number;
}

interface ClassRef {
  readonly type: 'class';
  readonly global: AllowedGlobal;
}

type Item = PyValue | RequestInstance | ClassRef;

const MARK = Symbol('mark');
type Slot = Item | typeof MARK;

const OP = {
  PROTO: 0x80, FRAME: 0x95, STOP: 0x2e, MEMOIZE: 0x94, BINPUT: 0x71, LONG_BINPUT: 0x72, BINGET: 0x68, LONG_BINGET: 0x6a,
  MARK: 0x28, POP: 0x30, POP_MARK: 0x31, DUP: 0x32, EMPTY_DICT: 0x7d, DICT: 0x64, SETITEM: 0x73, SETITEMS: 0x75,
  EMPTY_TUPLE: 0x29, TUPLE: 0x74, TUPLE1: 0x85, TUPLE2: 0x86, TUPLE3: 0x87, EMPTY_LIST: 0x5d, LIST: 0x6c, APPEND: 0x61,
  APPENDS: 0x65, NONE: 0x4e, NEWTRUE: 0x88, NEWFALSE: 0x89, BININT: 0x4a, BININT1: 0x4b, BININT2: 0x4d, LONG1: 0x8a,
  BINFLOAT: 0x47, SHORT_BINUNICODE: 0x8c, BINUNICODE: 0x58, BINUNICODE8: 0x8d, SHORT_BINBYTES: 0x43, BINBYTES: 0x42,
  BINBYTES8: 0x8e, STACK_GLOBAL: 0x93, GLOBAL: 0x63, NEWOBJ: 0x81, REDUCE: 0x52, BUILD: 0x62,
} as const;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 as Python's pickle writes str: 'surrogatepass', so lone surrogates are allowed. */
export function decodePythonUtf8(bytes: Uint8Array): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      const b0 = bytes[i] as number;
      const need = b0 < 0x80 ? 0 : b0 >= 0xc2 && b0 < 0xe0 ? 1 : b0 >= 0xe0 && b0 < 0xf0 ? 2 : b0 >= 0xf0 && b0 < 0xf5 ? 3 : -1;
      if (need < 0 || i + need >= bytes.length) throw new PickleRefusedError('a str in the pickle is not valid UTF-8');
      let cp = need === 0 ? b0 : b0 & (0x3f >> need);
      for (let k = 1; k <= need; k += 1) {
        const b = bytes[i + k] as number;
        if ((b & 0xc0) !== 0x80) throw new PickleRefusedError('a str in the pickle is not valid UTF-8');
        cp = (cp << 6) | (b & 0x3f);
      }
      const min = [0, 0x80, 0x800, 0x10000][need] as number;
      if (cp < min || cp > 0x10ffff) throw new PickleRefusedError('a str in the pickle is not valid UTF-8');
      out += String.fromCodePoint(cp);
      i += need + 1;
    }
    return out;
  }
}

/** Reads one pickle (without ProxyStore's `PK\n` prefix). Throws PickleRefusedError for anything outside the allow-list. */
export function readPickle(data: Uint8Array, options: ReadPickleOptions = {}): PickledObject {
  const maxMemo = options.maxMemo ?? 100_000;
  const maxStack = options.maxStack ?? 100_000;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const stack: Slot[] = [];
  const memo = new Map<number, Item>();
  let pos = 0;

  const refuse = (why: string): never => {
    throw new PickleRefusedError(`refused pickle at byte ${pos}: ${why}`);
  };
  const need = (n: number | bigint): number => {
    if (BigInt(n) > BigInt(data.length - pos)) refuse('it ends in the middle of an opcode');
    return Number(n);
  };
  const u8 = (): number => {
    need(1);
    return data[pos++] as number;
  };
  const u32 = (): number => {
    need(4);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): bigint => {
    need(8);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    return v;
  };
  const take = (n: number | bigint): Uint8Array => {
    const len = need(n);
    const out = data.subarray(pos, pos + len);
    pos += len;
    return out;
  };
  const push = (item: Item): void => {
    if (stack.length >= maxStack) refuse(`more than ${maxStack} items on the stack`);
    stack.push(item);
  };
  const pop = (): Item => {
    const top = stack.pop();
    if (top === undefined) return refuse('the stack is empty');
    if (top === MARK) return refuse('a MARK is where a value should be');
    return top;
  };
  const top = (): Item => {
    const t = stack.at(-1);
    if (t === undefined || t === MARK) return refuse('the stack has no value on top');
    return t;
  };
  const popMark = (): Item[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) refuse('no MARK on the stack');
    const items = stack.splice(at) as Item[];
    items.shift();
    return items;
  };
  const memoPut = (index: number): void => {
    if (memo.size >= maxMemo && !memo.has(index)) refuse(`more than ${maxMemo} memo entries`);
    memo.set(index, top());
  };
  const memoGet = (index: number): void => {
    const item = memo.get(index);
    if (item === undefined) refuse(`memo entry ${index} is not set`);
    push(item as Item);
  };
  const asValue = (item: Item, what: string): PyValue => {
    if (isClassRef(item) || isRequest(item)) return refuse(`${what} cannot be ${isClassRef(item) ? 'a class' : 'the request object'}`);
    return item;
  };
  const asKey = (item: Item): string => (typeof item === 'string' ? item : refuse('a dict key is not a str'));
  const asTuple = (item: Item, what: string): PyTuple => (isTuple(item) ? item : refuse(`${what} is not a tuple`));
  const setItems = (target: Item, pairs: Item[]): void => {
    if (!isDict(target)) refuse('SETITEM(S) on something that is not a dict');
    if (pairs.length % 2 !== 0) refuse('SETITEMS with an odd number of items');
    const entries = (target as PyDict).entries as Map<string, PyValue>;
    for (let i = 0; i < pairs.length; i += 2) entries.set(asKey(pairs[i] as Item), asValue(pairs[i + 1] as Item, 'a dict value'));
  };
  const appendItems = (target: Item, items: Item[]): void => {
    if (!isList(target)) refuse('APPEND(S) on something that is not a list');
    (target as PyList & { items: PyValue[] }).items.push(...items.map((i) => asValue(i, 'a list item')));
  };
  const global = (module: string, name: string): void => {
    const allowed = allowedGlobal(module, name);
    if (!allowed) refuse(`it refers to ${module}.${name}, which is not on the allow-list (the endpoint request class and exception classes)`);
    push({ type: 'class', global: allowed as AllowedGlobal });
  };
  const construct = (cls: Item, args: PyTuple, how: string): Item => {
    if (!isClassRef(cls)) return refuse(`${how} of something that is not an allowed class`);
    if (cls.global.kind === 'request') {
      if (how !== 'NEWOBJ' || args.items.length > 0) refuse('the request class may only be built by NEWOBJ with no arguments');
      return { type: 'request', state: null };
    }
    const exception: PyException = { type: 'exception', module: cls.global.module, name: cls.global.name, args: args.items, state: null };
    return exception;
  };
  const build = (state: Item, target: Item): void => {
    if (!isDict(state)) refuse('BUILD with a state that is not a dict');
    const entries = (state as PyDict).entries;
    if (isRequest(target)) {
      target.state = new Map([...(target.state ?? []), ...entries]);
    } else if (isException(target)) {
      (target as { state: ReadonlyMap<string, PyValue> | null }).state = new Map([...(target.state ?? []), ...entries]);
    } else {
      refuse('BUILD on something that is neither the request nor an exception');
    }
  };

  if (data.length < 2 || data[0] !== OP.PROTO) refuse('it does not start with a PROTO opcode (only protocols 2-5 are read)');
  pos = 1;
  const protocol = u8();
  if (protocol < 2 || protocol > 5) refuse(`protocol ${protocol} is not read (only 2-5)`);

  for (;;) {
    const at = pos;
    const op = u8();
    switch (op) {
      case OP.FRAME: {
        const len = u64();
        if (len > BigInt(data.length - pos)) refuse('a FRAME is longer than the rest of the pickle');
        break;
      }
      case OP.STOP: {
        const result = pop();
        if (stack.length !== 0) refuse('values are left on the stack at STOP');
        if (pos !== data.length) refuse('bytes follow the STOP opcode');
        if (isClassRef(result)) refuse('the pickle is a class, not a message');
        return result as PickledObject;
      }
      case OP.PROTO:
        refuse('a second PROTO opcode');
        break;
      case OP.MEMOIZE:
        memoPut(memo.size);
        break;
      case OP.BINPUT:
        memoPut(u8());
        break;
      case OP.LONG_BINPUT:
        memoPut(u32());
        break;
      case OP.BINGET:
        memoGet(u8());
        break;
      case OP.LONG_BINGET:
        memoGet(u32());
        break;
      case OP.MARK:
        if (stack.length >= maxStack) refuse(`more than ${maxStack} items on the stack`);
        stack.push(MARK);
        break;
      case OP.POP:
        if (stack.pop() === undefined) refuse('POP on an empty stack');
        break;
      case OP.POP_MARK:
        popMark();
        break;
      case OP.DUP:
        push(top());
        break;
      case OP.EMPTY_DICT:
        push({ type: 'dict', entries: new Map() });
        break;
      case OP.DICT: {
        const dict: PyDict = { type: 'dict', entries: new Map() };
        setItems(dict, popMark());
        push(dict);
        break;
      }
      case OP.SETITEM: {
        const value = pop();
        const key = pop();
        setItems(top(), [key, value]);
        break;
      }
      case OP.SETITEMS: {
        const pairs = popMark();
        setItems(top(), pairs);
        break;
      }
      case OP.EMPTY_TUPLE:
        push({ type: 'tuple', items: [] });
        break;
      case OP.TUPLE:
        push({ type: 'tuple', items: popMark().map((i) => asValue(i, 'a tuple item')) });
        break;
      case OP.TUPLE1:
      case OP.TUPLE2:
      case OP.TUPLE3: {
        const n = op - OP.TUPLE1 + 1;
        const items: PyValue[] = [];
        for (let k = 0; k < n; k += 1) items.unshift(asValue(pop(), 'a tuple item'));
        push({ type: 'tuple', items });
        break;
      }
      case OP.EMPTY_LIST:
        push({ type: 'list', items: [] });
        break;
      case OP.LIST:
        push({ type: 'list', items: popMark().map((i) => asValue(i, 'a list item')) });
        break;
      case OP.APPEND: {
        const value = pop();
        appendItems(top(), [value]);
        break;
      }
      case OP.APPENDS: {
        const items = popMark();
        appendItems(top(), items);
        break;
      }
      case OP.NONE:
        push(null);
        break;
      case OP.NEWTRUE:
        push(true);
        break;
      case OP.NEWFALSE:
        push(false);
        break;
      case OP.BININT:
        need(4);
        push(BigInt(view.getInt32(pos, true)));
        pos += 4;
        break;
      case OP.BININT1:
        push(BigInt(u8()));
        break;
      case OP.BININT2:
        need(2);
        push(BigInt(view.getUint16(pos, true)));
        pos += 2;
        break;
      case OP.LONG1:
        push(readLong(take(u8())));
        break;
      case OP.BINFLOAT:
        need(8);
        push(view.getFloat64(pos, false));
        pos += 8;
        break;
      case OP.SHORT_BINUNICODE:
        push(decodePythonUtf8(take(u8())));
        break;
      case OP.BINUNICODE:
        push(decodePythonUtf8(take(u32())));
        break;
      case OP.BINUNICODE8:
        push(decodePythonUtf8(take(u64())));
        break;
      case OP.SHORT_BINBYTES:
        push(new Uint8Array(take(u8())));
        break;
      case OP.BINBYTES:
        push(new Uint8Array(take(u32())));
        break;
      case OP.BINBYTES8:
        push(new Uint8Array(take(u64())));
        break;
      case OP.STACK_GLOBAL: {
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') refuse('STACK_GLOBAL needs two str');
        global(module as string, name as string);
        break;
      }
      case OP.GLOBAL: {
        const module = readLine();
        const name = readLine();
        global(module, name);
        break;
      }
      case OP.NEWOBJ: {
        const args = asTuple(pop(), 'NEWOBJ arguments');
        push(construct(pop(), args, 'NEWOBJ'));
        break;
      }
      case OP.REDUCE: {
        const args = asTuple(pop(), 'REDUCE arguments');
        push(construct(pop(), args, 'REDUCE'));
        break;
      }
      case OP.BUILD: {
        const state = pop();
        build(state, top());
        break;
      }
      default:
        pos = at;
        refuse(`opcode 0x${op.toString(16).padStart(2, '0')} is not allowed in an endpoint message`);
    }
  }

  function readLine(): string {
    const end = data.indexOf(0x0a, pos);
    if (end < 0 || end - pos > 256) refuse('a GLOBAL name is not a short line');
    const text = decodePythonUtf8(data.subarray(pos, end));
    pos = end + 1;
    return text;
  }
}

/** LONG1 payload: little-endian two's complement. */
function readLong(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i -= 1) value = (value << 8n) | BigInt(bytes[i] as number);
  if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

function isClassRef(item: Item): item is ClassRef {
  return typeof item === 'object' && item !== null && !(item instanceof Uint8Array) && item.type === 'class';
}

export function isRequest(item: unknown): item is RequestInstance {
  return typeof item === 'object' && item !== null && !(item instanceof Uint8Array) && (item as { type?: unknown }).type === 'request';
}

function isTuple(item: Item): item is PyTuple {
  return typeof item === 'object' && item !== null && !(item instanceof Uint8Array) && item.type === 'tuple';
}

function isList(item: Item): item is PyList {
  return typeof item === 'object' && item !== null && !(item instanceof Uint8Array) && item.type === 'list';
}

function isDict(item: Item): item is PyDict {
  return typeof item === 'object' && item !== null && !(item instanceof Uint8Array) && item.type === 'dict';
}

export function isException(item: unknown): item is PyException {
  return typeof item === 'object' && item !== null && !(item instanceof Uint8Array) && (item as { type?: unknown }).type === 'exception';
}
