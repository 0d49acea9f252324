/**
 * fast-check arbitraries derived from zod v4 schemas, for the contract fuzz suite.
 *
 * - `validArbitrary(schema)`: values the schema accepts, built by walking `schema._zod.def`
 *   (refinements the walk cannot see are met by trying several string shapes and filtering
 *   with `safeParse`).
 * - `malformedArbitrary(schema)`: a valid value with one mutation at a random path (wrong type,
 *   null, a 200 KB string, NUL, a lone surrogate, a 300-element array, NaN/-1/1e308/-0, unknown
 *   and prototype keys, 100 levels of nesting, a required key removed), or junk in place of the
 *   whole value; only values the schema refuses are kept.
 *
 * Everything here is deterministic for a given fast-check seed.
 */
import fc from 'fast-check';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// The parts of zod v4's internal definitions this walk reads.

interface CheckDef {
  readonly check?: string;
  readonly format?: string;
  readonly pattern?: RegExp;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly length?: number;
  readonly value?: number | bigint;
  readonly inclusive?: boolean;
}

interface Def {
  readonly type: string;
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly items?: readonly Schema[];
  readonly rest?: Schema | null;
  readonly shape?: Readonly<Record<string, Schema>>;
  readonly catchall?: Schema;
  readonly entries?: Readonly<Record<string, string | number>>;
  readonly values?: readonly unknown[];
  readonly options?: readonly Schema[];
  readonly element?: Schema;
  readonly innerType?: Schema;
  readonly keyType?: Schema;
  readonly valueType?: Schema;
  readonly in?: Schema;
  readonly out?: Schema;
  readonly left?: Schema;
  readonly right?: Schema;
  readonly getter?: () => Schema;
}

/** Any zod v4 schema (classic or core). */
export type Schema = z.core.$ZodType;

function defOf(schema: Schema): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function checksOf(schema: Schema): CheckDef[] {
  const def = defOf(schema) as ReturnType<typeof defOf> & { format?: string; pattern?: RegExp };
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  // A top-level format (z.email(), z.uuid(), z.url()) sits on the schema's own def, not in checks.
  return typeof def.format === 'string' ? [{ check: 'string_format', format: def.format, pattern: def.pattern } as CheckDef, ...checks] : checks;
}

function optinOf(schema: Schema): string | undefined {
  return (schema as unknown as { _zod: { optin?: string } })._zod.optin;
}

export function accepts(schema: Schema, value: unknown): boolean {
  return z.safeParse(schema, value).success;
}

/** Thrown when a schema holds a type this walk does not know; the message names where. */
export class UnsupportedSchemaError extends Error {}

// ---------------------------------------------------------------------------------------------
// Valid values

export interface ValidOptions {
  /** Longest generated string when the schema allows more (default 24). */
  readonly maxStringLength?: number;
  /** Most elements of a generated array when the schema allows more (default 3). */
  readonly maxArrayLength?: number;
}

const SAMPLE_SEED = 20_251_124;
const SAMPLE_RUNS = 30;

/** Candidate shapes for strings whose refinements we cannot read (paths, dates, cron, URLs…). */
function stringShapes(minLength: number, maxLength: number): fc.Arbitrary<string>[] {
  const segment = fc.stringMatching(/^[a-z0-9_-]{1,8}$/);
  const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((parts) => `/${parts.join('/')}`);
  const hostname = fc.constantFrom('localhost', '127.0.0.1', 'example.org', 'relay.example.net');
  return [
    fc.string({ minLength, maxLength, unit: 'grapheme-ascii' }),
    fc.string({ minLength, maxLength, unit: 'grapheme' }),
    fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/),
    path,
    fc.tuple(path, fc.boolean()).map(([p, dir]) => (dir && !p.endsWith('/') ? `${p}/` : p)),
    path.map((p) => `~${p}`),
    fc.uuid(),
    fc.webUrl({ validSchemes: ['https'] }),
    fc.tuple(fc.constantFrom('ws', 'wss'), hostname, fc.integer({ min: 1, max: 65535 })).map(([s, h, p]) => `${s}://${h}:${p}`),
    fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('*/15 * * * *', '0 0 * * *', '5 4 * * 0', '0 */2 * * *', '30 6 1 * *'),
    fc.constantFrom('1 MB', '10GB', '0', '512', '1.5 KiB', ''),
  ];
}

