/**
 * The parser and translator of Python `re` syntax: one pass that builds the AST the backtracking
 * analysis needs and, alongside, the equivalent JavaScript RegExp source. It rejects what cannot
 * be translated faithfully and invalid patterns with a PatternError carrying the position.
 * Pure: no Node imports.
 */
import { quoteValue } from './json-paths';
import { UNICODE_NAME_COUNT, unicodeByName } from './python-regex-names';
import { CharSet, DIGIT, DOT, SPACE, WORD, type PatternNode } from './python-regex-ast';

/** A pattern Python would reject, or one this translator cannot carry over faithfully. */
export class PatternError extends Error {}

export interface Parsed {
  readonly ast: PatternNode;
  /** JavaScript source for the `u` flag (plus `flags`), with Python 3 str semantics spelled out. */
  readonly js: string;
  /** `i` and/or `s` as Python's global flags; `u` is always added when compiling. */
  readonly flags: string;
}

/** Python 3 str patterns: \w is any letter, digit or underscore, in every script. */
const PY_WORD = '\\p{L}\\p{N}_';
/** Python's str.isspace(): JavaScript's \s without U+FEFF, plus U+001C-U+001F and U+0085. */
const PY_SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Python's case-insensitive letter: both cases, for a scoped (?i:...) group. */
function bothCases(code: number): string {
  const ch = String.fromCodePoint(code);
  const forms = new Set([ch, ch.toLowerCase(), ch.toUpperCase()].filter((f) => [...f].length === 1));
  return [...forms].map((f) => `\\u{${(f.codePointAt(0) ?? 0).toString(16)}}`).join('');
}

/** Verbose mode (?x): whitespace and # comments outside classes are dropped, as Python's parser does. */
export function stripVerbose(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === '\\') {
      out += c + pattern.charAt(i + 1);
      i++;
    } else if (inClass) {
      if (c === ']' && !/\[\^?$/.test(out)) inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
    } else if (c === '#') {
      while (i < pattern.length && pattern.charAt(i) !== '\n') i++;
    } else if (!/\s/.test(c) || c === '\u00a0') {
      out += c;
    }
  }
  return out;
}

/**
 * Groups inside one another that a pattern may have: the parser and the analysis recurse once
 * per level, and host patterns never come close.
 */
export const MAX_GROUP_DEPTH = 100;

/** The one length every match of `node` has, or null (Python's look-behinds need one). */
function fixedWidth(node: PatternNode): number | null {
  switch (node.t) {
    case 'char':
      return 1;
    case 'assert':
      return 0;
    case 'backref':
      return null;
    case 'seq': {
      let sum = 0;
      for (const item of node.items) {
        const w = fixedWidth(item);
        if (w === null) return null;
        sum += w;
      }
      return sum;
    }
    case 'alt': {
      const widths = node.branches.map(fixedWidth);
      const first = widths[0] ?? null;
      return widths.every((w) => w !== null && w === first) ? first : null;
    }
    case 'repeat': {
      const w = fixedWidth(node.body);
      return w !== null && node.min === node.max ? w * node.min : null;
    }
  }
}

