/**
 * Host patterns are Python regular expressions (ProxyStore calls `re.fullmatch(pattern, host)`).
 * This module translates the Python syntax hostnames need into a JavaScript RegExp with the same
 * full-match meaning, and rejects what it cannot translate faithfully, invalid patterns, and
 * patterns prone to catastrophic (exponential) backtracking, each with a message for a person.
 * Pure: no Node imports, so the same checks can run anywhere.
 *
 * The work is split by job: python-regex-ast.ts (character sets and the AST),
 * python-regex-parser.ts (parsing and translation to JavaScript source) and
 * python-regex-backtracking.ts (the catastrophic backtracking analysis); this module is the
 * public API.
 */
import type { ErrorKind } from '../../../shared/errors';
import { quoteValue } from './json-paths';
import { findCatastrophe, foldCase } from './python-regex-backtracking';
import { parsePython, PatternError, type Parsed } from './python-regex-parser';

export { MAX_GROUP_DEPTH } from './python-regex-parser';

export type RegexCheck =
  | { readonly ok: true; readonly source: string; readonly flags: string }
  | { readonly ok: false; readonly message: string };

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