function regexShape(pattern: RegExp): fc.Arbitrary<string> | null {
  try {
    // fast-check refuses the i flag; a case-sensitive match of the same source still matches.
    return fc.stringMatching(new RegExp(pattern.source, pattern.flags.replace(/[iy]/g, '')));
  } catch {
    return null;
  }
}

/** Keeps the candidates that produced at least one accepted value in a fixed-seed sample. */
function workingShapes(schema: Schema, candidates: readonly fc.Arbitrary<string>[]): fc.Arbitrary<string>[] {
  return candidates.filter((arb) => fc.sample(arb, { seed: SAMPLE_SEED, numRuns: SAMPLE_RUNS }).some((v) => accepts(schema, v)));
}

/** String arbitraries by schema and options: finding the working shapes samples, so do it once. */
const stringCache = new WeakMap<Schema, Map<number, fc.Arbitrary<string>>>();

function stringArbitrary(schema: Schema, where: string, opts: Required<ValidOptions>): fc.Arbitrary<string> {
  const cached = stringCache.get(schema)?.get(opts.maxStringLength);
  if (cached) return cached;
  const built = buildStringArbitrary(schema, where, opts);
  const bySize = stringCache.get(schema) ?? new Map<number, fc.Arbitrary<string>>();
  bySize.set(opts.maxStringLength, built);
  stringCache.set(schema, bySize);
  return built;
}

function buildStringArbitrary(schema: Schema, where: string, opts: Required<ValidOptions>): fc.Arbitrary<string> {
  const checks = checksOf(schema);
  let minLength = 0;
  let maxLength = Number.POSITIVE_INFINITY;
  const shaped: fc.Arbitrary<string>[] = [];
  for (const c of checks) {
    if (c.check === 'min_length' && c.minimum !== undefined) minLength = Math.max(minLength, c.minimum);
    if (c.check === 'max_length' && c.maximum !== undefined) maxLength = Math.min(maxLength, c.maximum);
    if (c.check === 'length_equals' && c.length !== undefined) minLength = maxLength = c.length;
    if (c.check === 'string_format') {
      if (c.format === 'uuid' || c.format === 'guid') shaped.push(fc.uuid());
      else if (c.format === 'url') shaped.push(fc.webUrl({ validSchemes: ['https', 'http'] }));
      else if (c.format === 'email') {
        // fast-check's RFC addresses are mostly refused by zod's stricter pattern: add plain ones.
        const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);
        shaped.push(fc.emailAddress(), fc.tuple(word, word, fc.constantFrom('org', 'edu', 'com')).map(([u, d, t]) => `${u}@${d}.${t}`));
      }
      else if (c.format === 'datetime') shaped.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
      if (c.pattern instanceof RegExp) {
        const arb = regexShape(c.pattern);
        if (arb) shaped.push(arb);
      }
    }
  }
  const cap = Math.max(minLength, Math.min(maxLength, minLength + opts.maxStringLength));
  const candidates = [...shaped, ...stringShapes(minLength, cap)];
  const working = workingShapes(schema, candidates);
  if (working.length === 0) throw new UnsupportedSchemaError(`${where}: no string shape satisfies this schema`);
  return fc.oneof(...working).filter((v) => accepts(schema, v));
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function numberArbitrary(schema: Schema, where: string): fc.Arbitrary<number> {
  let min = Number.NEGATIVE_INFINITY;
  let max = Number.POSITIVE_INFINITY;
  let minExcluded = false;
  let maxExcluded = false;
  let integer = false;
  for (const c of checksOf(schema)) {
    if (c.check === 'number_format' && c.format && /int/.test(c.format)) integer = true;
    if (c.check === 'greater_than' && typeof c.value === 'number' && c.value >= min) {
      min = c.value;
      minExcluded = c.inclusive === false;
    }
    if (c.check === 'less_than' && typeof c.value === 'number' && c.value <= max) {
      max = c.value;
      maxExcluded = c.inclusive === false;
    }
  }
  let arb: fc.Arbitrary<number>;
  if (integer) {
    const lo = Math.max(Number.MIN_SAFE_INTEGER, minExcluded ? Math.floor(min) + 1 : Math.ceil(min));
    const hi = Math.min(Number.MAX_SAFE_INTEGER, maxExcluded ? Math.ceil(max) - 1 : Math.floor(max));
    if (lo > hi) throw new UnsupportedSchemaError(`${where}: empty integer range`);
    const parts: fc.Arbitrary<number>[] = [fc.constantFrom(lo, hi)];
    const lo32 = Math.max(lo, INT32_MIN);
    const hi32 = Math.min(hi, INT32_MAX);
    if (lo32 <= hi32) parts.push(fc.integer({ min: lo32, max: hi32 }), fc.integer({ min: lo32, max: Math.min(hi32, lo32 + 100) }));
    arb = fc.oneof(...parts);
  } else {
    arb = fc.double({
      min: Number.isFinite(min) ? min : -1e12,
      max: Number.isFinite(max) ? max : 1e12,
      minExcluded,
      maxExcluded,
      noNaN: true,
      noDefaultInfinity: true,
    });
  }
  return arb.filter((v) => accepts(schema, v));
}

