/**
 * Keys in ProxyStore's own form: what a person copies to Python and pastes back. Pure TS, shared by
 * core and the renderer.
 *
 * ProxyStore's keys are NamedTuples (proxystore/connectors/*.py): FileKey(filename),
 * LocalKey(id), GlobusKey(filename, task_id), EndpointKey(object_id, endpoint_id),
 * MultiKey(connector_name, connector_key). Their repr is what Python prints and what
 * `eval`/the constructors accept: `MultiKey(connector_name='globus',
 * connector_key=GlobusKey(filename='…', task_id=('…',)))`. Ferry's keys are the same fields as
 * plain JSON with a `kind` (electron/core/connectors/keys.ts).
 */

/** The JSON shape of a Ferry connector key (the `key` of a StoredKey). */
export type ProxystoreKeyJson =
  | { readonly kind: 'file'; readonly filename: string }
  | { readonly kind: 'local'; readonly id: string }
  | { readonly kind: 'globus'; readonly filename: string; readonly taskIds: readonly string[] }
  | { readonly kind: 'endpoint'; readonly objectId: string; readonly endpointId: string | null }
  | { readonly kind: 'multi'; readonly connectorName: string; readonly connectorKey: ProxystoreKeyJson };

/** Python's `repr(str)`: single quotes unless the text has ' and no ", escapes as Python writes them. */
export function pythonStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp >= 0x80 && cp < 0xa0) out += `\\x${cp.toString(16)}`;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += `\\u${cp.toString(16)}`;
    else out += ch;
  }
  return out + quote;
}

/**
 * The key as ProxyStore prints it (the NamedTuple repr), or null for a key with no ProxyStore
 * form (an opaque key of a connector Ferry cannot run). A GlobusKey's task_id is the tuple
 * ProxyStore's GlobusConnector.put makes.
 */
export function proxystoreKeyRepr(key: unknown): string | null {
  if (typeof key !== 'object' || key === null) return null;
  const k = key as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === 'string' ? pythonStrRepr(v) : null);
  switch (k['kind']) {
    case 'file': {
      const f = str(k['filename']);
      return f === null ? null : `FileKey(filename=${f})`;
    }
    case 'local': {
      const id = str(k['id']);
      return id === null ? null : `LocalKey(id=${id})`;
    }
    case 'globus': {
      const f = str(k['filename']);
      const ids = k['taskIds'];
      if (f === null || !Array.isArray(ids) || !ids.every((t) => typeof t === 'string')) return null;
      const tuple = ids.length === 1 ? `(${pythonStrRepr(ids[0] as string)},)` : `(${(ids as string[]).map(pythonStrRepr).join(', ')})`;
      return `GlobusKey(filename=${f}, task_id=${tuple})`;
    }
    case 'endpoint': {
      const o = str(k['objectId']);
      const e = k['endpointId'] === null ? 'None' : str(k['endpointId']);
      return o === null || e === null ? null : `EndpointKey(object_id=${o}, endpoint_id=${e})`;
    }
    case 'multi': {
      const n = str(k['connectorName']);
      const inner = proxystoreKeyRepr(k['connectorKey']);
      return n === null || inner === null ? null : `MultiKey(connector_name=${n}, connector_key=${inner})`;
    }
    default:
      return null;
  }
}

/** A pasted key that is not a ProxyStore key Ferry can read. */
export class ProxystoreKeyParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxystoreKeyParseError';
  }
}

type PyValue = string | null | readonly PyValue[] | { readonly call: string; readonly args: readonly PyValue[]; readonly kwargs: Readonly<Record<string, PyValue>> };

const KEY_FIELDS: Readonly<Record<string, readonly string[]>> = {
  FileKey: ['filename'],
  LocalKey: ['id'],
  GlobusKey: ['filename', 'task_id'],
  EndpointKey: ['object_id', 'endpoint_id'],
  MultiKey: ['connector_name', 'connector_key'],
};

