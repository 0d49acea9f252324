/**
 * The parser and translator of Python `re` syntax: one pass that builds the AST the backtracking
 * analysis needs and, alongside, the equivalent JavaScript RegExp source. It rejects what cannot
 * be translated faithfully and invalid patterns with a PatternError carrying the position.
 * Pure: no Node imports.
 */
import { quoteValue } from './json-paths';
import { CharSet, DIGIT, DOT, NON_ASCII, SPACE, WORD, type PatternNode } from './python-regex-ast';

/** A pattern Python would reject, or one this translator cannot carry over faithfully. */
export class PatternError extends Error {}

export interface Parsed {
  readonly ast: PatternNode;
  readonly js: string;
  readonly flags: string;
}

/**
 * Groups inside one another that a pattern may have: the parser and the analysis recurse once
 * per level, and host patterns never come close.
 */
export const MAX_GROUP_DEPTH = 100;

/** Parses the Python pattern, producing the AST and the equivalent JavaScript source. */
export function parsePython(pattern: string): Parsed {
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

  const parseClass = (): PatternNode & { js: string } => {
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

  type WithJs = { node: PatternNode; js: string };

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
    const items: PatternNode[] = [];
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
    return { node: items.length === 1 ? (items[0] as PatternNode) : { t: 'seq', items }, js };
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
