/**
 * Host patterns are Python regular expressions (ProxyStore calls `re.fullmatch(pattern, host)`).
 * This module translates the Python syntax hostnames need into a JavaScript RegExp with the same
 * full-match meaning, and rejects what it cannot translate faithfully, invalid patterns, and
 * patterns prone to catastrophic (exponential) backtracking, each with a message for a person.
 * Pure: no Node imports, so the same checks can run anywhere.
 */
import type { ErrorKind } from '../../../shared/errors';
import { quoteValue } from './json-paths';

export type RegexCheck =
  | { readonly ok: true; readonly source: string; readonly flags: string }
  | { readonly ok: false; readonly message: string };

// ---------------------------------------------------------------------------------------------
// Character sets over ASCII plus one bit standing for "any non-ASCII character".

const NON_ASCII = 128;

class CharSet {
  readonly bits: Uint8Array;
  constructor(bits?: Uint8Array) {
    this.bits = bits ?? new Uint8Array(NON_ASCII + 1);
  }
  static of(...codes: number[]): CharSet {
    const s = new CharSet();
    for (const c of codes) s.add(c);
    return s;
  }
  static range(lo: number, hi: number): CharSet {
    const s = new CharSet();
    s.addRange(lo, hi);
    return s;
  }
  static any(): CharSet {
    return new CharSet(new Uint8Array(NON_ASCII + 1).fill(1));
  }
  add(code: number): void {
    this.bits[code < NON_ASCII ? code : NON_ASCII] = 1;
  }
  addRange(lo: number, hi: number): void {
    for (let c = lo; c <= Math.min(hi, NON_ASCII - 1); c++) this.bits[c] = 1;
    if (hi >= NON_ASCII) this.bits[NON_ASCII] = 1;
  }
  addSet(other: CharSet): void {
    for (let c = 0; c <= NON_ASCII; c++) if (other.bits[c]) this.bits[c] = 1;
  }
  negate(): CharSet {
    const out = new CharSet();
    for (let c = 0; c < NON_ASCII; c++) out.bits[c] = this.bits[c] ? 0 : 1;
    out.bits[NON_ASCII] = 1; // a negated set always admits some non-ASCII character
    return out;
  }
  intersects(other: CharSet): boolean {
    for (let c = 0; c <= NON_ASCII; c++) if (this.bits[c] && other.bits[c]) return true;
    return false;
  }
  isEmpty(): boolean {
    return !this.bits.some((b) => b === 1);
  }
}

const DIGIT = CharSet.range(0x30, 0x39);
const WORD = (() => {
  const s = CharSet.range(0x30, 0x39);
  s.addRange(0x41, 0x5a);
  s.addRange(0x61, 0x7a);
  s.add(0x5f);
  s.add(NON_ASCII); // Python str patterns: \w is Unicode-aware
  return s;
})();
const SPACE = CharSet.of(0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, NON_ASCII);
const DOT = (() => {
  const s = CharSet.any();
  s.bits[0x0a] = 0;
  return s;
})();

// ---------------------------------------------------------------------------------------------
// AST of the pattern, only as detailed as the backtracking analysis needs.

type Node =
  | { readonly t: 'char'; readonly set: CharSet }
  | { readonly t: 'seq'; readonly items: readonly Node[] }
  | { readonly t: 'alt'; readonly branches: readonly Node[] }
  | { readonly t: 'repeat'; readonly body: Node; readonly min: number; readonly max: number }
  | { readonly t: 'assert'; readonly body: Node | null }
  | { readonly t: 'backref' };

class PatternError extends Error {}

interface Parsed {
  readonly ast: Node;
  readonly js: string;
  readonly flags: string;
}

/**
 * Groups inside one another that a pattern may have: the parser and the analysis recurse once
 * per level, and host patterns never come close.
 */
export const MAX_GROUP_DEPTH = 100;

