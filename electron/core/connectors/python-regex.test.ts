import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkPythonRegex, fullMatch, RegexTimeoutError } from './python-regex';

/** Python 3.11's own answers, written by testing/python-regex-table.py (the test needs no Python). */
const TABLE = JSON.parse(readFileSync(new URL('./testing/python-regex-table.json', import.meta.url), 'utf8')) as {
  readonly rows: readonly ({ readonly pattern: string; readonly error: string } | { readonly pattern: string; readonly matches: Readonly<Record<string, boolean>> })[];
};

describe('Python host patterns, full match', () => {
  it.each([
    ['localhost', 'localhost', true],
    ['localhost', 'localhost2', false],
    ['localhost', 'my-localhost', false],
    ['(testhost|otherhost)', 'otherhost', true],
    ['testhost|otherhost', 'otherhost', true],
    ['testhost|otherhost', 'testhostx', false],
    ['^\\w{4}4$', 'host4', true],
    ['^\\w{4}4$', 'host2_', false],
    ['thetalogin\\d+', 'thetalogin3', true],
    ['.*\\.alcf\\.anl\\.gov', 'polaris-login-01.hsn.cm.polaris.alcf.anl.gov', true],
    ['.*\\.alcf\\.anl\\.gov', 'alcf.anl.gov', false],
    ['(?i)HOST\\d', 'host1', true],
    ['(?P<site>nid)\\d+(?P=site)?', 'nid0001nid', true],
    ['a{,2}b', 'aab', true],
    ['a{,2}b', 'aaab', false],
    ['x{,}', 'xxxx', true],
    ['host\\Z', 'host', true],
    ['\\Ahost', 'host', true],
    ['h[-a-z]+', 'h-ab', true],
    ['[]a]+', ']a]', true],
    ['a{}', 'a{}', true],
    ['(?:a|b)(?#comment)c', 'bc', true],
  ])('re.fullmatch(%j, %j) -> %s', (pattern, host, expected) => {
    expect(fullMatch(pattern, host)).toBe(expected);
  });

  it.each([
    ['(', 'Missing )'],
    ['a)', 'Unbalanced parenthesis'],
    ['[a-', 'Unterminated character set'],
    ['*a', 'Nothing to repeat'],
    ['a**', 'Multiple repeat'],
    ['[z-a]', 'Bad character range'],
    ['\\q', 'Bad escape'],
    ['a{3,1}', 'Min repeat greater than max repeat'],
    ['a(?i)b', 'global flags not at the start'],
    ['(?<=a+)b', 'look-behind requires fixed-width pattern'],
    ['\\400', 'outside of range 0-0o377'],
    ['\\U00110000', 'Bad escape'],
    ['\\2(a)', 'Invalid group reference'],
    ['(?P=nope)', 'Unknown group name'],
  ])('rejects invalid %j with a clear message', (pattern, message) => {
    const r = checkPythonRegex(pattern);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
    expect(r.ok ? '' : r.message).toContain('Invalid regular expression');
  });

  it.each(['(a+)+', '(a*)*b', '(\\w+\\s?)+$', '(.*a){2,}', '([a-z]+-?)+\\.org', '(a|a)*', '(a|ab)*c', '(\\d+\\.\\d+)+x', '((ab)*)+', '(?=(a+)+)b', '(x+x+)+y', '(a{2,3})+', '(?i)(a+A)+'])(
    'loads %j (Python does) and marks it as a matching risk',
    (pattern) => {
      const r = checkPythonRegex(pattern);
      expect(r.ok).toBe(true);
      expect(r.ok ? r.risk : '').toContain('backtrack catastrophically');
    },
  );

  it('stops a match of a nested quantifier that runs too long, and reports it', () => {
    expect(fullMatch('(x+)+y', 'xxxxy')).toBe(true);
    expect(fullMatch('(x+)+y', 'xxxx')).toBe(false);
    const started = Date.now();
    expect(() => fullMatch('(x+)+y', 'x'.repeat(40))).toThrow(RegexTimeoutError);
    expect(() => fullMatch('(x+)+y', 'x'.repeat(40))).toThrow(/Matching stopped after 100 ms: Regular expression could backtrack catastrophically/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it.each(TABLE.rows.map((r) => [r.pattern, r] as const))('matches Python 3.11 for %j', (pattern, row) => {
    const check = checkPythonRegex(pattern);
    if ('error' in row) {
      expect(check.ok, `Python refuses it: ${row.error}`).toBe(false);
      return;
    }
    expect(check.ok ? '' : check.message).toBe('');
    for (const [text, expected] of Object.entries(row.matches)) {
      expect(fullMatch(pattern, text), `re.fullmatch(${JSON.stringify(pattern)}, ${JSON.stringify(text)})`).toBe(expected);
    }
  });

  it('never fails other than by a reported timeout, for any text (property)', () => {
    const loaded = TABLE.rows.filter((r) => !('error' in r)).map((r) => r.pattern);
    fc.assert(
      fc.property(fc.constantFrom(...loaded), fc.string({ unit: 'grapheme', maxLength: 30 }), (pattern, text) => {
        try {
          expect(typeof fullMatch(pattern, text)).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(RegexTimeoutError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('has Python 3 str semantics: Unicode \\w \\d \\s \\b, $ before a final newline, . stops only at \\n', () => {
    expect(fullMatch('\\w+', 'ünïcødé')).toBe(true);
    expect(fullMatch('\\d+', '٣٤')).toBe(true);
    expect(fullMatch('\\s', '\u2003')).toBe(true);
    expect(fullMatch('\\s', '\ufeff')).toBe(false);
    expect(fullMatch('.*\\bé\\b.*', 'aé')).toBe(false);
    expect(fullMatch('host$\\n', 'host\n')).toBe(true);
    expect(fullMatch('a.b', 'a\rb')).toBe(true);
    expect(fullMatch('(?a)\\w+', 'ü')).toBe(false);
  });

  it.each([
    '([a-z0-9-]+\\.)+example\\.org',
    '(\\w+\\.)*anl\\.gov',
    '(com|org)+',
    '(ab|ac)+',
    '(a+b+)+',
    'nid\\d{5}',
    '.*',
    '(login|compute)\\d+\\..*',
    '(a{2})+',
    '(a+A)+',
  ])('accepts the unambiguous pattern %j', (pattern) => {
    expect(checkPythonRegex(pattern)).toMatchObject({ ok: true });
  });

  it('rejects overlong patterns', () => {
    expect(checkPythonRegex('a'.repeat(1001)).ok).toBe(false);
  });
});
