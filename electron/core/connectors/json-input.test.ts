import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectorConfigError, MAX_CONFIG_DEPTH, plainToExact } from './config-read';
import { ExactJsonDepthError, ExactJsonSyntaxError, MAX_JSON_DEPTH, parseExactJson, stringifyExactJson } from './exact-json';
import { GlobusEndpoints, globusEndpointsProblem } from './globus-endpoints';
import { JsonInputError, readBoundedFile, readJsonSource } from './json-input';
import { clip, formatJsonPath, quoteValue } from './json-paths';
import { configEntriesFromSpecs, parseMultiConfigJson } from './multi-config';
import { PY_MAXSIZE } from './policy';
import { checkPythonRegex, InvalidPatternError, MAX_GROUP_DEPTH } from './python-regex';
import { useTempDirs } from './testing/test-dirs';

const tempDir = useTempDirs();

/** `{"a": {"a": ... 1}}`, built without recursion. */
function nestedObject(depth: number): Record<string, unknown> {
  let v: Record<string, unknown> = { a: 1 };
  for (let i = 1; i < depth; i++) v = { a: v };
  return v;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('exact JSON: depth and errors', () => {
  it(`reads JSON nested ${MAX_JSON_DEPTH} deep and refuses one level more (and 20,000) without overflowing`, () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(parseExactJson('['.repeat(64) + ']'.repeat(64))).toBeDefined();
    for (const text of ['['.repeat(65) + ']'.repeat(65), '['.repeat(20_000), '{"a":'.repeat(20_000)]) {
      const e = thrown(() => parseExactJson(text));
      expect(e).toBeInstanceOf(ExactJsonDepthError);
      expect((e as ExactJsonDepthError).message).toMatch(/^JSON nested more than 64 levels deep \(at line 1, column \d+\)$/);
    }
    expect(thrown(() => parseExactJson('[[[1]]]', { maxDepth: 2 }))).toBeInstanceOf(ExactJsonDepthError);
  });

  it('says where the text is not JSON (line, column) and quotes none of it', () => {
    for (const [text, line, column] of [
      ['secret-content-xyz {', 1, 1],
      ['{\n  "a": 1,\n  "b": secret\n}', 3, 8],
      ['{"a": tru', 1, 7],
      ['{"a": 1} secret', 1, 10],
      ['{"a": "secret\u0001"}', 1, 14],
    ] as const) {
      const e = thrown(() => parseExactJson(text)) as ExactJsonSyntaxError;
      expect(e).toBeInstanceOf(ExactJsonSyntaxError);
      expect([e.line, e.column]).toEqual([line, column]);
      expect(e.message).toMatch(new RegExp(`at line ${line}, column ${column}$`));
      expect(e.message).not.toMatch(/secret|"s"|"t"/);
      expect(e.kind).toBe('refused');
    }
  });
});

describe('plainToExact (one copy, for drafts and specs)', () => {
  it('refuses a config nested deeper than a file may hold it, naming where, instead of overflowing', () => {
    expect(MAX_CONFIG_DEPTH).toBe(MAX_JSON_DEPTH - 2);
    expect(plainToExact(nestedObject(MAX_CONFIG_DEPTH), 'c.config')).toEqual(nestedObject(MAX_CONFIG_DEPTH));
    for (const depth of [MAX_CONFIG_DEPTH + 1, 20_000]) {
      const e = thrown(() => plainToExact(nestedObject(depth), 'c.config'));
      expect(e).toBeInstanceOf(ConnectorConfigError);
      expect((e as Error).message).toMatch(/^c\.config(\.a)+ is nested more than 62 levels deep/);
    }
    const spec = { name: 's', connectorPath: 'x.Y', config: nestedObject(20_000), policy: { priority: 0, hostPattern: null, minSizeBytes: '0', maxSizeBytes: PY_MAXSIZE.toString(), subsetTags: [], supersetTags: [] } };
    expect(() => configEntriesFromSpecs([spec])).toThrow(/nested more than 62 levels deep/);
  });

  it('keeps bigints and __proto__ keys, refuses non-finite numbers at their path', () => {
    const value = JSON.parse('{"__proto__": {"n": [1, {"x": 2}]}}') as unknown;
    const exact = plainToExact(value, 'c.config');
    expect(stringifyExactJson(exact, 0)).toBe('{"__proto__":{"n":[1,{"x":2}]}}');
    expect(plainToExact({ big: 9223372036854775807n }, 'c')).toEqual({ big: 9223372036854775807n });
    expect(() => plainToExact({ list: [1, Infinity] }, 'c.config')).toThrow('c.config.list[1] must be a finite number');
  });

  it('a MultiConnector config as deep as a file allows round-trips', () => {
    const config = nestedObject(MAX_CONFIG_DEPTH);
    const text = `{"deep": ["x.Y", ${JSON.stringify(config)}, {}]}`;
    expect(toPlain(parseMultiConfigJson(text).entries[0]?.config[1])).toEqual(config);
    expect(() => parseMultiConfigJson(`{"deep": ["x.Y", ${JSON.stringify(nestedObject(MAX_CONFIG_DEPTH + 1))}, {}]}`)).toThrow(ExactJsonDepthError);
  });
});