/** Parses the Python pattern, producing the AST and the equivalent JavaScript source. */
function parsePython(pattern: string): Parsed {
  let i = 0;
  const n = pattern.length;
  let groupDepth = 0;
  let flags = '';
  let groupCount = 0;
  const groupNames = new Set<string>();
  const fail = (msg: string): never => {
    throw new PatternError(`${msg} at position ${i}`);
  };

  // Global inline flags, only at the very start (Python 3.11+ rejects them elsewhere).
  const leading = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  if (leading) {
    for (const f of leading[1] ?? '') {
      if (f === 'i' && !flags.includes('i')) flags += 'i';
      else if (f === 'm' && !flags.includes('m')) flags += 'm';
      else if (f === 's' && !flags.includes('s')) flags += 's';
      else if (f === 'x') throw new PatternError('Verbose flag (?x) is not supported; write the pattern without it');
      else if (f === 'L') throw new PatternError('Locale flag (?L) is not supported');
      // a (ASCII) and u (Unicode) only change \w/\d classes; hostnames are ASCII.
    }
    i = leading[0].length;
  }

  const escapeSet = (c: string): { set: CharSet; js: string } | null => {
    switch (c) {
      case 'd':
        return { set: DIGIT, js: '\\d' };
      case 'D':
        return { set: DIGIT.negate(), js: '\\D' };
      case 'w':
        return { set: WORD, js: '\\w' };
      case 'W':
        return { set: WORD.negate(), js: '\\W' };
      case 's':
        return { set: SPACE, js: '\\s' };
      case 'S':
        return { set: SPACE.negate(), js: '\\S' };
      default:
        return null;
    }
  };

  /** An escaped single character (after the backslash); returns its code and JS text. */
  const escapedChar = (inClass: boolean): { code: number; js: string } => {
    const c = pattern.charAt(i);
    if (c === '') fail('Pattern ends with a lone backslash');
    i++;
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, f: 12, v: 11, a: 7 };
    if (c in simple) {
      const code = simple[c] as number;
      return { code, js: `\\x${code.toString(16).padStart(2, '0')}` };
    }
    if (c === 'b' && inClass) return { code: 8, js: '\\x08' };
    if (c === 'x') {
      const hex = /^[0-9a-fA-F]{2}/.exec(pattern.slice(i));
      if (!hex) fail('Incomplete escape \\x');
      i += 2;
      return { code: parseInt(hex?.[0] ?? '0', 16), js: `\\x${hex?.[0] ?? ''}` };
    }
    if (c === 'u') {
      const hex = /^[0-9a-fA-F]{4}/.exec(pattern.slice(i));
      if (!hex) fail('Incomplete escape \\u');
      i += 4;
      return { code: parseInt(hex?.[0] ?? '0', 16), js: `\\u${hex?.[0] ?? ''}` };
    }
    if (c === 'U' || c === 'N') fail(`Escape \\${c} is not supported`);
    if (c === '0') {
      const oct = /^[0-7]{0,2}/.exec(pattern.slice(i))?.[0] ?? '';
      i += oct.length;
      const code = parseInt(`0${oct}`, 8);
      return { code, js: `\\x${code.toString(16).padStart(2, '0')}` };
    }
    if (/[A-Za-z]/.test(c)) fail(`Bad escape \\${c}`);
    if (/[0-9]/.test(c)) fail(`Backreference \\${c} is not allowed here`);
    const code = c.charCodeAt(0);
    // Escape everything non-alphanumeric for JavaScript; identity escapes are fine there.
    return { code, js: `\\${c}` };
  };

  const parseClass = (): Node & { js: string } => {
    // at '['
    i++;
    let js = '[';
    let negated = false;
    if (pattern.charAt(i) === '^') {
      negated = true;
      js += '^';
      i++;
    }
    const set = new CharSet();
    let first = true;
    for (;;) {
      if (i >= n) fail('Unterminated character set');
      const c = pattern.charAt(i);
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      // one class atom
      let lo: number;
      let loJs: string;
      if (c === '\\') {
        i++;
        const s = escapeSet(pattern.charAt(i));
        if (s) {
          i++;
          set.addSet(s.set);
          js += s.js;
          continue;
        }
        const e = escapedChar(true);
        lo = e.code;
        loJs = e.js;
      } else {
        i++;
        lo = c.charCodeAt(0);
        loJs = c === ']' || c === '[' || c === '\\' || c === '^' || c === '-' ? `\\${c}` : c;
      }
      if (pattern.charAt(i) === '-' && i + 1 < n && pattern.charAt(i + 1) !== ']') {
        i++;
        let hi: number;
        let hiJs: string;
        const d = pattern.charAt(i);
        if (d === '\\') {
          i++;
          if (escapeSet(pattern.charAt(i))) fail('Bad character range');
          const e = escapedChar(true);
          hi = e.code;
          hiJs = e.js;
        } else {
          i++;
          hi = d.charCodeAt(0);
          hiJs = d === '[' || d === '^' ? `\\${d}` : d;
        }
        if (hi < lo) fail(`Bad character range ${String.fromCharCode(lo)}-${String.fromCharCode(hi)}`);
        set.addRange(lo, hi);
        js += `${loJs}-${hiJs}`;
      } else {
        set.add(lo);
        js += loJs;
      }
    }
    js += ']';
    return { t: 'char', set: negated ? set.negate() : set, js };
  };

  type WithJs = { node: Node; js: string };

  const parseAlt = (): WithJs => {
    const branches: WithJs[] = [parseSeq()];
    while (pattern.charAt(i) === '|') {
      i++;
      branches.push(parseSeq());
    }
    if (branches.length === 1) return branches[0] as WithJs;
    return { node: { t: 'alt', branches: branches.map((b) => b.node) }, js: branches.map((b) => b.js).join('|') };
  };

  const parseSeq = (): WithJs => {
    const items: Node[] = [];
    let js = '';
    while (i < n) {
      const c = pattern.charAt(i);
      if (c === '|' || c === ')') break;
      const atom = parseAtom();
      if (atom === null) continue;
      const q = parseQuantifier();
      if (q) {
        if (atom.node.t === 'assert') fail('Nothing to repeat');
        items.push({ t: 'repeat', body: atom.node, min: q.min, max: q.max });
        js += atom.js + q.js;
      } else {
        items.push(atom.node);
        js += atom.js;
      }
    }
    return { node: items.length === 1 ? (items[0] as Node) : { t: 'seq', items }, js };
  };

  const parseQuantifier = (): { min: number; max: number; js: string } | null => {
    const c = pattern.charAt(i);
    let min: number;
    let max: number;
    let js: string;
    if (c === '*' || c === '+' || c === '?') {
      i++;
      min = c === '+' ? 1 : 0;
      max = c === '?' ? 1 : Infinity;
      js = c;
    } else if (c === '{') {
      const m = /^\{(\d*)(,?)(\d*)\}/.exec(pattern.slice(i));
      if (!m || (m[1] === '' && m[2] === '')) return null; // a literal '{' in both languages
      i += m[0].length;
      min = m[1] === '' ? 0 : Number(m[1]);
      max = m[2] === '' ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) fail('Min repeat greater than max repeat');
      js = `{${min}${m[2]}${m[3]}}`;
    } else {
      return null;
    }
    const next = pattern.charAt(i);
    if (next === '?') {
      i++;
      js += '?';
    } else if (next === '+') {
      fail('Possessive quantifiers are not supported in JavaScript');
    }
    const after = pattern.charAt(i);
    if (after === '*' || after === '+' || (after === '?' && !js.endsWith('?'))) fail('Multiple repeat');
    return { min, max, js };
  };

  const parseAtom = (): WithJs | null => {
    const c = pattern.charAt(i);
    switch (c) {
      case '(':
        return parseGroup();
      case '[': {
        const cls = parseClass();
        return { node: cls, js: cls.js };
      }
      case '.':
        i++;
        return { node: { t: 'char', set: flags.includes('s') ? CharSet.any() : DOT }, js: '.' };
      case '^':
        i++;
        return { node: { t: 'assert', body: null }, js: '^' };
      case '$':
        i++;
        return { node: { t: 'assert', body: null }, js: '$' };
      case '*':
      case '+':
      case '?':
        return fail('Nothing to repeat');
      case '{': {
        if (/^\{\d*,?\d*\}/.test(pattern.slice(i)) && !pattern.startsWith('{}', i)) fail('Nothing to repeat');
        i++;
        return { node: { t: 'char', set: CharSet.of(0x7b) }, js: '\\{' };
      }
      case '}':
      case ']':
        i++;
        return { node: { t: 'char', set: CharSet.of(c.charCodeAt(0)) }, js: `\\${c}` };
      case '\\': {
        i++;
        const e = pattern.charAt(i);
        const s = escapeSet(e);
        if (s) {
          i++;
          return { node: { t: 'char', set: s.set }, js: s.js };
        }
        if (e === 'b' || e === 'B') {
          i++;
          return { node: { t: 'assert', body: null }, js: `\\${e}` };
        }
        if (e === 'A') {
          i++;
          return { node: { t: 'assert', body: null }, js: '^' };
        }
        if (e === 'Z') {
          i++;
          return { node: { t: 'assert', body: null }, js: '$(?![\\s\\S])' };
        }
        if (/[1-9]/.test(e)) {
          const digits = /^\d{1,2}/.exec(pattern.slice(i))?.[0] ?? e;
          if (Number(digits) > groupCount) fail(`Invalid group reference ${digits}`);
          i += digits.length;
          return { node: { t: 'backref' }, js: `\\${digits}` };
        }
        const ch = escapedChar(false);
        return { node: { t: 'char', set: CharSet.of(ch.code) }, js: ch.js };
      }
      default: {
        i++;
        const code = c.charCodeAt(0);
        if (code >= 0xd800 && code <= 0xdbff && i < n) {
          // a surrogate pair is one character in Python
          const pair = c + pattern.charAt(i);
          i++;
          return { node: { t: 'char', set: CharSet.of(NON_ASCII) }, js: `(?:${pair})` };
        }
        const js = c === '/' ? '\\/' : c;
        return { node: { t: 'char', set: CharSet.of(code) }, js };
      }
    }
  };

  const closeGroup = (): void => {
    if (pattern.charAt(i) !== ')') fail('Missing ), unterminated subpattern');
    i++;
  };

  const parseGroup = (): WithJs | null => {
    if (groupDepth >= MAX_GROUP_DEPTH) fail(`Groups are nested more than ${MAX_GROUP_DEPTH} deep`);
    groupDepth++;
    try {
      return parseGroupBody();
    } finally {
      groupDepth--;
    }
  };

  const parseGroupBody = (): WithJs | null => {
    // at '('
    i++;
    if (pattern.charAt(i) !== '?') {
      groupCount++;
      const inner = parseAlt();
      closeGroup();
      return { node: inner.node, js: `(${inner.js})` };
    }
    i++;
    const rest = pattern.slice(i);
    if (rest.startsWith(':')) {
      i++;
      const inner = parseAlt();
      closeGroup();
      return { node: inner.node, js: `(?:${inner.js})` };
    }
    if (rest.startsWith('#')) {
      const end = pattern.indexOf(')', i);
      if (end < 0) fail('Missing ), unterminated comment');
      i = end + 1;
      return null;
    }
    for (const look of ['=', '!', '<=', '<!']) {
      if (rest.startsWith(look)) {
        i += look.length;
        const inner = parseAlt();
        closeGroup();
        return { node: { t: 'assert', body: inner.node }, js: `(?${look}${inner.js})` };
      }
    }
    const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (named) {
      const name = named[1] ?? '';
      if (groupNames.has(name)) fail(`Redefinition of group name ${quoteValue(name)}`);
      groupNames.add(name);
      groupCount++;
      i += named[0].length;
      const inner = parseAlt();
      closeGroup();
      return { node: inner.node, js: `(?<${name}>${inner.js})` };
    }
    const namedRef = /^P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest);
    if (namedRef) {
      const name = namedRef[1] ?? '';
      if (!groupNames.has(name)) fail(`Unknown group name ${quoteValue(name)}`);
      i += namedRef[0].length;
      return { node: { t: 'backref' }, js: `\\k<${name}>` };
    }
    if (/^[aiLmsux-]+[:)]/.test(rest)) {
      return fail('Inline flags are only supported at the start of the pattern, e.g. (?i)host');
    }
    if (rest.startsWith('(')) return fail('Conditional groups (?(id)yes|no) are not supported');
    if (rest.startsWith('>')) return fail('Atomic groups (?>...) are not supported in JavaScript');
    return fail('Unknown extension ?' + rest.charAt(0));
  };

  const top = parseAlt();
  if (i < n) {
    if (pattern.charAt(i) === ')') fail('Unbalanced parenthesis');
    fail('Unexpected character');
  }
  return { ast: top.node, js: top.js, flags };
}

