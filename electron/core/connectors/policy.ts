/**
 * ProxyStore's Policy (seed 001) with the exact `is_valid` / `is_valid_on_host` semantics.
 * Sizes are bigints so `max_size_bytes` = 9223372036854775807 (Python's sys.maxsize) stays exact.
 */
import { isExactJsonObject, orderedEntries, type ExactJson, type ExactJsonObject } from './exact-json';
import { checkPythonRegex, compileFullMatch } from './python-regex';
import { currentHostname } from './host';
import { quoteValue } from './json-paths';
import type { ErrorKind } from '../../../shared/errors';

/** Python's `sys.maxsize` on 64-bit platforms: the default `max_size_bytes`. */
export const PY_MAXSIZE = 9223372036854775807n;

/** `Policy.as_dict()` in ProxyStore's JSON, sizes exact (write it with stringifyExactJson). */
export interface PolicyDict {
  readonly priority: number;
  readonly host_pattern: string | readonly string[] | null;
  readonly min_size_bytes: bigint | number;
  readonly max_size_bytes: bigint | number;
  readonly subset_tags: readonly string[];
  readonly superset_tags: readonly string[];
}

/** The policy as plain JSON for the UI: sizes as decimal strings. */
export interface PolicySpec {
  readonly priority: number;
  readonly hostPattern: string | readonly string[] | null;
  readonly minSizeBytes: string;
  readonly maxSizeBytes: string;
  readonly subsetTags: readonly string[];
  readonly supersetTags: readonly string[];
}

export interface PolicyInit {
  readonly priority?: number;
  readonly hostPattern?: string | Iterable<string> | null;
  readonly minSizeBytes?: bigint | number | string;
  readonly maxSizeBytes?: bigint | number | string;
  readonly subsetTags?: readonly string[];
  readonly supersetTags?: readonly string[];
}

/** Constraints of `is_valid`: each one left undefined/null is not checked. */
export interface PolicyConstraints {
  readonly sizeBytes?: bigint | number | null;
  readonly subsetTags?: Iterable<string> | null;
  readonly supersetTags?: Iterable<string> | null;
}

export class PolicyError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.name = 'PolicyError';
    this.field = field;
  }
}

const DICT_KEYS = ['priority', 'host_pattern', 'min_size_bytes', 'max_size_bytes', 'subset_tags', 'superset_tags'] as const;

function toSize(value: unknown, field: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new PolicyError(`${field} must be a whole number of bytes`, field);
    if (!Number.isSafeInteger(value)) {
      throw new PolicyError(`${field} is too large to be exact as a number; pass it as a bigint or a decimal string`, field);
    }
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new PolicyError(`${field} must be an integer number of bytes`, field);
}

function toTags(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || !value.every((t) => typeof t === 'string')) {
    throw new PolicyError(`${field} must be a list of strings`, field);
  }
  return [...(value as string[])];
}

export class Policy {
  readonly priority: number;
  readonly hostPattern: string | readonly string[] | null;
  readonly minSizeBytes: bigint;
  readonly maxSizeBytes: bigint;
  readonly subsetTags: readonly string[];
  readonly supersetTags: readonly string[];

  constructor(init: PolicyInit = {}) {
    const priority = init.priority ?? 0;
    if (typeof priority !== 'number' || !Number.isSafeInteger(priority)) {
      throw new PolicyError('priority must be an integer', 'priority');
    }
    this.priority = priority;
    const hp = init.hostPattern ?? null;
    if (hp === null || typeof hp === 'string') {
      this.hostPattern = hp;
    } else if (typeof (hp as Iterable<string>)[Symbol.iterator] === 'function') {
      const list = [...(hp as Iterable<string>)];
      if (!list.every((p) => typeof p === 'string')) {
        throw new PolicyError('host_pattern must be a string, a list of strings or null', 'host_pattern');
      }
      this.hostPattern = list;
    } else {
      throw new PolicyError('host_pattern must be a string, a list of strings or null', 'host_pattern');
    }
    for (const p of this.patterns()) {
      const check = checkPythonRegex(p);
      if (!check.ok) throw new PolicyError(`host_pattern ${quoteValue(p)}: ${check.message}`, 'host_pattern');
    }
    this.minSizeBytes = toSize(init.minSizeBytes ?? 0n, 'min_size_bytes');
    this.maxSizeBytes = toSize(init.maxSizeBytes ?? PY_MAXSIZE, 'max_size_bytes');
    this.subsetTags = toTags(init.subsetTags ?? [], 'subset_tags');
    this.supersetTags = toTags(init.supersetTags ?? [], 'superset_tags');
  }

