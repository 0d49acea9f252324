import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEndpointMessage, encodeEndpointMessage, type EndpointMessage } from './endpoint-messages';
import { decodePythonUtf8 } from './pickle-reader';
import { PickleRefusedError, pyException, type PyValue } from './pickle-values';
import { encodePythonUtf8 } from './pickle-writer';

/** Python-made pickles (see testing/fixtures/generate-endpoint-pickles.py). */
interface Fixture {
  readonly cases: readonly { readonly name: string; readonly payload: string; readonly expect: Record<string, unknown> }[];
  readonly rejects: readonly { readonly name: string; readonly pickle: string; readonly mentions: string }[];
}
const fixture = JSON.parse(readFileSync(join(__dirname, 'testing', 'fixtures', 'endpoint-pickles.json'), 'utf8')) as Fixture;
const SEED = 20_003;

function expectedValue(described: unknown): PyValue {
  if (described === null || typeof described === 'boolean' || typeof described === 'string') return described;
  const d = described as { int?: string; float?: number; bytes?: string; tuple?: unknown[] };
  if (d.int !== undefined) return BigInt(d.int);
  if (d.float !== undefined) return d.float;
  if (d.bytes !== undefined) return new Uint8Array(Buffer.from(d.bytes, 'base64'));
  return { type: 'tuple', items: (d.tuple ?? []).map(expectedValue) };
}

function plain(message: EndpointMessage): unknown {
  const data = message.data;
  return {
    ...message,
    data: data === null ? null : data.byteLength > 1000 ? { length: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') } : Buffer.from(data).toString('base64'),
  };
}

function expected(e: Record<string, unknown>): unknown {
  const error = e.error as { module: string; name: string; args: unknown[]; state: Record<string, unknown> | null } | null;
  return {
    ...e,
    error: error && pyException(error.module, error.name, error.args.map(expectedValue), error.state && new Map(Object.entries(error.state).map(([k, v]) => [k, expectedValue(v)]))),
  };
}

describe('endpoint messages pickled by Python', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('reads %s', (_name, c) => {
    const message = decodeEndpointMessage(Buffer.from(c.payload, 'base64'));
    expect(plain(message)).toEqual(expected(c.expect));
  });

  it.each(fixture.cases.filter((c) => !c.name.startsWith('protocol-')).map((c) => [c.name, c] as const))(
    'writes %s byte for byte as CPython pickles it',
    (_name, c) => {
      const python = Buffer.from(c.payload, 'base64');
      expect(encodeEndpointMessage(decodeEndpointMessage(python)).toString('hex')).toBe(python.toString('hex'));
    },
  );

  it.each(fixture.rejects.map((r) => [r.name, r] as const))('refuses %s without running anything', (_name, r) => {
    const payload = Buffer.concat([Buffer.from('PK\n'), Buffer.from(r.pickle, 'base64')]);
    expect(() => decodeEndpointMessage(payload)).toThrow(PickleRefusedError);
    expect(() => decodeEndpointMessage(payload)).toThrow(r.mentions);
  });

  it('refuses other serializers', () => {
    expect(() => decodeEndpointMessage(Buffer.from('BS\nraw bytes'))).toThrow('serializer identifier "BS"');
    expect(() => decodeEndpointMessage(Buffer.from('no newline'))).toThrow(PickleRefusedError);
  });
});

describe('what Ferry writes never crashes a Python endpoint', () => {
  const base: EndpointMessage = { kind: 'response', op: 'get', uuid: 'u', key: 'k', data: null, exists: null, error: null };

  it('refuses an error that is not an exception and classes Python may not have', () => {
    expect(() => encodeEndpointMessage({ ...base, error: 'boom' as never })).toThrow('error must be an exception instance or None');
    expect(() => encodeEndpointMessage({ ...base, error: pyException('collections', 'OrderedDict') })).toThrow(PickleRefusedError);
    expect(() => encodeEndpointMessage({ ...base, error: pyException('__main__', 'MyError', ['x']) })).toThrow('not an exception class');
    expect(() => encodeEndpointMessage({ ...base, kind: 'reply' as never })).toThrow('kind must be');
    expect(() => encodeEndpointMessage({ ...base, data: 'text' as never })).toThrow('data must be bytes or None');
  });

  it('keeps lone surrogates the way Python str does (surrogatepass)', () => {
    const odd = 'a\ud800b\udc00c😀';
    expect(encodePythonUtf8(odd).toString('hex')).toBe('61eda08062edb08063f09f9880');
    expect(decodePythonUtf8(encodePythonUtf8(odd))).toBe(odd);
    expect(() => decodePythonUtf8(Uint8Array.from([0xc0, 0x80]))).toThrow(PickleRefusedError);
  });
});