// ---------------------------------------------------------------------------------------------
// Catastrophic backtracking analysis: exponential blow-up needs a repeated sub-pattern that can
// match the same text in more than one way. We flag (1) a variable-width repeat nested inside
// another repeat when the rest of the outer body cannot pin down where one inner run ends, and
// (2) alternatives under a repeat that can start with the same character and are not plainly
// distinguishable within their fixed prefix.

function nullable(node: Node): boolean {
  switch (node.t) {
    case 'char':
      return false;
    case 'seq':
      return node.items.every(nullable);
    case 'alt':
      return node.branches.some(nullable);
    case 'repeat':
      return node.min === 0 || nullable(node.body);
    case 'assert':
    case 'backref':
      return true;
  }
}

function allChars(node: Node, into: CharSet, skip?: Node): CharSet {
  if (node === skip) return into;
  switch (node.t) {
    case 'char':
      into.addSet(node.set);
      break;
    case 'seq':
      for (const x of node.items) allChars(x, into, skip);
      break;
    case 'alt':
      for (const x of node.branches) allChars(x, into, skip);
      break;
    case 'repeat':
      allChars(node.body, into, skip);
      break;
    case 'assert':
      break;
    case 'backref':
      into.addSet(CharSet.any());
      break;
  }
  return into;
}

