/**
 * ProxyStore's GlobusEndpoint / GlobusEndpoints: the same validations and messages as seed 000,
 * the same JSON shape (`{"<uuid>": {"endpoint_path", "local_path", "host_regex"}}`), and
 * `getByHost` with Python's full-match semantics. Host regexes are additionally checked for
 * syntax and catastrophic backtracking. Pure (no Node imports).
 */
import { parseExactJson, isExactJsonObject, orderedEntries, type ExactJsonObject } from './exact-json';
import { checkPythonRegex, compileFullMatch } from './python-regex';
import { clip, jsonTypeName, type JsonPath, type JsonProblem } from './json-paths';
import type { ErrorKind } from '../../../shared/errors';

export interface GlobusEndpoint {
  /** UUID of the Globus collection. */
  readonly uuid: string;
  /** Directory inside the collection used to store objects. */
  readonly endpointPath: string;
  /** The same directory as seen by the host's file system. */
  readonly localPath: string;
  /** Python regex full-matched against the hostname where this collection is local. */
  readonly hostRegex: string;
}

/** One endpoint in ProxyStore's JSON. */
export interface GlobusEndpointDict {
  readonly endpoint_path: string;
  readonly local_path: string;
  readonly host_regex: string;
}

export type GlobusEndpointsDict = { readonly [uuid: string]: GlobusEndpointDict };

export type GlobusEndpointErrorKind = 'TypeError' | 'ValueError' | 'KeyError';
export type GlobusEndpointField = 'uuid' | 'endpoint_path' | 'local_path' | 'host_regex';

/** A validation failure; `pythonType` is the exception Python ProxyStore raises for it. */
export class GlobusEndpointError extends Error {
  /** How the contract reports it (see shared/errors.ts). */
  readonly kind: ErrorKind = 'refused';
  readonly pythonType: GlobusEndpointErrorKind;
  readonly field: GlobusEndpointField | null;
  constructor(pythonType: GlobusEndpointErrorKind, message: string, field: GlobusEndpointField | null = null) {
    super(message);
    this.name = 'GlobusEndpointError';
    this.pythonType = pythonType;
    this.field = field;
  }
}

export interface GlobusEndpointInit {
  readonly uuid: unknown;
  readonly endpointPath: unknown;
  readonly localPath: unknown;
  readonly hostRegex: unknown;
}

/** `GlobusEndpoint(uuid, endpoint_path, local_path, host_regex)` with ProxyStore's checks. */
export function createGlobusEndpoint(init: GlobusEndpointInit): GlobusEndpoint {
  if (typeof init.uuid !== 'string') throw new GlobusEndpointError('TypeError', 'uuid must be a str.', 'uuid');
  if (typeof init.endpointPath !== 'string') {
    throw new GlobusEndpointError('TypeError', 'endpoint_path must be a str.', 'endpoint_path');
  }
  if (typeof init.localPath !== 'string') throw new GlobusEndpointError('TypeError', 'local_path must be a str.', 'local_path');
  const hostRegex = init.hostRegex instanceof RegExp ? init.hostRegex.source : init.hostRegex;
  if (typeof hostRegex !== 'string') {
    throw new GlobusEndpointError('TypeError', 'host_regex must be a str or re.Pattern.', 'host_regex');
  }
  const check = checkPythonRegex(hostRegex);
  if (!check.ok) throw new GlobusEndpointError('ValueError', `host_regex of endpoint ${clip(init.uuid)}: ${check.message}`, 'host_regex');
  return { uuid: init.uuid, endpointPath: init.endpointPath, localPath: init.localPath, hostRegex };
}

/** `re.fullmatch(endpoint.host_regex, host) is not None`. */
export function endpointMatchesHost(endpoint: GlobusEndpoint, host: string): boolean {
  return compileFullMatch(endpoint.hostRegex).test(host);
}

const ENDPOINT_FIELDS = ['endpoint_path', 'local_path', 'host_regex'] as const;

/**
 * The first thing wrong with the shape of a GlobusEndpoints dict (`{"<uuid>": {endpoint_path,
 * local_path, host_regex}}`), at its exact place (`at` is where the dict sits, e.g. `endpoints`
 * in a GlobusConnector config), or null. Checks what `from_dict` would trip on (types, missing
 * keys, host_regex syntax), plus NUL in local_path (a path on this machine); an empty dict is
 * left to GlobusEndpoints, which refuses it. Messages quote nothing of the values.
 */