function lengthBounds(schema: Schema, defaultMax: number): { minLength: number; maxLength: number } {
  let minLength = 0;
  let maxLength = Number.POSITIVE_INFINITY;
  for (const c of checksOf(schema)) {
    if (c.check === 'min_length' && c.minimum !== undefined) minLength = Math.max(minLength, c.minimum);
    if (c.check === 'max_length' && c.maximum !== undefined) maxLength = Math.min(maxLength, c.maximum);
    if (c.check === 'length_equals' && c.length !== undefined) minLength = maxLength = c.length;
  }
  return { minLength, maxLength: Math.max(minLength, Math.min(maxLength, minLength + defaultMax)) };
}

function hasOpaqueChecks(schema: Schema): boolean {
  return checksOf(schema).some((c) => c.check === 'custom');
}

function build(schema: Schema, where: string, opts: Required<ValidOptions>, depth: number): fc.Arbitrary<unknown> {
  if (depth > 12) throw new UnsupportedSchemaError(`${where}: nested too deeply (a recursive schema?)`);
  const def = defOf(schema);
  const at = (sub: Schema, step: string) => build(sub, `${where}${step}`, opts, depth + 1);
  let arb: fc.Arbitrary<unknown>;
  switch (def.type) {
    case 'string':
      return stringArbitrary(schema, where, opts);
    case 'number':
      return numberArbitrary(schema, where);
    case 'boolean':
      arb = fc.boolean();
      break;
    case 'null':
      arb = fc.constant(null);
      break;
    case 'undefined':
    case 'void':
      arb = fc.constant(undefined);
      break;
    case 'enum':
      arb = fc.constantFrom(...Object.values(def.entries ?? {}));
      break;
    case 'literal':
      arb = fc.constantFrom(...(def.values ?? []));
      break;
    case 'union':
      arb = fc.oneof(...(def.options ?? []).map((o, i) => at(o, `|${i}`)));
      break;
    case 'tuple': {
      const items = (def.items ?? []).map((item, i) => at(item, `[${i}]`));
      const tuple = fc.tuple(...items) as fc.Arbitrary<unknown[]>;
      arb = def.rest
        ? fc.tuple(tuple, fc.array(at(def.rest, '[...]'), { maxLength: opts.maxArrayLength })).map(([head, tail]) => [...head, ...tail])
        : tuple;
      break;
    }
    case 'array': {
      if (!def.element) throw new UnsupportedSchemaError(`${where}: array without element`);
      arb = fc.array(at(def.element, '[]'), lengthBounds(schema, opts.maxArrayLength));
      break;
    }
    case 'object': {
      const shape = def.shape ?? {};
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const [key, value] of Object.entries(shape)) {
        model[key] = at(value, `.${key}`);
        if (optinOf(value) === undefined) requiredKeys.push(key);
      }
      arb = fc.record(model, { requiredKeys });
      break;
    }
    case 'record': {
      if (!def.keyType || !def.valueType) throw new UnsupportedSchemaError(`${where}: record without key or value type`);
      const keyDef = defOf(def.keyType);
      if (keyDef.type === 'enum' || keyDef.type === 'literal') {
        const keys = keyDef.type === 'enum' ? Object.values(keyDef.entries ?? {}) : (keyDef.values ?? []);
        const value = at(def.valueType, '{}');
        arb = fc.record(Object.fromEntries(keys.map((k) => [String(k), value])));
      } else {
        const key = at(def.keyType, '{key}').filter((k): k is string => typeof k === 'string');
        arb = fc.dictionary(key, at(def.valueType, '{}'), { maxKeys: opts.maxArrayLength });
      }
      break;
    }
    case 'unknown':
    case 'any':
    case 'custom':
      // JSON values only: they must survive the trip through HTTP and WebSocket unchanged.
      arb = fc.jsonValue({ maxDepth: 2 });
      break;
    case 'optional':
    case 'default':
    case 'prefault':
    case 'nonoptional':
    case 'readonly':
    case 'catch':
      if (!def.innerType) throw new UnsupportedSchemaError(`${where}: ${def.type} without inner type`);
      // An optional object key is left out by the object's record; elsewhere use the inner value.
      arb = at(def.innerType, '');
      break;
    case 'nullable':
      if (!def.innerType) throw new UnsupportedSchemaError(`${where}: nullable without inner type`);
      arb = fc.oneof({ arbitrary: at(def.innerType, ''), weight: 3 }, { arbitrary: fc.constant(null), weight: 1 });
      break;
    case 'pipe':
      if (!def.in) throw new UnsupportedSchemaError(`${where}: pipe without input`);
      // The input side: a transform's output is not what a caller sends.
      arb = defOf(def.in).type === 'transform' ? fc.jsonValue({ maxDepth: 2 }) : at(def.in, '');
      break;
    case 'transform':
      arb = fc.jsonValue({ maxDepth: 2 });
      break;
    case 'lazy':
      if (!def.getter) throw new UnsupportedSchemaError(`${where}: lazy without getter`);
      arb = at(def.getter(), '');
      break;
    case 'intersection':
      if (!def.left || !def.right) throw new UnsupportedSchemaError(`${where}: intersection without sides`);
      arb = at(def.left, '&');
      break;
    default:
      throw new UnsupportedSchemaError(`${where}: zod type "${def.type}" is not supported by the fuzz walk`);
  }
  // Refinements (and intersections, unions of overlapping shapes) are met by filtering.
  return hasOpaqueChecks(schema) || def.type === 'intersection' || def.type === 'custom' ? arb.filter((v) => accepts(schema, v)) : arb;
}