/** Whether `node` can match the empty string when `hole` is treated as matching empty. */
function nullableWithHole(node: Node, hole: Node): boolean {
  if (node === hole) return true;
  switch (node.t) {
    case 'char':
      return false;
    case 'seq':
      return node.items.every((x) => nullableWithHole(x, hole));
    case 'alt':
      return node.branches.some((x) => nullableWithHole(x, hole));
    case 'repeat':
      return node.min === 0 || nullableWithHole(node.body, hole);
    case 'assert':
    case 'backref':
      return true;
  }
}

function firstChars(node: Node): CharSet {
  const out = new CharSet();
  const walk = (x: Node): boolean => {
    // returns whether x is nullable (so the following item can also be first)
    switch (x.t) {
      case 'char':
        out.addSet(x.set);
        return false;
      case 'seq':
        for (const item of x.items) if (!walk(item)) return false;
        return true;
      case 'alt': {
        let any = false;
        for (const b of x.branches) if (walk(b)) any = true;
        return any;
      }
      case 'repeat':
        return walk(x.body) || x.min === 0;
      case 'assert':
        return true;
      case 'backref':
        out.addSet(CharSet.any());
        return true;
    }
  };
  walk(node);
  return out;
}

function innerVariableRepeats(node: Node, out: Node[]): Node[] {
  switch (node.t) {
    case 'repeat':
      if (node.max > node.min) out.push(node);
      innerVariableRepeats(node.body, out);
      break;
    case 'seq':
      for (const x of node.items) innerVariableRepeats(x, out);
      break;
    case 'alt':
      for (const x of node.branches) innerVariableRepeats(x, out);
      break;
    case 'assert':
      if (node.body) innerVariableRepeats(node.body, out);
      break;
    case 'char':
      break;
    case 'backref':
      out.push({ t: 'repeat', body: { t: 'char', set: CharSet.any() }, min: 0, max: Infinity });
      break;
  }
  return out;
}

