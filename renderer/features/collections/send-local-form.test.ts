import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localPathsOf, localPathsProblem } from './send-local-form';

describe('the paths typed to send from this computer', () => {
  it('takes one path per line, trimmed, blank lines skipped', () => {
    expect(localPathsOf('  /data/a.h5 \r\n\n/data/run 2/\n')).toEqual(['/data/a.h5', '/data/run 2/']);
    expect(localPathsOf('\n \n')).toEqual([]);
  });

  it('asks for a path, and for full paths only', () => {
    expect(localPathsProblem([])).toMatch(/Type the path/);
    expect(localPathsProblem(['/data/a.h5', 'notes.txt'])).toBe('notes.txt is not a full path (such as /home/me/data/file.h5).');
    expect(localPathsProblem(['/data/a.h5', 'C:\\Users\\me\\b.h5'])).toBeNull();
  });

  it('never loses or invents a non-blank line', () => {
    fc.assert(
      fc.property(fc.array(fc.string().filter((s) => !/[\r\n]/.test(s))), (lines) => {
        expect(localPathsOf(lines.join('\n'))).toEqual(lines.map((l) => l.trim()).filter((l) => l !== ''));
      }),
    );
  });
});