export function globusEndpointsProblem(json: unknown, at: JsonPath = []): JsonProblem | null {
  if (!isExactJsonObject(json)) {
    return { path: at, message: `expected a JSON object keyed by Globus collection UUID, got ${jsonTypeName(json)}` };
  }
  for (const [uuid, params] of orderedEntries(json as ExactJsonObject)) {
    if (!isExactJsonObject(params)) {
      return { path: [...at, uuid], message: `expected an object with endpoint_path, local_path and host_regex, got ${jsonTypeName(params)}` };
    }
    const p = params as ExactJsonObject;
    for (const field of ENDPOINT_FIELDS) {
      const path = [...at, uuid, field];
      if (!Object.prototype.hasOwnProperty.call(p, field)) {
        return { path, message: `missing '${field}' (each endpoint needs endpoint_path, local_path and host_regex)` };
      }
      const value = p[field];
      if (typeof value !== 'string') {
        const what = field === 'host_regex' ? 'a string (a Python regular expression)' : 'a string (a path)';
        return { path, message: `expected ${what}, got ${jsonTypeName(value)}` };
      }
      if (field === 'local_path' && value.includes('\u0000')) return { path, message: 'a path may not contain NUL characters' };
      if (field === 'host_regex') {
        const check = checkPythonRegex(value);
        if (!check.ok) return { path, message: check.message };
      }
    }
  }
  return null;
}

/** One entry of a GlobusEndpoints file that cannot be used, marked at its place; the rest load. */
export interface GlobusEndpointEntryProblem {
  /** The entry's key (normally a collection UUID). */
  readonly uuid: string;
  readonly path: JsonPath;
  readonly message: string;
}

/**
 * Every entry of a GlobusEndpoints dict that cannot be used, one problem per entry (its first),
 * in file order; a dict that is not an object is the caller's file-level problem
 * (`globusEndpointsProblem`). A regex Python refuses, a missing field, a wrong type or a UUID
 * given twice marks that entry only.
 */
export function globusEndpointsEntryProblems(json: unknown, at: JsonPath = []): GlobusEndpointEntryProblem[] {
  if (!isExactJsonObject(json)) return [];
  const out: GlobusEndpointEntryProblem[] = [];
  for (const [uuid, params] of orderedEntries(json as ExactJsonObject)) {
    const one: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    Object.defineProperty(one, uuid, { value: params, enumerable: true, writable: true, configurable: true });
    const problem = globusEndpointsProblem(one, at);
    if (problem) out.push({ uuid, path: problem.path, message: problem.message });
  }
  return out;
}

export class GlobusEndpoints implements Iterable<GlobusEndpoint> {
  private readonly byUuid = new Map<string, GlobusEndpoint>();
  /** Entries of the file that did not load (`loadGlobusEndpoints`); empty otherwise. */
  readonly problems: readonly GlobusEndpointEntryProblem[];

  constructor(endpoints: Iterable<GlobusEndpoint>, problems: readonly GlobusEndpointEntryProblem[] = []) {
    this.problems = problems;
    const list = [...endpoints];
    if (list.length === 0 && problems.length === 0) {
      throw new GlobusEndpointError('ValueError', 'GlobusEndpoints must be passed at least one GlobusEndpoint object');
    }
    for (const ep of list) {
      const endpoint = createGlobusEndpoint(ep);
      if (this.byUuid.has(endpoint.uuid)) {
        throw new GlobusEndpointError(
          'ValueError',
          'Cannot pass multiple GlobusEndpoint objects with the same Globus endpoint UUID.',
          'uuid',
        );
      }
      this.byUuid.set(endpoint.uuid, endpoint);
    }
  }