/** Single-character sequence of a branch, or null when it contains anything else. */
function simpleSequence(node: Node): CharSet[] | null {
  if (node.t === 'char') return [node.set];
  if (node.t === 'seq') {
    const out: CharSet[] = [];
    for (const item of node.items) {
      if (item.t === 'char') out.push(item.set);
      else if (item.t === 'repeat' && item.min === item.max) {
        const inner = simpleSequence(item.body);
        if (!inner) return null;
        for (let k = 0; k < item.min; k++) out.push(...inner);
      } else return null;
    }
    return out;
  }
  return null;
}

function branchesAmbiguous(a: Node, b: Node): boolean {
  if (!firstChars(a).intersects(firstChars(b)) && !nullable(a) && !nullable(b)) return false;
  const sa = simpleSequence(a);
  const sb = simpleSequence(b);
  if (sa && sb) {
    const len = Math.min(sa.length, sb.length);
    for (let k = 0; k < len; k++) if (!(sa[k] as CharSet).intersects(sb[k] as CharSet)) return false;
    return true;
  }
  return true;
}

/** With (?i), letters match both cases: widen every set so overlaps are seen. */
function foldCase(node: Node): Node {
  switch (node.t) {
    case 'char': {
      const set = new CharSet(node.set.bits.slice());
      for (let c = 0x41; c <= 0x5a; c++) {
        if (set.bits[c] || set.bits[c + 32]) {
          set.bits[c] = 1;
          set.bits[c + 32] = 1;
        }
      }
      return { t: 'char', set };
    }
    case 'seq':
      return { t: 'seq', items: node.items.map(foldCase) };
    case 'alt':
      return { t: 'alt', branches: node.branches.map(foldCase) };
    case 'repeat':
      return { ...node, body: foldCase(node.body) };
    case 'assert':
      return { t: 'assert', body: node.body ? foldCase(node.body) : null };
    case 'backref':
      return node;
  }
}