  /** `Policy(**policy_dict)`: missing keys take their defaults, unknown keys are an error. */
  static fromDict(dict: unknown): Policy {
    if (!isExactJsonObject(dict)) throw new PolicyError('A policy must be a JSON object');
    const d = dict as ExactJsonObject;
    for (const [key] of orderedEntries(d)) {
      if (!(DICT_KEYS as readonly string[]).includes(key)) {
        throw new PolicyError(`Policy has an unexpected key ${quoteValue(key)} (known: ${DICT_KEYS.join(', ')})`, key);
      }
    }
    const priority: ExactJson | undefined = d.priority;
    if (priority !== undefined && (typeof priority !== 'number' || !Number.isSafeInteger(priority))) {
      throw new PolicyError('priority must be an integer', 'priority');
    }
    const hp: ExactJson | undefined = d.host_pattern;
    if (hp !== undefined && hp !== null && typeof hp !== 'string' && !(Array.isArray(hp) && hp.every((p) => typeof p === 'string'))) {
      throw new PolicyError('host_pattern must be a string, a list of strings or null', 'host_pattern');
    }
    for (const field of ['min_size_bytes', 'max_size_bytes'] as const) {
      const v = d[field];
      if (v !== undefined && typeof v !== 'number' && typeof v !== 'bigint') {
        throw new PolicyError(`${field} must be an integer number of bytes`, field);
      }
    }
    return new Policy({
      priority: priority as number | undefined,
      hostPattern: hp as string | string[] | null | undefined,
      minSizeBytes: d.min_size_bytes === undefined ? undefined : toSize(d.min_size_bytes, 'min_size_bytes'),
      maxSizeBytes: d.max_size_bytes === undefined ? undefined : toSize(d.max_size_bytes, 'max_size_bytes'),
      subsetTags: d.subset_tags === undefined ? undefined : toTags(d.subset_tags, 'subset_tags'),
      supersetTags: d.superset_tags === undefined ? undefined : toTags(d.superset_tags, 'superset_tags'),
    });
  }

  static fromSpec(spec: PolicySpec): Policy {
    return new Policy(spec);
  }

  /** `Policy.as_dict()`, same key order; a list host_pattern stays a list. */
  asDict(): PolicyDict {
    return {
      priority: this.priority,
      host_pattern: this.hostPattern === null || typeof this.hostPattern === 'string' ? this.hostPattern : [...this.hostPattern],
      min_size_bytes: this.minSizeBytes,
      max_size_bytes: this.maxSizeBytes,
      subset_tags: [...this.subsetTags],
      superset_tags: [...this.supersetTags],
    };
  }

  /** `as_dict()` as an ExactJson value (bigint sizes), ready for stringifyExactJson. */
  asExactJson(): ExactJsonObject {
    return this.asDict() as unknown as ExactJsonObject;
  }

  toSpec(): PolicySpec {
    return {
      priority: this.priority,
      hostPattern: this.hostPattern === null || typeof this.hostPattern === 'string' ? this.hostPattern : [...this.hostPattern],
      minSizeBytes: this.minSizeBytes.toString(),
      maxSizeBytes: this.maxSizeBytes.toString(),
      subsetTags: [...this.subsetTags],
      supersetTags: [...this.supersetTags],
    };
  }

  private patterns(): readonly string[] {
    if (this.hostPattern === null) return [];
    return typeof this.hostPattern === 'string' ? [this.hostPattern] : this.hostPattern;
  }

  /** `is_valid_on_host()`: no pattern, or at least one pattern fully matches the hostname. */
  isValidOnHost(hostname: string = currentHostname()): boolean {
    if (this.hostPattern === null) return true;
    return this.patterns().some((p) => compileFullMatch(p).test(hostname));
  }