  /** `GlobusEndpoints.from_dict()`: endpoints in the object's key order. */
  static fromDict(json: unknown): GlobusEndpoints {
    if (!isExactJsonObject(json)) throw new GlobusEndpointError('TypeError', 'Globus endpoints must be a JSON object keyed by UUID');
    const endpoints: GlobusEndpoint[] = [];
    for (const [uuid, params] of orderedEntries(json as ExactJsonObject)) {
      if (!isExactJsonObject(params)) {
        throw new GlobusEndpointError('TypeError', `Endpoint ${clip(uuid)} must be an object with endpoint_path, local_path and host_regex`);
      }
      const p = params as ExactJsonObject;
      for (const field of ['endpoint_path', 'local_path', 'host_regex'] as const) {
        if (!(field in p)) throw new GlobusEndpointError('KeyError', `Endpoint ${clip(uuid)} is missing '${field}'`, field);
      }
      endpoints.push(createGlobusEndpoint({ uuid, endpointPath: p.endpoint_path, localPath: p.local_path, hostRegex: p.host_regex }));
    }
    return new GlobusEndpoints(endpoints);
  }

  /**
   * A GlobusEndpoints file as Ferry loads it: every usable entry, and each unusable one marked in
   * `problems` (its place and why) instead of refusing the whole file. Only a file that is not a
   * JSON object at all is refused (GlobusEndpointError). ProxyStore's `from_dict` would raise on
   * the first bad entry; Ferry keeps the rest working and shows the one to fix.
   */
  static load(json: unknown): GlobusEndpoints {
    if (!isExactJsonObject(json)) throw new GlobusEndpointError('TypeError', 'Globus endpoints must be a JSON object keyed by UUID');
    const problems = globusEndpointsEntryProblems(json);
    const bad = new Set(problems.map((p) => p.uuid));
    const endpoints: GlobusEndpoint[] = [];
    for (const [uuid, params] of orderedEntries(json as ExactJsonObject)) {
      if (bad.has(uuid)) continue;
      const p = params as ExactJsonObject;
      try {
        endpoints.push(createGlobusEndpoint({ uuid, endpointPath: p.endpoint_path, localPath: p.local_path, hostRegex: p.host_regex }));
      } catch (error) {
        if (!(error instanceof GlobusEndpointError)) throw error;
        problems.push({ uuid, path: [uuid, error.field ?? 'uuid'], message: error.message });
      }
    }
    return new GlobusEndpoints(endpoints, problems);
  }

  /** `load` on a file's text; a UUID given twice marks its second entry. */
  static loadJson(text: string): GlobusEndpoints {
    const repeated: string[] = [];
    const json = parseExactJson(text, {
      onDuplicateKey: (key, path) => {
        if (path.length === 0) repeated.push(key);
      },
    });
    const loaded = GlobusEndpoints.load(json);
    if (repeated.length === 0) return loaded;
    const marked = repeated.map((uuid) => ({ uuid, path: [uuid], message: 'this UUID appears twice; each endpoint may appear once (the last one is used, as Python reads it)' }));
    return new GlobusEndpoints(loaded.toArray(), [...loaded.problems, ...marked]);
  }

  /**
   * `GlobusEndpoints.from_json()` on the file's text. A UUID repeated as a key is reported as
   * the duplicate-UUID error (Python's json would silently keep the last one).
   */
  static fromJson(text: string): GlobusEndpoints {
    const json = parseExactJson(text, {
      onDuplicateKey: (_key, path) => {
        if (path.length === 0) {
          throw new GlobusEndpointError(
            'ValueError',
            'Cannot pass multiple GlobusEndpoint objects with the same Globus endpoint UUID.',
            'uuid',
          );
        }
      },
    });
    return GlobusEndpoints.fromDict(json);
  }

  get size(): number {
    return this.byUuid.size;
  }

  [Symbol.iterator](): Iterator<GlobusEndpoint> {
    return this.byUuid.values();
  }

  toArray(): GlobusEndpoint[] {
    return [...this.byUuid.values()];
  }

  has(uuid: string): boolean {
    return this.byUuid.has(uuid);
  }

  /** `endpoints[uuid]`. */
  get(uuid: string): GlobusEndpoint {
    const ep = this.byUuid.get(uuid);
    if (!ep) throw new GlobusEndpointError('KeyError', `Endpoint with UUID ${clip(uuid)} does not exist.`, 'uuid');
    return ep;
  }

  /** The first endpoint whose host_regex fully matches `host`, or undefined. */
  findByHost(host: string): GlobusEndpoint | undefined {
    for (const ep of this.byUuid.values()) if (endpointMatchesHost(ep, host)) return ep;
    return undefined;
  }