/** Values `schema` accepts. Throws UnsupportedSchemaError (naming the path) for types it cannot build. */
export function validArbitrary(schema: Schema, options: ValidOptions = {}): fc.Arbitrary<unknown> {
  const opts: Required<ValidOptions> = { maxStringLength: options.maxStringLength ?? 24, maxArrayLength: options.maxArrayLength ?? 3 };
  return build(schema, '$', opts, 0).filter((v) => accepts(schema, v));
}

// ---------------------------------------------------------------------------------------------
// Malformed values

export const mutationKinds = [
  'wrong-type',
  'null',
  'undefined',
  'huge-string',
  'nul-in-string',
  'lone-surrogate',
  'empty-string',
  'huge-array',
  'NaN',
  'Infinity',
  'minus-one',
  'minus-zero',
  'fraction',
  '1e308',
  'unsafe-integer',
  'extra-key',
  'prototype-keys',
  'deep-nesting',
  'remove-key',
] as const;
export type MutationKind = (typeof mutationKinds)[number];

export const HUGE_STRING_LENGTH = 200 * 1024;
export const HUGE_ARRAY_LENGTH = 300;
export const DEEP_NESTING_LEVELS = 100;

type Path = readonly (string | number)[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every path inside `value` (the root first), objects and arrays walked. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (isPlainObject(value)) for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out);
  return out;
}

