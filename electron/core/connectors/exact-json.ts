/**
 * A small JSON reader/writer that keeps integers exact. Python writes `sys.maxsize`
 * (9223372036854775807) as a bare integer, which `JSON.parse` rounds; here an integer that is
 * not a safe JS integer becomes a `bigint` and is written back digit for digit. Object key order
 * is the source order (also for integer-like keys, which plain JS objects would reorder).
 */

export type ExactJson =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly ExactJson[]
  | { readonly [key: string]: ExactJson };

export type ExactJsonObject = { readonly [key: string]: ExactJson };

export class ExactJsonSyntaxError extends SyntaxError {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'ExactJsonSyntaxError';
    this.position = position;
  }
}

/** Source order of each parsed object's keys (plain objects reorder integer-like keys). */
const keyOrder = new WeakMap<object, readonly string[]>();

/** Entries of an object in source order when it was parsed here, else insertion order. */
export function orderedEntries(obj: ExactJsonObject): [string, ExactJson][] {
  const order = keyOrder.get(obj);
  const keys = order ?? Object.keys(obj);
  return keys.map((k) => [k, obj[k] as ExactJson]);
}

export interface ExactParseOptions {
  /** Called when an object repeats a key (the last value wins, as in Python's json). */
  readonly onDuplicateKey?: (key: string, path: readonly (string | number)[]) => void;
}

export function parseExactJson(text: string, options: ExactParseOptions = {}): ExactJson {
  let i = 0;
  const n = text.length;
  const path: (string | number)[] = [];

  const fail = (message: string): never => {
    throw new ExactJsonSyntaxError(message, i);
  };
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const expectLiteral = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`Unexpected token ${JSON.stringify(text.charAt(i) || 'end of input')}`);
  };

  const str = (): string => {
    // Reuse JSON.parse for escapes: find the closing quote, then parse that slice.
    const start = i;
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        try {
          return JSON.parse(text.slice(start, i)) as string;
        } catch {
          i = start;
          return fail('Invalid string');
        }
      }
      if (c === 0x5c) i += 2;
      else if (c < 0x20) fail('Control character in string');
      else i++;
    }
    return fail('Unterminated string');
  };

  const num = (): number | bigint => {
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m) return fail('Invalid number');
    const raw = m[0];
    i += raw.length;
    if (m[1] === undefined && m[2] === undefined) {
      const asNumber = Number(raw);
      return Number.isSafeInteger(asNumber) ? asNumber : BigInt(raw);
    }
    return Number(raw);
  };

  const value = (): ExactJson => {
    ws();
    const c = text.charAt(i);
    switch (c) {
      case '{': {
        i++;
        const obj: Record<string, ExactJson> = {};
        const order: string[] = [];
        ws();
        if (text.charAt(i) === '}') {
          i++;
          keyOrder.set(obj, order);
          return obj;
        }
        for (;;) {
          ws();
          if (text.charAt(i) !== '"') fail('Expected a string key');
          const key = str();
          ws();
          if (text.charAt(i) !== ':') fail("Expected ':'");
          i++;
          path.push(key);
          const v = value();
          path.pop();
          if (Object.prototype.hasOwnProperty.call(obj, key)) {
            options.onDuplicateKey?.(key, [...path]);
            order.splice(order.indexOf(key), 1);
          }
          Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
          order.push(key);
          ws();
          const sep = text.charAt(i);
          i++;
          if (sep === '}') break;
          if (sep !== ',') {
            i--;
            fail("Expected ',' or '}'");
          }
        }
        keyOrder.set(obj, order);
        return obj;
      }
      case '[': {
        i++;
        const arr: ExactJson[] = [];
        ws();
        if (text.charAt(i) === ']') {
          i++;
          return arr;
        }
        for (;;) {
          path.push(arr.length);
          arr.push(value());
          path.pop();
          ws();
          const sep = text.charAt(i);
          i++;
          if (sep === ']') break;
          if (sep !== ',') {
            i--;
            fail("Expected ',' or ']'");
          }
        }
        return arr;
      }
      case '"':
        return str();
      case 't':
        expectLiteral('true');
        return true;
      case 'f':
        expectLiteral('false');
        return false;
      case 'n':
        expectLiteral('null');
        return null;
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return num();
        return fail(c === '' ? 'Unexpected end of input' : `Unexpected token ${JSON.stringify(c)}`);
    }
  };

  const result = value();
  ws();
  if (i < n) fail('Unexpected data after JSON value');
  return result;
}

/** JSON text with bigints written exactly; `indent` as in JSON.stringify. */
export function stringifyExactJson(value: ExactJson, indent: number | string = 2): string {
  const pad = typeof indent === 'number' ? ' '.repeat(indent) : indent;
  const write = (v: ExactJson, depth: number): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      case 'number':
        if (!Number.isFinite(v)) throw new TypeError(`Cannot write ${v} as JSON`);
        return JSON.stringify(v);
      case 'string':
        return JSON.stringify(v);
      default:
        break;
    }
    const inner = pad ? `\n${pad.repeat(depth + 1)}` : '';
    const outer = pad ? `\n${pad.repeat(depth)}` : '';
    const colon = pad ? ': ' : ':';
    if (Array.isArray(v)) {
      const arr = v as readonly ExactJson[];
      if (arr.length === 0) return '[]';
      return `[${arr.map((x) => inner + write(x, depth + 1)).join(',')}${outer}]`;
    }
    const entries = orderedEntries(v as ExactJsonObject);
    if (entries.length === 0) return '{}';
    return `{${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}${colon}${write(x, depth + 1)}`).join(',')}${outer}}`;
  };
  return write(value, 0);
}

/** Plain JSON for the UI: bigints become decimal strings. */
export function toPlainJson(value: ExactJson): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return (value as readonly ExactJson[]).map(toPlainJson);
  const out: Record<string, unknown> = {};
  for (const [k, v] of orderedEntries(value as ExactJsonObject)) {
    Object.defineProperty(out, k, { value: toPlainJson(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export function isExactJsonObject(value: unknown): value is ExactJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