function findCatastrophe(node: Node): string | null {
  const visit = (x: Node): string | null => {
    switch (x.t) {
      case 'repeat': {
        if (x.max > 1) {
          const body = x.body;
          for (const inner of innerVariableRepeats(body, [])) {
            const innerChars = allChars(inner, new CharSet());
            const otherChars = allChars(body, new CharSet(), inner);
            if (nullableWithHole(body, inner) || innerChars.intersects(otherChars)) {
              return 'it nests a repeated part inside another repeat that can match the same text in many ways (e.g. (a+)+); make the inner part unambiguous, e.g. ([a-z]+\\.)+';
            }
          }
          const alt = body.t === 'alt' ? body : null;
          if (alt) {
            for (let p = 0; p < alt.branches.length; p++) {
              for (let q = p + 1; q < alt.branches.length; q++) {
                if (branchesAmbiguous(alt.branches[p] as Node, alt.branches[q] as Node)) {
                  return 'it repeats alternatives that can match the same text (e.g. (a|ab)*); make the alternatives start differently';
                }
              }
            }
          }
        }
        return visit(x.body);
      }
      case 'seq':
        for (const item of x.items) {
          const r = visit(item);
          if (r) return r;
        }
        return null;
      case 'alt':
        for (const b of x.branches) {
          const r = visit(b);
          if (r) return r;
        }
        return null;
      case 'assert':
        return x.body ? visit(x.body) : null;
      case 'char':
      case 'backref':
        return null;
    }
  };
  return visit(node);
}

/** Longest pattern accepted: host patterns are short; this bounds the analysis too. */
export const MAX_PATTERN_LENGTH = 1000;

/**
 * Checks a Python host pattern: syntax, translatability to JavaScript, and catastrophic
 * backtracking. On success gives the JavaScript source and flags of the pattern itself.
 */
export function checkPythonRegex(pattern: string): RegexCheck {
  if (typeof pattern !== 'string') return { ok: false, message: 'Pattern must be a string' };
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return { ok: false, message: `Pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  let parsed: Parsed;
  try {
    parsed = parsePython(pattern);
  } catch (error) {
    if (error instanceof PatternError) return { ok: false, message: `Invalid regular expression: ${error.message}` };
    throw error;
  }
  try {
    new RegExp(parsed.js, parsed.flags);
  } catch (error) {
    // V8 writes "Invalid regular expression: /<source>/<flags>: <reason>": keep only the reason.
    const text = (error as Error).message;
    const reason = text.slice(text.lastIndexOf(': ') + 2) || 'not a valid pattern';
    return { ok: false, message: `Invalid regular expression: ${reason}` };
  }
  const danger = findCatastrophe(parsed.flags.includes('i') ? foldCase(parsed.ast) : parsed.ast);
  if (danger) return { ok: false, message: `Regular expression could backtrack catastrophically: ${danger}` };
  return { ok: true, source: parsed.js, flags: parsed.flags };
}

export class InvalidPatternError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  readonly pattern: string;
  constructor(pattern: string, message: string) {
    super(`${message} (pattern ${quoteValue(pattern)})`);
    this.name = 'InvalidPatternError';
    this.pattern = pattern;
  }
}

const cache = new Map<string, RegExp>();

/** A RegExp that tests Python's `re.fullmatch(pattern, text) is not None`. Throws on bad patterns. */
export function compileFullMatch(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const check = checkPythonRegex(pattern);
  if (!check.ok) throw new InvalidPatternError(pattern, check.message);
  const re = new RegExp(`^(?:${check.source})$`, check.flags.replace('m', ''));
  if (cache.size > 500) cache.clear();
  cache.set(pattern, re);
  return re;
}

/** `re.fullmatch(pattern, text) is not None`. */
export function fullMatch(pattern: string, text: string): boolean {
  return compileFullMatch(pattern).test(text);
}