function wrongType(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (Array.isArray(value)) return { 0: value[0] ?? null, length: value.length };
  if (isPlainObject(value)) return [value];
  return 'not-null';
}

function nest(value: unknown, levels: number): unknown {
  let out = value;
  for (let i = 0; i < levels; i += 1) out = i % 2 === 0 ? [out] : { nested: out };
  return out;
}

function mutateNode(value: unknown, kind: MutationKind, pick: number): unknown {
  const text = typeof value === 'string' ? value : 'a';
  switch (kind) {
    case 'wrong-type':
      return wrongType(value);
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'huge-string':
      return text + 'x'.repeat(HUGE_STRING_LENGTH);
    case 'nul-in-string':
      return `${text.slice(0, 1)}\u0000${text.slice(1)}`;
    case 'lone-surrogate':
      return `${text.slice(0, 1)}\uD800${text.slice(1)}`;
    case 'empty-string':
      return typeof value === 'string' ? (pick % 2 === 0 ? '' : '   ') : '';
    case 'huge-array':
      return Array.from({ length: HUGE_ARRAY_LENGTH }, () => (Array.isArray(value) ? (value[0] ?? 1) : value));
    case 'NaN':
      return Number.NaN;
    case 'Infinity':
      return pick % 2 === 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    case 'minus-one':
      return -1;
    case 'minus-zero':
      return -0;
    case 'fraction':
      return typeof value === 'number' ? value + 0.5 : 1.5;
    case '1e308':
      return pick % 2 === 0 ? 1e308 : -1e308;
    case 'unsafe-integer':
      return Number.MAX_SAFE_INTEGER + 2;
    case 'extra-key':
      return isPlainObject(value) ? { ...value, fuzzUnknownKey: 'surprise' } : { value, fuzzUnknownKey: 'surprise' };
    case 'prototype-keys': {
      // JSON.parse makes __proto__ an own key, as a body parsed off the wire would have it.
      const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":"x"}') as Record<string, unknown>;
      // Spread (not Object.assign) keeps __proto__ an own key instead of setting the prototype.
      return isPlainObject(value) ? { ...value, ...hostile } : hostile;
    }
    case 'deep-nesting':
      return nest(value, DEEP_NESTING_LEVELS);
    case 'remove-key': {
      if (isPlainObject(value)) {
        const keys = Object.keys(value);
        if (keys.length === 0) return undefined;
        const copy = { ...value };
        delete copy[keys[pick % keys.length] as string];
        return copy;
      }
      if (Array.isArray(value)) return value.length > 0 ? value.slice(0, -1) : undefined;
      return undefined;
    }
  }
}

function setAt(root: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[head as number] = setAt(root[head as number], rest, next);
    return copy;
  }
  const obj = root as Record<string, unknown>;
  const copy: Record<string, unknown> = { ...obj };
  const child = setAt(obj[head as string], rest, next);
  if (child === undefined && rest.length === 0) delete copy[head as string];
  else Object.defineProperty(copy, head as string, { value: child, enumerable: true, writable: true, configurable: true });
  return copy;
}

function getAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  return node;
}

/** `value` with one mutation at `pathIndex` (modulo the number of paths). */
export function mutateAt(value: unknown, pathIndex: number, kind: MutationKind, pick: number): { value: unknown; path: Path; kind: MutationKind } {
  const paths = pathsOf(value);
  const path = paths[pathIndex % paths.length] ?? [];
  return { value: setAt(value, path, mutateNode(getAt(value, path), kind, pick)), path, kind };
}

/** Junk in place of the whole value (for a tuple of arguments: not an array, too many, too few). */
export function wholeValueJunk(valid: unknown): fc.Arbitrary<unknown> {
  const list = Array.isArray(valid) ? valid : [valid];
  return fc.oneof(
    fc.constantFrom<unknown>(null, undefined, {}, 'args', 42, true, { 0: list[0] ?? null, length: list.length }, [[...list]]),
    fc.constant([...list, 'one-too-many']),
    fc.constant([...list, ...Array.from({ length: 20 }, () => null)]),
    fc.constant(list.slice(0, -1)),
    fc.constant(list.slice(1)),
    fc.constant(Object.fromEntries(list.map((v, i) => [String(i), v]))),
  );
}

export interface Malformed {
  readonly value: unknown;
  /** How it was made, for the report. */
  readonly how: string;
}

export interface MalformedOptions extends ValidOptions {
  /** Whether a host refuses the value (default: the schema refuses it). Only refused values are kept. */
  readonly isRefused?: (value: unknown) => boolean;
  /** Applied to the valid value before it is mutated (e.g. to keep paths inside a sandbox). */
  readonly prepare?: (value: unknown) => unknown;
}

/** A valid value with one mutation at a random path, or whole-value junk; always refused. */
export function malformedArbitrary(schema: Schema, options: MalformedOptions = {}): fc.Arbitrary<Malformed> {
  const isRefused = options.isRefused ?? ((v: unknown) => !accepts(schema, v));
  const prepare = options.prepare ?? ((v: unknown) => v);
  const valid = validArbitrary(schema, options).map(prepare);
  const mutated = fc
    .tuple(valid, fc.nat(), fc.constantFrom(...mutationKinds), fc.nat())
    .map(([v, index, kind, pick]): Malformed => {
      const m = mutateAt(v, index, kind, pick);
      return { value: m.value, how: `${m.kind} at ${m.path.length === 0 ? '(root)' : m.path.join('.')}` };
    });
  const junk = valid.chain((v) => wholeValueJunk(v)).map((value): Malformed => ({ value, how: 'whole-value junk' }));
  return fc.oneof({ arbitrary: mutated, weight: 5 }, { arbitrary: junk, weight: 1 }).filter((m) => isRefused(m.value));
}

// ---------------------------------------------------------------------------------------------
// Reporting

/** A short, JSON-like rendering of a fuzz input: long strings and arrays cut, odd numbers named. */
export function summarize(value: unknown, depth = 0): string {
  if (depth > 6) return '…';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (Object.is(value, -0)) return '-0';
    return String(value);
  }
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 40)}…(${value.length} chars)` : value;
    return JSON.stringify(shown).replace(/\\u0000/g, '\\0');
  }
  if (Array.isArray(value)) {
    const head = value.slice(0, 4).map((v) => summarize(v, depth + 1));
    return `[${head.join(', ')}${value.length > 4 ? `, …(${value.length} items)` : ''}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const head = entries.slice(0, 8).map(([k, v]) => `${JSON.stringify(k)}: ${summarize(v, depth + 1)}`);
    return `{${head.join(', ')}${entries.length > 8 ? `, …(${entries.length} keys)` : ''}}`;
  }
  return String(value);
}
