import { it } from 'vitest';
import { checkPythonRegex } from './python-regex';
it('probe', () => {
  const pats = [
    '('.repeat(499) + 'a' + ')'.repeat(499),
    '(?:'.repeat(249) + 'a' + ')'.repeat(249),
    '(a'.repeat(333) + ')'.repeat(333),
    '(a|'.repeat(333) + ')'.repeat(333),
    '(a?'.repeat(333) + ')'.repeat(333),
    '('.repeat(332) + 'a' + ')?'.repeat(332),
    '('.repeat(332) + 'a' + ')*'.repeat(332),
    '(?:a|b|'.repeat(142) + 'c' + ')'.repeat(142),
    '(?='.repeat(249) + 'a' + ')'.repeat(249),
    'a?'.repeat(500),
    '(?:a?)*'.repeat(140),
    '(a|b?)'.repeat(166),
    '[a]?'.repeat(250),
    '(?:(?:a|b)?c?)'.repeat(70),
  ];
  for (const p of pats) {
    const t = Date.now();
    try { const r = checkPythonRegex(p); console.log(p.length, Date.now() - t, 'ms', r.ok ? 'ok' : r.message.slice(0, 160)); } catch (e) { console.log(p.length, 'THROW', String(e).slice(0, 100)); }
  }
});