  /** `is_valid(size_bytes=, subset_tags=, superset_tags=)`, then `is_valid_on_host()`. */
  isValid(constraints: PolicyConstraints = {}, hostname: string = currentHostname()): boolean {
    return this.explain(constraints, hostname).length === 0;
  }

  /**
   * Why `is_valid` would be false, in ProxyStore's order of checks (empty when valid). Python
   * stops at the first failing check; this lists every failing check for the route tester.
   */
  explain(constraints: PolicyConstraints = {}, hostname: string = currentHostname()): string[] {
    const reasons: string[] = [];
    const size = constraints.sizeBytes;
    if (size !== undefined && size !== null) {
      const s = typeof size === 'bigint' ? size : toSize(size, 'size_bytes');
      if (s < this.minSizeBytes) reasons.push(`size ${s} B is below min_size_bytes ${this.minSizeBytes}`);
      if (s > this.maxSizeBytes) reasons.push(`size ${s} B is above max_size_bytes ${this.maxSizeBytes}`);
    }
    if (constraints.subsetTags !== undefined && constraints.subsetTags !== null) {
      const allowed = new Set(this.subsetTags);
      const extra = [...new Set(constraints.subsetTags)].filter((t) => !allowed.has(t));
      if (extra.length > 0) reasons.push(`tags ${extra.join(', ')} are not in subset_tags`);
    }
    if (constraints.supersetTags !== undefined && constraints.supersetTags !== null) {
      const given = new Set(constraints.supersetTags);
      const missing = this.supersetTags.filter((t) => !given.has(t));
      if (missing.length > 0) reasons.push(`required tags ${[...new Set(missing)].join(', ')} (superset_tags) are missing`);
    }
    if (!this.isValidOnHost(hostname)) reasons.push(`host ${hostname} does not match host_pattern`);
    return reasons;
  }
}

// ---------------------------------------------------------------------------------------------
// Human units for the editor: "3 MB" <-> bytes, exact for any size.

const UNITS: Record<string, bigint> = {
  b: 1n,
  kb: 1000n,
  mb: 1000n ** 2n,
  gb: 1000n ** 3n,
  tb: 1000n ** 4n,
  pb: 1000n ** 5n,
  kib: 1024n,
  mib: 1024n ** 2n,
  gib: 1024n ** 3n,
  tib: 1024n ** 4n,
  pib: 1024n ** 5n,
};

/** Parses "3 MB", "1.5GiB", "1024" into bytes (decimal string); `null` when unreadable. */
export function parseByteSize(text: string): string | null {
  const m = /^\s*(\d+)(?:\.(\d+))?\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return null;
  const unit = UNITS[(m[3] ?? '').toLowerCase() || 'b'];
  if (unit === undefined) return null;
  const frac = m[2] ?? '';
  const scale = 10n ** BigInt(frac.length);
  const value = (BigInt(m[1] ?? '0') * scale + BigInt(frac || '0')) * unit;
  if (value % scale !== 0n) return null;
  return (value / scale).toString();
}

/** "3 MB" style text for a byte count (decimal units); "no limit" for Python's sys.maxsize. */
export function formatByteSize(bytes: string | bigint): string {
  const b = typeof bytes === 'bigint' ? bytes : BigInt(bytes);
  if (b === PY_MAXSIZE) return 'no limit';
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  const abs = b < 0n ? -b : b;
  let exp = 0;
  let div = 1n;
  while (exp < units.length - 1 && abs >= div * 1000n) {
    div *= 1000n;
    exp++;
  }
  if (b % div === 0n) return `${b / div} ${units[exp]}`;
  const approx = (Number((b * 100n) / div) / 100).toFixed(2).replace(/\.?0+$/, '');
  return `${approx} ${units[exp]}`;
}

/**
 * Text for an editor field that parses back to exactly `bytes`: the human form when it is exact
 * ("3 MB", "no limit"), else the byte count ("1234567 B").
 */
export function exactSizeText(bytes: string | bigint): string {
  const b = typeof bytes === 'bigint' ? bytes : BigInt(bytes);
  if (b === PY_MAXSIZE) return 'no limit';
  const text = formatByteSize(b);
  return parseByteSize(text) === b.toString() ? text : `${b} B`;
}