function toPlain(value: unknown): unknown {
  return JSON.parse(stringifyExactJson(value as never, 0)) as unknown;
}

describe('host patterns: nesting and quoting', () => {
  it(`refuses groups nested more than ${MAX_GROUP_DEPTH} deep with a message`, () => {
    expect(checkPythonRegex('('.repeat(MAX_GROUP_DEPTH) + 'a' + ')'.repeat(MAX_GROUP_DEPTH))).toMatchObject({ ok: true });
    const deeper = '(?:'.repeat(MAX_GROUP_DEPTH + 1) + 'a' + ')'.repeat(MAX_GROUP_DEPTH + 1);
    expect(checkPythonRegex(deeper)).toEqual({ ok: false, message: expect.stringMatching(/Groups are nested more than 100 deep/) });
  });

  it('quotes at most 80 characters of a pattern in its error', () => {
    const pattern = `secret${'x'.repeat(900)}(`;
    const e = new InvalidPatternError(pattern, 'Invalid');
    expect(e.message).toBe(`Invalid (pattern ${JSON.stringify(`secret${'x'.repeat(73)}\u2026`)})`);
    expect(e.message).toContain('\u2026');
  });
});

describe('GlobusEndpoints shape problems', () => {
  it('names the exact place, under a prefix when the dict sits inside a config', () => {
    const ok = { U: { endpoint_path: '/x', local_path: '/y', host_regex: 'h' } };
    expect(globusEndpointsProblem(ok)).toBeNull();
    expect(globusEndpointsProblem({ U: { ...ok.U, host_regex: 5 } }, ['endpoints'])).toEqual({
      path: ['endpoints', 'U', 'host_regex'],
      message: 'expected a string (a Python regular expression), got a number',
    });
    expect(globusEndpointsProblem({ U: { ...ok.U, local_path: null } })?.message).toBe('expected a string (a path), got null');
    expect(globusEndpointsProblem({})).toBeNull(); // left to GlobusEndpoints ("at least one")
    expect(() => GlobusEndpoints.fromDict({})).toThrow(/at least one/);
  });

  it('formats paths and quotes for people', () => {
    expect(formatJsonPath(['endpoints', '0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11', 'host_regex'])).toBe('endpoints.0b7c2e2a-1f4e-4d59-9a4f-2b6f1c0d3e11.host_regex');
    expect(formatJsonPath(['my files', 2, 'priority'])).toBe('["my files"][2].priority');
    expect(formatJsonPath([])).toBe('');
    expect(clip('x'.repeat(200))).toHaveLength(80);
    expect(quoteValue('a"b')).toBe('"a\\"b"');
  });
});

describe('reading a JSON file', () => {
  it('reads a file in full up to the limit and refuses one byte over it', async () => {
    const dir = tempDir();
    const file = join(dir, 'x.json');
    writeFileSync(file, '0123456789');
    expect(Buffer.from(await readBoundedFile(file, 10)).toString()).toBe('0123456789');
    const e = await readBoundedFile(file, 9).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(JsonInputError);
    expect([(e as JsonInputError).kind, (e as JsonInputError).code]).toEqual(['too-large', 'FileTooLarge']);
  });

  it('refuses a named pipe without waiting for a writer', async () => {
    if (process.platform === 'win32') return;
    const fifo = join(tempDir(), 'pipe.json');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo here
    }
    const e = await readJsonSource({ path: fifo }, { what: 'a JSON file' }).catch((error: unknown) => error);
    expect([(e as JsonInputError).code, (e as JsonInputError).message]).toEqual(['NotAFile', expect.stringContaining(`${fifo} is not a regular file`)]);
  });

  it('drops a byte-order mark, as editors on Windows write one', async () => {
    const file = join(tempDir(), 'bom.json');
    writeFileSync(file, '\ufeff{"a": 1}');
    expect(await readJsonSource({ path: file }, { what: 'a JSON file' })).toEqual({ a: 1 });
  });
});
