import { describe, expect, it } from 'vitest';
import {
  createGlobusEndpoint,
  GlobusEndpointError,
  GlobusEndpoints,
  globusEndpointsEntryProblems,
  validateGlobusEndpointFields,
  validateGlobusEndpointRows,
  type GlobusEndpoint,
} from './globus-endpoints';

// The endpoints of ProxyStore's own globus_test.py.
const ep = (uuid: string, hostRegex = 'localhost'): GlobusEndpoint => ({ uuid, endpointPath: '/path', localPath: '/path', hostRegex });
const EP1 = ep('1');
const EP2 = ep('2');
const EP3 = ep('3');
const EP4 = ep('4', '^\\w{4}4$');
const EP5 = ep('1');

function errorOf(fn: () => unknown): GlobusEndpointError {
  try {
    fn();
  } catch (error) {
    if (error instanceof GlobusEndpointError) return error;
    throw error;
  }
  throw new Error('expected a GlobusEndpointError');
}

describe('GlobusEndpoint validation (seed 000)', () => {
  it.each([
    [{ uuid: 1, endpointPath: '1', localPath: '1', hostRegex: '1' }, 'uuid must be a str.', 'uuid'],
    [{ uuid: '1', endpointPath: 1, localPath: '1', hostRegex: '1' }, 'endpoint_path must be a str.', 'endpoint_path'],
    [{ uuid: '1', endpointPath: '1', localPath: 1, hostRegex: '1' }, 'local_path must be a str.', 'local_path'],
    [{ uuid: '1', endpointPath: '1', localPath: null, hostRegex: '1' }, 'local_path must be a str.', 'local_path'],
    [{ uuid: '1', endpointPath: '1', localPath: '1', hostRegex: 1 }, 'host_regex must be a str or re.Pattern.', 'host_regex'],
  ])('raises TypeError for %j', (init, message, field) => {
    const e = errorOf(() => createGlobusEndpoint(init));
    expect(e.pythonType).toBe('TypeError');
    expect(e.message).toBe(message);
    expect(e.field).toBe(field);
  });

  it('accepts a RegExp as host_regex and keeps its source (re.Pattern)', () => {
    expect(createGlobusEndpoint({ uuid: 'u', endpointPath: '/', localPath: '/', hostRegex: /host1/ }).hostRegex).toBe('host1');
  });

  it('rejects invalid and catastrophic host regexes with a clear message', () => {
    const bad = errorOf(() => createGlobusEndpoint({ uuid: 'u', endpointPath: '/', localPath: '/', hostRegex: 'host(' }));
    expect(bad.pythonType).toBe('ValueError');
    expect(bad.message).toMatch(/host_regex of endpoint u: Invalid regular expression: Missing \)/);
    const slow = errorOf(() => createGlobusEndpoint({ uuid: 'u', endpointPath: '/', localPath: '/', hostRegex: '(?<=a+)b' }));
    expect(slow.message).toContain('look-behind requires fixed-width pattern');
  });

  it('must be passed at least one endpoint', () => {
    const e = errorOf(() => new GlobusEndpoints([]));
    expect(e.pythonType).toBe('ValueError');
    expect(e.message).toBe('GlobusEndpoints must be passed at least one GlobusEndpoint object');
  });

  it('rejects two endpoints with the same UUID', () => {
    const e = errorOf(() => new GlobusEndpoints([EP1, EP5]));
    expect(e.message).toBe('Cannot pass multiple GlobusEndpoint objects with the same Globus endpoint UUID.');
  });

  it('looks up by UUID, iterates in order, matches hosts with a full match', () => {
    const eps = new GlobusEndpoints([EP1, EP2, EP3, EP4]);
    expect(eps.size).toBe(4);
    expect(eps.get('1')).toEqual(EP1);
    const missing = errorOf(() => eps.get('-1'));
    expect(missing.pythonType).toBe('KeyError');
    expect(missing.message).toBe('Endpoint with UUID -1 does not exist.');
    expect([...eps].map((e) => e.uuid)).toEqual(['1', '2', '3', '4']);
    expect(eps.getByHost('localhost')).toEqual(EP1);
    expect(eps.getByHost('host4')).toEqual(EP4);
    expect(errorOf(() => eps.getByHost('host2_')).message).toBe('Cannot find endpoint matching host host2_');
    expect(() => eps.getByHost('host3')).toThrow(GlobusEndpointError);
    expect(eps.findByHost('localhost.example')).toBeUndefined();
  });
});

