/**
 * A small JSON reader/writer that keeps integers exact. Python writes `sys.maxsize`
 * (9223372036854775807) as a bare integer, which `JSON.parse` rounds; here an integer that is
 * not a safe JS integer becomes a `bigint` and is written back digit for digit. Object key order
 * is the source order (also for integer-like keys, which plain JS objects would reorder).
 *
 * The reader refuses JSON nested deeper than MAX_JSON_DEPTH (it recurses, and so does every
 * walker of what it returns), and its errors say where the text is wrong (line and column)
 * without quoting any of it: the text may be any file on the machine.
 */
import type { ErrorKind } from '../../../shared/errors';
import { jsonLimits } from '../../../shared/json-limits';

export type ExactJson =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly ExactJson[]
  | { readonly [key: string]: ExactJson };

export type ExactJsonObject = { readonly [key: string]: ExactJson };

/** Objects and arrays inside one another that the reader accepts: the contract's own limit. */
export const MAX_JSON_DEPTH: number = jsonLimits.maxDepth;

/** Where in a text a character is, counted from 1 as editors do. */
export interface TextPosition {
  /** Offset in UTF-16 code units from the start. */
  readonly position: number;
  readonly line: number;
  readonly column: number;
}

function positionIn(text: string, position: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(position, text.length);
  for (let k = 0; k < end; k++) {
    if (text.charCodeAt(k) === 0x0a) {
      line++;
      lineStart = k + 1;
    }
  }
  return { position, line, column: position - lineStart + 1 };
}

/** The text is not JSON. `reason` never quotes the text. */
export class ExactJsonSyntaxError extends SyntaxError {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  readonly reason: string;
  readonly position: number;
  readonly line: number;
  readonly column: number;
  constructor(reason: string, at: TextPosition) {
    super(`${reason} at line ${at.line}, column ${at.column}`);
    this.name = 'ExactJsonSyntaxError';
    this.reason = reason;
    this.position = at.position;
    this.line = at.line;
    this.column = at.column;
  }
}

/** The text is JSON nested deeper than the reader accepts. */
export class ExactJsonDepthError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'too-large';
  readonly code = 'TooDeep';
  readonly maxDepth: number;
  readonly position: number;
  readonly line: number;
  readonly column: number;
  constructor(maxDepth: number, at: TextPosition) {
    super(`JSON nested more than ${maxDepth} levels deep (at line ${at.line}, column ${at.column})`);
    this.name = 'ExactJsonDepthError';
    this.maxDepth = maxDepth;
    this.position = at.position;
    this.line = at.line;
    this.column = at.column;
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
  /** Objects and arrays inside one another that are accepted (default MAX_JSON_DEPTH). */
  readonly maxDepth?: number;
}

/**
 * Parses JSON text, integers exact and key order kept. Throws ExactJsonSyntaxError (with line
 * and column, quoting nothing of the text) or ExactJsonDepthError.
 */
export function parseExactJson(text: string, options: ExactParseOptions = {}): ExactJson {
  let i = 0;
  const n = text.length;
  const path: (string | number)[] = [];
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  let depth = 0;

  const fail = (reason: string): never => {
    throw new ExactJsonSyntaxError(reason, positionIn(text, i));
  };
  const enter = (): void => {
    depth++;
    if (depth > maxDepth) throw new ExactJsonDepthError(maxDepth, positionIn(text, i));
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
    else fail(i >= n ? 'Unexpected end of input' : 'Unexpected character');
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
        enter();
        i++;
        const obj: Record<string, ExactJson> = {};
        const order: string[] = [];
        ws();
        if (text.charAt(i) === '}') {
          i++;
          depth--;
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
        depth--;
        keyOrder.set(obj, order);
        return obj;
      }
      case '[': {
        enter();
        i++;
        const arr: ExactJson[] = [];
        ws();
        if (text.charAt(i) === ']') {
          i++;
          depth--;
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
        depth--;
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
        return fail(c === '' ? 'Unexpected end of input' : 'Unexpected character');
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