/** Parses the Python pattern, producing the AST and the equivalent JavaScript source. */
export function parsePython(source: string): Parsed {
  let pattern = source;
  let i = 0;
  let n = pattern.length;
  let groupDepth = 0;
  let flags = '';
  let groupCount = 0;
  /** JavaScript capture groups so far: Python's, plus one per atomic group or possessive repeat. */
  let jsGroups = 0;
  /** Python group number -> JavaScript group number. */
  const pyToJs = new Map<number, number>();
  /** Inside a scoped (?i:...) group (or after a global (?i), which JavaScript's own flag covers). */
  let scopedI = false;
  let scopedS = false;
  const groupNames = new Set<string>();
  const fail = (msg: string): never => {
    throw new PatternError(`${msg} at position ${i}`);
  };

  // Global inline flags, only at the very start (Python 3.11+ rejects them elsewhere).
  const leading = /^\(\?([aiLmsux]+)\)/.exec(pattern);
  if (leading) {
    // A global (?i) that a later (?-i:...) turns off is spelled out letter by letter instead.
    const iOff = /\(\?[a-z]*-[a-z]*i[a-z]*:/.test(pattern);
    for (const f of leading[1] ?? '') {
      if (f === 'i' && iOff) scopedI = true;
      else if (f === 'i' && !flags.includes('i')) flags += 'i';
      else if (f === 'm' && !flags.includes('m')) flags += 'm';
      else if (f === 's') scopedS = true;
      else if (f === 'L') throw new PatternError('cannot use LOCALE flag with a str pattern');
      // a (ASCII) only narrows \w/\d/\s; u is the default for str patterns.
    }
    i = leading[0].length;
    if ((leading[1] ?? '').includes('x')) {
      pattern = pattern.slice(0, i) + stripVerbose(pattern.slice(i));
      n = pattern.length;
    }
  }
  const ascii = Boolean(leading?.[1]?.includes('a'));
  const wordBody = ascii ? 'A-Za-z0-9_' : PY_WORD;
  const digitBody = ascii ? '0-9' : '\\p{Nd}';
  const spaceBody = ascii ? '\\t\\n\\v\\f\\r ' : PY_SPACE;
  const wordClass = `[${wordBody}]`;

  const escapeSet = (c: string): { set: CharSet; js: string; body: string } | null => {
    switch (c) {
      // `body` goes inside a class; `js` stands alone. Negations inside a class cannot be nested
      // without the v flag: there \P{Nd} is exact, \W and \S fall back to JavaScript's.
      case 'd':
        return { set: DIGIT, js: `[${digitBody}]`, body: digitBody };
      case 'D':
        return { set: DIGIT.negate(), js: `[^${digitBody}]`, body: ascii ? '\\D' : '\\P{Nd}' };
      case 'w':
        return { set: WORD, js: wordClass, body: wordBody };
      case 'W':
        return { set: WORD.negate(), js: `[^${wordBody}]`, body: '\\W' };
      case 's':
        return { set: SPACE, js: `[${spaceBody}]`, body: spaceBody };
      case 'S':
        return { set: SPACE.negate(), js: `[^${spaceBody}]`, body: '\\S' };
      default:
        return null;
    }
  };

  /** An escaped single character (after the backslash); returns its code and JS text. */
  const escapedChar = (inClass: boolean): { code: number; js: string } => {
    const r = escapedCharRaw(inClass);
    return { code: r.code, js: `\\u{${r.code.toString(16)}}` };
  };

  const escapedCharRaw = (inClass: boolean): { code: number; js: string } => {
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
    if (c === 'U') {
      const hex = /^[0-9a-fA-F]{8}/.exec(pattern.slice(i));
      if (!hex) fail('Incomplete escape \\U');
      const code = parseInt(hex?.[0] ?? '0', 16);
      if (code > 0x10ffff) fail(`Bad escape \\U${hex?.[0] ?? ''}`);
      i += 8;
      return { code, js: '' };
    }
    if (c === 'N') {
      const m = /^\{([^}]*)\}/.exec(pattern.slice(i));
      if (!m) fail('Missing { after \\N');
      const code = unicodeByName(m?.[1] ?? '');
      if (code === undefined) fail(`Undefined character name ${quoteValue(m?.[1] ?? '')} (Ferry knows ${UNICODE_NAME_COUNT} common names)`);
      i += m?.[0].length ?? 0;
      return { code: code ?? 0, js: '' };
    }
    if (/[1-7]/.test(c) && inClass) {
      // In a class any backslash-digit run of up to three octal digits is a character.
      const more = /^[0-7]{0,2}/.exec(pattern.slice(i))?.[0] ?? '';
      const code = parseInt(c + more, 8);
      if (code > 0o377) fail(`Octal escape value \\${c}${more} outside of range 0-0o377`);
      i += more.length;
      return { code, js: '' };
    }
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
          js += s.body;
          continue;
        }
        const e = escapedChar(true);
        lo = e.code;
        loJs = e.js;
      } else {
        lo = pattern.codePointAt(i) ?? 0;
        i += lo > 0xffff ? 2 : 1;
        loJs = `\\u{${lo.toString(16)}}`;
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
          hi = pattern.codePointAt(i) ?? 0;
          i += hi > 0xffff ? 2 : 1;
          hiJs = `\\u{${hi.toString(16)}}`;
        }
        if (hi < lo) fail(`Bad character range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`);
        set.addRange(lo, hi);
        js += `${loJs}-${hiJs}`;
        if (scopedI && hi - lo < 512) for (let k = lo; k <= hi; k++) js += bothCases(k);
      } else {
        set.add(lo);
        js += scopedI ? bothCases(lo) : loJs;
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
      const groupsBefore = jsGroups;
      const atom = parseAtom();
      if (atom === null) continue;
      const q = parseQuantifier();
      if (q) {
        if (atom.node.t === 'assert') fail('Nothing to repeat');
        items.push({ t: 'repeat', body: atom.node, min: q.min, max: q.max });
        if (q.possessive) {
          // X*+ is (?>X*): JavaScript has neither, but (?=(X*))\N matches the same, never backtracking into X*.
          const k = insertGroupAt(groupsBefore);
          js += `(?=(${renumberFrom(atom.js, groupsBefore)}${q.js}))\\${k}`;
        } else {
          js += atom.js + q.js;
        }
      } else {
        items.push(atom.node);
        js += atom.js;
      }
    }
    return { node: items.length === 1 ? (items[0] as PatternNode) : { t: 'seq', items }, js };
  };

  /**
   * Makes room for one JavaScript capture group numbered `before + 1` (for an atomic group or a
   * possessive repeat whose body started when `before` groups existed); groups opened inside the
   * body move up by one. Returns the new group's number.
   */
  const insertGroupAt = (before: number): number => {
    for (const [py, js] of pyToJs) if (js > before) pyToJs.set(py, js + 1);
    jsGroups++;
    return before + 1;
  };
  /** Moves the numbered backreferences (\\N) in `js` that point past `before` up by one. */
  const renumberFrom = (js: string, before: number): string =>
    js.replace(/(\\\\)|\\(\d+)/g, (all: string, esc: string | undefined, num: string | undefined) => (esc || Number(num) <= before ? all : `\\${Number(num) + 1}`));

  const parseQuantifier = (): { min: number; max: number; js: string; possessive: boolean } | null => {
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
    let possessive = false;
    if (next === '?') {
      i++;
      js += '?';
    } else if (next === '+') {
      // Python 3.11+: a possessive quantifier.
      i++;
      possessive = true;
    }
    const after = pattern.charAt(i);
    if (after === '*' || after === '+' || after === '?' || (after === '{' && /^\{\d*,?\d*\}/.test(pattern.slice(i)) && !pattern.startsWith('{}', i))) {
      fail('Multiple repeat');
    }
    return { min, max, js, possessive };
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
        // Python's . stops only at \n (JavaScript's also at \r, U+2028 and U+2029).
        return { node: { t: 'char', set: flags.includes('s') || scopedS ? CharSet.any() : DOT }, js: flags.includes('s') || scopedS ? '[^]' : '[^\\n]' };
      case '^':
        i++;
        return { node: { t: 'assert', body: null }, js: flags.includes('m') ? '(?<![^\\n])' : '(?<![^])' };
      case '$':
        i++;
        // Python's $ also matches just before a final newline.
        return { node: { t: 'assert', body: null }, js: flags.includes('m') ? '(?![^\\n])' : '(?=\\n?(?![^]))' };
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
          // A boundary between Python's (Unicode) word characters and the rest.
          const at = `(?:(?<=${wordClass})(?!${wordClass})|(?<!${wordClass})(?=${wordClass}))`;
          const not = `(?:(?<=${wordClass})(?=${wordClass})|(?<!${wordClass})(?!${wordClass}))`;
          return { node: { t: 'assert', body: null }, js: e === 'b' ? at : not };
        }
        if (e === 'A') {
          i++;
          return { node: { t: 'assert', body: null }, js: '(?<![^])' };
        }
        if (e === 'Z') {
          i++;
          return { node: { t: 'assert', body: null }, js: '(?![^])' };
        }
        if (/[0-7]/.test(e) && /^[0-7]{3}/.test(pattern.slice(i)) && e !== '0') {
          // Three octal digits are a character, not a group reference (\166 is "v").
          const code = parseInt(pattern.slice(i, i + 3), 8);
          if (code > 0o377) fail(`Octal escape value \\${pattern.slice(i, i + 3)} outside of range 0-0o377`);
          i += 3;
          return { node: { t: 'char', set: CharSet.of(code) }, js: scopedI ? `[${bothCases(code)}]` : `\\u{${code.toString(16)}}` };
        }
        if (/[1-9]/.test(e)) {
          const digits = /^\d{1,2}/.exec(pattern.slice(i))?.[0] ?? e;
          if (Number(digits) > groupCount) fail(`Invalid group reference ${digits}`);
          i += digits.length;
          return { node: { t: 'backref' }, js: `\\${pyToJs.get(Number(digits)) ?? Number(digits)}` };
        }
        const ch = escapedChar(false);
        return { node: { t: 'char', set: CharSet.of(ch.code) }, js: scopedI ? `[${bothCases(ch.code)}]` : ch.js };
      }
      default: {
        const code = pattern.codePointAt(i) ?? 0;
        i += code > 0xffff ? 2 : 1;
        const js = scopedI ? `[${bothCases(code)}]` : `\\u{${code.toString(16)}}`;
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
      jsGroups++;
      pyToJs.set(groupCount, jsGroups);
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
        if (look.startsWith('<') && fixedWidth(inner.node) === null) fail('look-behind requires fixed-width pattern');
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
      jsGroups++;
      pyToJs.set(groupCount, jsGroups);
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
    const scoped = /^([aimsux]*)(?:-([imsx]*))?:/.exec(rest);
    if (scoped && (scoped[1] || scoped[2])) {
      // (?i:...), (?-i:...): flags for this group only (Python 3.7+).
      const on = scoped[1] ?? '';
      const off = scoped[2] ?? '';
      if (/[au]/.test(off)) fail('bad inline flags: cannot turn off flags \'a\', \'u\' and \'L\'');
      if (off.includes('i') && flags.includes('i')) fail('(?-i:...) inside a pattern with a global (?i) is not supported by Ferry');
      if (off.includes('s') && flags.includes('s')) fail('(?-s:...) inside a pattern with a global (?s) is not supported by Ferry');
      const saved = [scopedI, scopedS];
      if (on.includes('i') && !flags.includes('i')) scopedI = true;
      if (off.includes('i')) scopedI = false;
      if (on.includes('s')) scopedS = true;
      if (off.includes('s')) scopedS = false;
      i += scoped[0].length;
      try {
        const inner = parseAlt();
        closeGroup();
        return { node: inner.node, js: `(?:${inner.js})` };
      } finally {
        [scopedI, scopedS] = saved as [boolean, boolean];
      }
    }
    if (/^[aiLmsux-]+[:)]/.test(rest)) {
      return fail('global flags not at the start of the expression');
    }
    if (rest.startsWith('(')) return fail('Conditional groups (?(id)yes|no) are not supported');
    if (rest.startsWith('>')) {
      // Atomic group (Python 3.11+): (?=(X))\N matches X once and never backtracks into it.
      i++;
      const before = jsGroups;
      const inner = parseAlt();
      closeGroup();
      const k = insertGroupAt(before);
      return { node: inner.node, js: `(?=(${renumberFrom(inner.js, before)}))\\${k}` };
    }
    return fail('Unknown extension ?' + rest.charAt(0));
  };

  const top = parseAlt();
  if (i < n) {
    if (pattern.charAt(i) === ')') fail('Unbalanced parenthesis');
    fail('Unexpected character');
  }
  return { ast: top.node, js: top.js, flags };
}