/** Reads a Python literal of the few forms a key repr uses: calls, str, None, tuples and lists. */
function readPython(text: string): PyValue {
  let i = 0;
  const fail = (why: string): never => {
    throw new ProxystoreKeyParseError(`Not a ProxyStore key: ${why} at character ${i + 1}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
  };
  const ESC: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };
  const readStr = (): string => {
    const q = text.charAt(i);
    i += 1;
    let out = '';
    for (;;) {
      if (i >= text.length) return fail('unterminated string');
      const ch = text.charAt(i);
      if (ch === q) {
        i += 1;
        return out;
      }
      if (ch === '\n') return fail('newline in string');
      if (ch !== '\\') {
        out += ch;
        i += 1;
        continue;
      }
      const e = text.charAt(i + 1);
      const hex = (n: number): void => {
        const h = text.slice(i + 2, i + 2 + n);
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== n) fail('bad escape');
        out += String.fromCodePoint(parseInt(h, 16));
        i += 2 + n;
      };
      if (e === 'x') hex(2);
      else if (e === 'u') hex(4);
      else if (e === 'U') hex(8);
      else if (e in ESC) {
        out += ESC[e];
        i += 2;
      } else {
        out += `\\${e}`;
        i += 2;
      }
    }
  };
  const readSeq = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    ws();
    while (text.charAt(i) !== close) {
      items.push(readValue());
      ws();
      if (text.charAt(i) === ',') {
        i += 1;
        ws();
      } else if (text.charAt(i) !== close) fail(`expected , or ${close}`);
    }
    i += 1;
    return items;
  };
  const readValue = (): PyValue => {
    ws();
    const ch = text.charAt(i);
    if (ch === "'" || ch === '"') return readStr();
    if (ch === '(') {
      i += 1;
      return readSeq(')');
    }
    if (ch === '[') {
      i += 1;
      return readSeq(']');
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))?.[0];
    if (!name) return fail('unexpected text');
    i += name.length;
    if (name === 'None') return null;
    const call = name.slice(name.lastIndexOf('.') + 1);
    ws();
    if (text.charAt(i) !== '(') return fail(`expected ( after ${call}`);
    i += 1;
    const args: PyValue[] = [];
    const kwargs: Record<string, PyValue> = {};
    ws();
    while (text.charAt(i) !== ')') {
      const kw = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(text.slice(i));
      if (kw?.[1]) {
        i += kw[0].length;
        if (Object.prototype.hasOwnProperty.call(kwargs, kw[1])) fail(`${kw[1]} given twice`);
        Object.defineProperty(kwargs, kw[1], { value: readValue(), enumerable: true });
      } else {
        if (Object.keys(kwargs).length > 0) fail('positional argument after keyword argument');
        args.push(readValue());
      }
      ws();
      if (text.charAt(i) === ',') {
        i += 1;
        ws();
      } else if (text.charAt(i) !== ')') fail('expected , or )');
    }
    i += 1;
    return { call, args, kwargs };
  };
  const value = readValue();
  ws();
  if (i !== text.length) fail('unexpected text after the key');
  return value;
}

function keyOf(value: PyValue): ProxystoreKeyJson {
  if (value === null || typeof value === 'string' || Array.isArray(value)) throw new ProxystoreKeyParseError('Not a ProxyStore key: expected FileKey(…), GlobusKey(…), MultiKey(…) …');
  const v = value as { call: string; args: readonly PyValue[]; kwargs: Readonly<Record<string, PyValue>> };
  const fields = KEY_FIELDS[v.call];
  if (!fields) throw new ProxystoreKeyParseError(`Not a key Ferry can use: ${v.call} (Ferry reads FileKey, LocalKey, GlobusKey, EndpointKey and MultiKey)`);
  if (v.args.length > fields.length) throw new ProxystoreKeyParseError(`${v.call} takes ${fields.length} fields`);
  const got: Record<string, PyValue> = {};
  fields.forEach((f, n) => {
    if (n < v.args.length) got[f] = v.args[n] as PyValue;
  });
  for (const [k, val] of Object.entries(v.kwargs)) {
    if (!fields.includes(k)) throw new ProxystoreKeyParseError(`${v.call} has no field ${k}`);
    if (k in got) throw new ProxystoreKeyParseError(`${v.call} got ${k} twice`);
    got[k] = val;
  }
  for (const f of fields) if (!(f in got)) throw new ProxystoreKeyParseError(`${v.call} is missing ${f}`);
  const text = (f: string): string => {
    const x = got[f];
    if (typeof x !== 'string') throw new ProxystoreKeyParseError(`${v.call}.${f} must be a str`);
    return x;
  };
  switch (v.call) {
    case 'FileKey':
      return { kind: 'file', filename: text('filename') };
    case 'LocalKey':
      return { kind: 'local', id: text('id') };
    case 'GlobusKey': {
      const t = got['task_id'];
      const ids = typeof t === 'string' ? [t] : Array.isArray(t) && t.every((x) => typeof x === 'string') ? (t as string[]) : null;
      if (!ids) throw new ProxystoreKeyParseError('GlobusKey.task_id must be a str or a tuple of str');
      return { kind: 'globus', filename: text('filename'), taskIds: ids };
    }
    case 'EndpointKey':
      return { kind: 'endpoint', objectId: text('object_id'), endpointId: got['endpoint_id'] === null ? null : text('endpoint_id') };
    default:
      return { kind: 'multi', connectorName: text('connector_name'), connectorKey: keyOf(got['connector_key'] as PyValue) };
  }
}

/** The longest key text Ferry reads. */
export const PROXYSTORE_KEY_MAX_LENGTH = 8192;

/**
 * A key pasted from Python: its repr (`MultiKey(connector_name='globus', connector_key=GlobusKey(…))`,
 * module-qualified names and positional fields allowed, task_id a str or a tuple) or Ferry's own
 * JSON form. Reads literals only; nothing is evaluated.
 */
export function parseProxystoreKey(input: string): ProxystoreKeyJson {
  const text = input.trim();
  if (text.length === 0) throw new ProxystoreKeyParseError('Paste a key, such as MultiKey(connector_name=…, connector_key=…)');
  if (text.length > PROXYSTORE_KEY_MAX_LENGTH) throw new ProxystoreKeyParseError(`A key is at most ${PROXYSTORE_KEY_MAX_LENGTH} characters`);
  if (text.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ProxystoreKeyParseError('Not a ProxyStore key: the JSON does not parse');
    }
    const repr = proxystoreKeyRepr(json);
    if (repr === null) throw new ProxystoreKeyParseError('Not a ProxyStore key: unknown JSON key shape');
    return keyOf(readPython(repr));
  }
  return keyOf(readPython(text));
}
