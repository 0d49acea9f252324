/**
 * The pieces of a parsed Python host pattern: character sets over ASCII plus one bit standing for
 * "any non-ASCII character", and the AST, only as detailed as the backtracking analysis needs.
 * Pure: no Node imports.
 */

// ---------------------------------------------------------------------------------------------
// Character sets over ASCII plus one bit standing for "any non-ASCII character".

export const NON_ASCII = 128;

export class CharSet {
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

/** Python 3 str patterns: \d is any Unicode decimal digit. */
export const DIGIT = (() => {
  const s = CharSet.range(0x30, 0x39);
  s.add(NON_ASCII);
  return s;
})();
export const WORD = (() => {
  const s = CharSet.range(0x30, 0x39);
  s.addRange(0x41, 0x5a);
  s.addRange(0x61, 0x7a);
  s.add(0x5f);
  s.add(NON_ASCII); // Python str patterns: \w is Unicode-aware
  return s;
})();
export const SPACE = CharSet.of(0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, NON_ASCII);
export const DOT = (() => {
  const s = CharSet.any();
  s.bits[0x0a] = 0;
  return s;
})();

// ---------------------------------------------------------------------------------------------
// AST of the pattern, only as detailed as the backtracking analysis needs.

export type PatternNode =
  | { readonly t: 'char'; readonly set: CharSet }
  | { readonly t: 'seq'; readonly items: readonly PatternNode[] }
  | { readonly t: 'alt'; readonly branches: readonly PatternNode[] }
  | { readonly t: 'repeat'; readonly body: PatternNode; readonly min: number; readonly max: number }
  | { readonly t: 'assert'; readonly body: PatternNode | null }
  | { readonly t: 'backref' };