const pyScalar: fc.Arbitrary<PyValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.double({ noNaN: true }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uint8Array({ maxLength: 300 }),
);
const pyArg = fc.oneof(pyScalar, fc.array(pyScalar, { maxLength: 5 }).map((items): PyValue => ({ type: 'tuple', items })));
const arbitraryMessage: fc.Arbitrary<EndpointMessage> = fc.record({
  kind: fc.constantFrom('request' as const, 'response' as const),
  op: fc.constantFrom('get' as const, 'set' as const, 'exists' as const, 'evict' as const),
  uuid: fc.uuid(),
  key: fc.string({ unit: 'binary', maxLength: 300 }),
  data: fc.option(fc.uint8Array({ maxLength: 2_000 }), { nil: null }),
  exists: fc.option(fc.boolean(), { nil: null }),
  error: fc.option(
    fc.record({
      module: fc.constantFrom('builtins', 'proxystore.endpoint.exceptions'),
      args: fc.array(pyArg, { maxLength: 4 }),
    }).map((e) => pyException(e.module, e.module === 'builtins' ? 'ValueError' : 'ObjectSizeExceededError', e.args)),
    { nil: null },
  ),
});

/** A decoded value must be plain data only: nothing callable, no class, no request object inside. */
function assertPlain(value: unknown, depth = 0): void {
  expect(depth).toBeLessThan(40);
  if (value === null || ['boolean', 'bigint', 'number', 'string'].includes(typeof value) || value instanceof Uint8Array) return;
  expect(typeof value).toBe('object');
  const v = value as { type: string; items?: unknown[]; args?: unknown[] };
  expect(['tuple', 'list', 'dict', 'exception']).toContain(v.type);
  for (const item of v.items ?? v.args ?? []) assertPlain(item, depth + 1);
}

describe('pickle codec (property)', () => {
  it('round-trips any message Ferry may write', () => {
    fc.assert(
      fc.property(arbitraryMessage, (message) => {
        expect(decodeEndpointMessage(encodeEndpointMessage(message))).toEqual(message);
      }),
      { seed: SEED, numRuns: 200, endOnFailure: true },
    );
  });

  it('random bytes never crash the reader with anything but its own error', () => {
    const prefixes = [Buffer.alloc(0), Buffer.from('PK\n'), Buffer.from('PK\n\x80\x05'), Buffer.from('PK\n\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00')];
    fc.assert(
      fc.property(fc.constantFrom(...prefixes), fc.uint8Array({ maxLength: 200 }), (prefix, tail) => {
        try {
          assertPlain(decodeEndpointMessage(Buffer.concat([prefix, tail])).error);
        } catch (error) {
          expect(error).toBeInstanceOf(PickleRefusedError);
        }
      }),
      { seed: SEED, numRuns: 2_000, endOnFailure: true },
    );
  });

  it('Python pickles with random bytes changed give a plain message or the reader’s own error', () => {
    const sources = fixture.cases.filter((c) => c.payload.length < 2_000).map((c) => Buffer.from(c.payload, 'base64'));
    const mutation = fc.record({
      source: fc.nat({ max: sources.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    });
    fc.assert(
      fc.property(mutation, ({ source, edits, cut }) => {
        const bytes = Buffer.from(sources[source] as Buffer);
        for (const [at, value] of edits) bytes[3 + (at % (bytes.length - 3))] = value;
        const input = cut === undefined ? bytes : bytes.subarray(0, 3 + (cut % (bytes.length - 3)));
        try {
          const message = decodeEndpointMessage(input);
          assertPlain(message.error);
        } catch (error) {
          expect(error).toBeInstanceOf(PickleRefusedError);
        }
      }),
      { seed: SEED, numRuns: 2_000, endOnFailure: true },
    );
  });
});