describe('GlobusEndpoints JSON (from_dict / from_json / dict)', () => {
  const data = {
    UUID1: { endpoint_path: '/~/', local_path: '/home/user1/', host_regex: 'host1' },
    UUID2: { endpoint_path: '/~/', local_path: '/home/user2/', host_regex: 'host2' },
  };

  it('round-trips from_dict -> dict', () => {
    const eps = GlobusEndpoints.fromDict(data);
    expect(eps.toDict()).toEqual(data);
    expect(eps.get('UUID1')).toEqual({ uuid: 'UUID1', endpointPath: '/~/', localPath: '/home/user1/', hostRegex: 'host1' });
  });

  it('round-trips from_json -> toJson -> from_json with the same key order', () => {
    const eps = GlobusEndpoints.fromJson(JSON.stringify(data));
    const again = GlobusEndpoints.fromJson(eps.toJson());
    expect(again.toDict()).toEqual(data);
    expect(Object.keys(again.toDict())).toEqual(['UUID1', 'UUID2']);
    expect(JSON.parse(again.toJson())).toEqual(data);
  });

  it('reports a missing key like Python (KeyError) and wrong types', () => {
    const e = errorOf(() => GlobusEndpoints.fromDict({ U: { endpoint_path: '/', host_regex: 'h' } }));
    expect(e.pythonType).toBe('KeyError');
    expect(e.message).toContain("missing 'local_path'");
    expect(errorOf(() => GlobusEndpoints.fromDict({ U: { endpoint_path: '/', local_path: null, host_regex: 'h' } })).message).toBe(
      'local_path must be a str.',
    );
    expect(() => GlobusEndpoints.fromDict([])).toThrow(GlobusEndpointError);
    expect(() => GlobusEndpoints.fromDict({ U: 'x' })).toThrow(GlobusEndpointError);
    expect(errorOf(() => GlobusEndpoints.fromDict({})).message).toContain('at least one');
  });

  it('reports a UUID repeated in the JSON text as the duplicate-UUID error', () => {
    const text = '{"U": {"endpoint_path": "/", "local_path": "/", "host_regex": "h"}, "U": {"endpoint_path": "/", "local_path": "/", "host_regex": "h"}}';
    expect(errorOf(() => GlobusEndpoints.fromJson(text)).message).toContain('same Globus endpoint UUID');
  });

  it('ignores extra keys as Python does', () => {
    const eps = GlobusEndpoints.fromDict({ U: { endpoint_path: '/', local_path: '/', host_regex: 'h', note: 1 } });
    expect(eps.toDict()).toEqual({ U: { endpoint_path: '/', local_path: '/', host_regex: 'h' } });
  });
});

describe('endpoint editor validation', () => {
  const good = {
    uuid: 'ddb59aef-6d04-11e5-ba46-22000b92c6ec',
    endpointPath: '/~/proxystore',
    localPath: '/home/me/proxystore',
    hostRegex: 'login\\d+',
  };

  it('passes a good endpoint', () => {
    expect(validateGlobusEndpointFields(good)).toEqual({});
    expect(validateGlobusEndpointFields({ ...good, endpointPath: '~/x', localPath: 'C:\\data' })).toEqual({});
  });

  it('gives a message per bad field', () => {
    const m = validateGlobusEndpointFields({ uuid: 'nope', endpointPath: 'rel/path', localPath: '', hostRegex: '(?<=a*)b' });
    expect(m.uuid).toMatch(/8-4-4-4-12/);
    expect(m.endpointPath).toMatch(/absolute/);
    expect(m.localPath).toMatch(/required/);
    expect(m.hostRegex).toMatch(/fixed-width/);
    expect(validateGlobusEndpointFields({ ...good, hostRegex: '[' }).hostRegex).toMatch(/Invalid regular expression/);
    expect(validateGlobusEndpointFields({ ...good, localPath: 'data' }).localPath).toMatch(/absolute/);
  });

  it('validates the table: empty, duplicate UUIDs', () => {
    expect(validateGlobusEndpointRows([])).toEqual({ rows: [], table: ['Add at least one endpoint'], ok: false });
    const r = validateGlobusEndpointRows([good, { ...good, uuid: good.uuid.toUpperCase() }]);
    expect(r.ok).toBe(false);
    expect(r.rows[0]).toEqual({});
    expect(r.rows[1]?.uuid).toMatch(/Same UUID as endpoint 1/);
    expect(validateGlobusEndpointRows([good]).ok).toBe(true);
  });
});

describe('a GlobusEndpoints file with bad entries (issue 20): each bad entry is marked, the rest load', () => {
  const good = (n: number) => ({ endpoint_path: `/ps${n}`, local_path: `/data/ps${n}`, host_regex: `host-${n}` });
  const A = '0a0a0a0a-1111-4111-8111-000000000001';
  const B = '0b0b0b0b-2222-4222-8222-000000000002';
  const C = '0c0c0c0c-3333-4333-8333-000000000003';

  it('keeps the good entries and marks a regex Python refuses, a missing field and a wrong type at their places', () => {
    const eps = GlobusEndpoints.load({
      [A]: good(1),
      [B]: { ...good(2), host_regex: '(?<=a+)b' },
      [C]: { endpoint_path: '/ps3', local_path: 7 },
      ['__proto__']: { ...good(4) },
    });
    expect(eps.toArray().map((e) => e.uuid)).toEqual([A, '__proto__']);
    expect(eps.findByHost('host-1')?.uuid).toBe(A);
    expect(eps.problems.map((p) => [p.uuid, p.path])).toEqual([
      [B, [B, 'host_regex']],
      [C, [C, 'local_path']],
    ]);
    expect(eps.problems[0]?.message).toMatch(/look-behind|lookbehind|fixed/i);
  });

  it('a file whose every entry is bad still loads (nothing usable, every entry marked); only a non-object is refused', () => {
    const eps = GlobusEndpoints.load({ [A]: 'nope', [B]: { ...good(2), host_regex: '(' } });
    expect(eps.size).toBe(0);
    expect(eps.problems.map((p) => p.uuid)).toEqual([A, B]);
    expect(() => GlobusEndpoints.load([1, 2])).toThrow(GlobusEndpointError);
  });

  it('loadJson marks a UUID given twice instead of refusing the file', () => {
    const text = `{"${A}": ${JSON.stringify(good(1))}, "${B}": ${JSON.stringify(good(2))}, "${A}": ${JSON.stringify(good(3))}}`;
    const eps = GlobusEndpoints.loadJson(text);
    expect(eps.get(A).endpointPath).toBe('/ps3');
    expect(eps.has(B)).toBe(true);
    expect(eps.problems).toMatchObject([{ uuid: A, path: [A] }]);
    expect(globusEndpointsEntryProblems({ [A]: good(1) })).toEqual([]);
  });
});
