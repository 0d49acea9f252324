/**
 * Host patterns are Python regular expressions (ProxyStore calls `re.fullmatch(pattern, host)`).
 * This module translates the Python syntax hostnames need into a JavaScript RegExp with the same
 * full-match meaning, and rejects what it cannot translate faithfully, invalid patterns, and
 * Python refuses, each with a message for a person. Patterns prone to catastrophic (exponential)
 * backtracking load, as in Python, and each match of one runs under a time limit
 * (python-regex-guard.ts) that stops it and reports it.
 *
 * The work is split by job: python-regex-ast.ts (character sets and the AST),
 * python-regex-parser.ts (parsing and translation to JavaScript source) and
 * python-regex-backtracking.ts (the catastrophic backtracking analysis); this module is the
 * public API.
 */
import type { ErrorKind } from '../../../shared/errors';
import { quoteValue } from './json-paths';
import { findCatastrophe, foldCase } from './python-regex-backtracking';
import { testWithin } from './python-regex-guard';
import { parsePython, PatternError, type Parsed } from './python-regex-parser';

export { MAX_GROUP_DEPTH } from './python-regex-parser';

export type RegexCheck =
  | {
      readonly ok: true;
      readonly source: string;
      readonly flags: string;
      /**
       * Why matching could take exponential time (nested quantifiers such as `(x+)+y`), or null.
       * Python accepts such patterns, so Ferry does too; their matches run with a time limit.
       */
      readonly risk: string | null;
    }
  | { readonly ok: false; readonly message: string };

/** How long one match of a risky pattern may run before it is stopped and reported. */
export const RISKY_MATCH_LIMIT_MS = 100;

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
  const flags = `${parsed.flags.replace('m', '')}u`;
  try {
    new RegExp(parsed.js, flags);
  } catch (error) {
    // V8 writes "Invalid regular expression: /<source>/<flags>: <reason>": keep only the reason.
    const text = (error as Error).message;
    const reason = text.slice(text.lastIndexOf(': ') + 2) || 'not a valid pattern';
    return { ok: false, message: `Invalid regular expression: ${reason}` };
  }
  const danger = findCatastrophe(parsed.flags.includes('i') ? foldCase(parsed.ast) : parsed.ast);
  return { ok: true, source: parsed.js, flags, risk: danger ? `Regular expression could backtrack catastrophically: ${danger}` : null };
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

/** A match of a risky pattern ran past RISKY_MATCH_LIMIT_MS and was stopped. */
export class RegexTimeoutError extends Error {
  readonly kind: ErrorKind = 'refused';
  readonly pattern: string;
  constructor(pattern: string, risk: string) {
    super(`Matching stopped after ${RISKY_MATCH_LIMIT_MS} ms: ${risk} (pattern ${quoteValue(pattern)})`);
    this.name = 'RegexTimeoutError';
    this.pattern = pattern;
  }
}

/** Tests Python's `re.fullmatch(pattern, text) is not None`. */
export interface FullMatcher {
  test(text: string): boolean;
}

const cache = new Map<string, FullMatcher>();

/** A matcher for Python's `re.fullmatch(pattern, text) is not None`. Throws on bad patterns. */
export function compileFullMatch(pattern: string): FullMatcher {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const check = checkPythonRegex(pattern);
  if (!check.ok) throw new InvalidPatternError(pattern, check.message);
  const re = new RegExp(`^(?:${check.source})$`, check.flags);
  const risk = check.risk;
  const matcher: FullMatcher =
    risk === null
      ? re
      : {
          test: (text: string) => {
            const answer = testWithin(re, text, RISKY_MATCH_LIMIT_MS);
            if (answer === null) throw new RegexTimeoutError(pattern, risk);
            return answer;
          },
        };
  if (cache.size > 500) cache.clear();
  cache.set(pattern, matcher);
  return matcher;
}

/** `re.fullmatch(pattern, text) is not None`. */
export function fullMatch(pattern: string, text: string): boolean {
  return compileFullMatch(pattern).test(text);
}