  /** `get_by_host()`: throws ProxyStore's ValueError when nothing matches. */
  getByHost(host: string): GlobusEndpoint {
    const ep = this.findByHost(host);
    if (!ep) throw new GlobusEndpointError('ValueError', `Cannot find endpoint matching host ${clip(host)}`);
    return ep;
  }

  /** `GlobusEndpoints.dict()`. */
  toDict(): GlobusEndpointsDict {
    const out: Record<string, GlobusEndpointDict> = {};
    for (const ep of this.byUuid.values()) {
      Object.defineProperty(out, ep.uuid, {
        value: { endpoint_path: ep.endpointPath, local_path: ep.localPath, host_regex: ep.hostRegex },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }

  toJson(indent = 2): string {
    return JSON.stringify(this.toDict(), null, indent);
  }
}

// ---------------------------------------------------------------------------------------------
// Field validation for the endpoints editor: a message per field, or nothing when valid.

export interface GlobusEndpointFieldMessages {
  readonly uuid?: string;
  readonly endpointPath?: string;
  readonly localPath?: string;
  readonly hostRegex?: string;
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

/** Globus paths are absolute, or start at the home directory (`~/`, `/~/`). */
function endpointPathMessage(path: string): string | undefined {
  if (path.trim() === '') return 'Path inside the collection is required';
  if (path.startsWith('/') || path === '~' || path.startsWith('~/')) return undefined;
  return 'Path inside the collection must be absolute (start with / or ~/)';
}

/** Local paths are absolute (POSIX or Windows), or start at the home directory (`~`). */
function localPathMessage(path: string): string | undefined {
  if (path.trim() === '') return 'Local path is required';
  if (path.includes('\u0000')) return 'Local path may not contain NUL characters';
  if (path.startsWith('/') || path === '~' || path.startsWith('~/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\')) {
    return undefined;
  }
  return 'Local path must be absolute (start with /, ~/ or a drive letter)';
}

export function hostRegexMessage(pattern: string): string | undefined {
  if (pattern === '') return 'Host pattern is required (use .* to match every host)';
  const check = checkPythonRegex(pattern);
  return check.ok ? undefined : check.message;
}

export interface EndpointFieldsInput {
  readonly uuid: string;
  readonly endpointPath: string;
  readonly localPath: string;
  readonly hostRegex: string;
}

/** Per-field messages for one endpoint (UUID, absolute paths, regex). Empty object when valid. */
export function validateGlobusEndpointFields(fields: EndpointFieldsInput): GlobusEndpointFieldMessages {
  const out: { uuid?: string; endpointPath?: string; localPath?: string; hostRegex?: string } = {};
  if (fields.uuid.trim() === '') out.uuid = 'Collection UUID is required';
  else if (!isUuid(fields.uuid)) out.uuid = 'Collection UUID must look like 8-4-4-4-12 hexadecimal digits';
  const ep = endpointPathMessage(fields.endpointPath);
  if (ep) out.endpointPath = ep;
  const lp = localPathMessage(fields.localPath);
  if (lp) out.localPath = lp;
  const hr = hostRegexMessage(fields.hostRegex);
  if (hr) out.hostRegex = hr;
  return out;
}

export interface EndpointRowsValidation {
  /** Messages per row, in row order. */
  readonly rows: readonly GlobusEndpointFieldMessages[];
  /** Messages about the whole table (e.g. no endpoints). */
  readonly table: readonly string[];
  readonly ok: boolean;
}

/** Validates the editor's table: each row, plus ProxyStore's non-empty and unique-UUID rules. */
export function validateGlobusEndpointRows(rows: readonly EndpointFieldsInput[]): EndpointRowsValidation {
  const table: string[] = [];
  if (rows.length === 0) table.push('Add at least one endpoint');
  const seen = new Map<string, number>();
  const out = rows.map((row, index) => {
    const messages = { ...validateGlobusEndpointFields(row) };
    const key = row.uuid.toLowerCase();
    if (messages.uuid === undefined && seen.has(key)) {
      messages.uuid = `Same UUID as endpoint ${(seen.get(key) ?? 0) + 1}: each UUID may appear once`;
    }
    if (!seen.has(key)) seen.set(key, index);
    return messages;
  });
  const ok = table.length === 0 && out.every((m) => Object.keys(m).length === 0);
  return { rows: out, table, ok };
}
