import { describe, expect, it } from 'vitest';
import { checkPythonRegex, fullMatch } from './python-regex';

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
    ['(?x)a b', 'Verbose flag'],
    ['a(?i)b', 'Inline flags are only supported at the start'],
    ['a++', 'Possessive quantifiers'],
    ['(?>a)', 'Atomic groups'],
    ['\\2(a)', 'Invalid group reference'],
    ['(?P=nope)', 'Unknown group name'],
  ])('rejects invalid %j with a clear message', (pattern, message) => {
    const r = checkPythonRegex(pattern);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
    expect(r.ok ? '' : r.message).toContain('Invalid regular expression');
  });

  it.each(['(a+)+', '(a*)*b', '(\\w+\\s?)+$', '(.*a){2,}', '([a-z]+-?)+\\.org', '(a|a)*', '(a|ab)*c', '(\\d+\\.\\d+)+x', '((ab)*)+', '(?=(a+)+)b', '(x+x+)+y', '(a{2,3})+', '(?i)(a+A)+'])(
    'rejects %j as prone to catastrophic backtracking',
    (pattern) => {
      const r = checkPythonRegex(pattern);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.message).toContain('backtrack catastrophically');
    },
  );

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
