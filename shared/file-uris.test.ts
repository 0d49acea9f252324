import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileUriOf, pathFromFileUri, pathsFromUriList } from './file-uris';

describe('pathsFromUriList', () => {
  it('reads the file URIs a file manager writes, percent-decoded, skipping comments, blank lines and other schemes', () => {
    const list = ['# dragged from Files', 'file:///home/ada/run%2042/frame%231.tif', '', 'https://example.org/x.tif', 'file://localhost/srv/data.h5', 'file://other-host/srv/x'].join('\r\n');
    expect(pathsFromUriList(list)).toEqual(['/home/ada/run 42/frame#1.tif', '/srv/data.h5']);
  });

  it('turns Windows drive URIs into drive paths with backslashes', () => {
    expect(pathsFromUriList('file:///C:/Users/ada/My%20Data/a.txt\nfile:///d:/')).toEqual(['C:\\Users\\ada\\My Data\\a.txt', 'D:\\']);
  });

  it('keeps line and paragraph separators inside a name (a regex dot does not match them)', () => {
    expect(pathFromFileUri(fileUriOf('C:\\\u2028'))).toBe('C:\\\u2028');
    expect(pathFromFileUri(fileUriOf('/a\u2029b'))).toBe('/a\u2029b');
  });

  it('ignores URIs with broken escapes or NUL, and repeats', () => {
    expect(pathsFromUriList('file:///a/%E0%A4%A\nfile:///a/%00b\nfile:///ok\nfile:///ok')).toEqual(['/ok']);
  });

  it('finds nothing in text without file URIs', () => {
    expect(pathsFromUriList('')).toEqual([]);
    expect(pathsFromUriList('#only a comment\nmailto:ada@example.org')).toEqual([]);
    expect(pathFromFileUri('file:relative/path')).toBeNull();
  });
});

const segment = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((s) => !/[/\\\0]/.test(s));

describe('fileUriOf and pathsFromUriList round trip', () => {
  it('gives back any absolute POSIX path', () => {
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), (segments) => {
        fc.pre(!/^[A-Za-z]:$/.test(segments[0] ?? ''));
        const path = `/${segments.join('/')}`;
        expect(pathsFromUriList(`# comment\n${fileUriOf(path)}\n`)).toEqual([path]);
      }),
    );
  });

  it('gives back any Windows drive path', () => {
    const drive = fc.constantFrom('C', 'D', 'Z');
    fc.assert(
      fc.property(drive, fc.array(segment.filter((s) => !s.includes(':')), { maxLength: 6 }), (letter, segments) => {
        const path = `${letter}:\\${segments.join('\\')}`;
        expect(pathFromFileUri(fileUriOf(path))).toBe(path);
      }),
    );
  });
});
