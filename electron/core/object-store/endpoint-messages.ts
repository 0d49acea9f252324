import { isException, isRequest, readPickle } from './pickle-reader';
import { PickleRefusedError, type PyException, type PyValue } from './pickle-values';
import { writeRequestPickle } from './pickle-writer';

/**
 * What endpoints send each other over a peer connection: ProxyStore's
 * `proxystore.endpoint.messages.EndpointRequest` dataclass, serialized as
 * `proxystore.serialize.serialize` does it (`b"PK\n"` + pickle protocol 5).
 * `uuid` matches a response to its request; `error` is an exception instance or None.
 */

export type EndpointOp = 'get' | 'set' | 'exists' | 'evict';
export type EndpointMessageKind = 'request' | 'response';

export interface EndpointMessage {
  readonly kind: EndpointMessageKind;
  readonly op: EndpointOp;
  readonly uuid: string;
  readonly key: string;
  readonly data: Uint8Array | null;
  readonly exists: boolean | null;
  readonly error: PyException | null;
}

const KINDS: readonly string[] = ['request', 'response'];
const OPS: readonly string[] = ['get', 'set', 'exists', 'evict'];
const FIELDS = ['kind', 'op', 'uuid', 'key', 'data', 'exists', 'error'] as const;
const MAX_VALUE_DEPTH = 32;

/** ProxyStore's serializer identifiers this reader accepts: pickle, and cloudpickle (same opcodes for these classes). */
const PICKLE_IDS: readonly string[] = ['PK', 'CP'];

/** `serialize(EndpointRequest(...))`: `PK\n` and a protocol-5 pickle Python's `pickle.loads` reads. */
export function encodeEndpointMessage(message: EndpointMessage): Buffer {
  checkMessage(message, (why) => {
    throw new PickleRefusedError(`will not write this endpoint message: ${why}`);
  });
  const fields: [string, PyValue][] = FIELDS.map((f) => [f, message[f]]);
  return writeRequestPickle(fields, Buffer.from('PK\n'));
}

/** Reads what `serialize(EndpointRequest(...))` produced. Throws PickleRefusedError for anything else. */
export function decodeEndpointMessage(payload: Uint8Array): EndpointMessage {
  const newline = payload.indexOf(0x0a);
  const id = newline < 0 || newline > 16 ? '' : Buffer.from(payload.subarray(0, newline)).toString('latin1').trim();
  if (!PICKLE_IDS.includes(id)) {
    throw new PickleRefusedError(`the message is not a pickled endpoint request (serializer identifier ${JSON.stringify(id)})`);
  }
  return toEndpointMessage(readPickle(payload.subarray(newline + 1)));
}

function toEndpointMessage(object: unknown): EndpointMessage {
  const refuse = (why: string): never => {
    throw new PickleRefusedError(`refused endpoint message: ${why}`);
  };
  if (!isRequest(object)) return refuse('the pickle is not a proxystore.endpoint.messages.EndpointRequest');
  const state = object.state ?? refuse('the request has no fields (no BUILD)');
  for (const key of state.keys()) if (!(FIELDS as readonly string[]).includes(key)) refuse(`unknown field ${JSON.stringify(key)}`);
  const field = (name: (typeof FIELDS)[number]): PyValue => (state.has(name) ? (state.get(name) as PyValue) : null);
  const message = {
    kind: field('kind'),
    op: field('op'),
    uuid: field('uuid'),
    key: field('key'),
    data: field('data'),
    exists: field('exists'),
    error: field('error'),
  } as unknown as EndpointMessage;
  checkMessage(message, refuse);
  return message;
}

function checkMessage(message: EndpointMessage, refuse: (why: string) => never): void {
  if (!KINDS.includes(message.kind as string)) refuse(`kind must be 'request' or 'response' (got ${show(message.kind)})`);
  if (!OPS.includes(message.op as string)) refuse(`op must be evict, exists, get or set (got ${show(message.op)})`);
  if (typeof message.uuid !== 'string') refuse('uuid must be a str');
  if (typeof message.key !== 'string') refuse('key must be a str');
  if (message.data !== null && !(message.data instanceof Uint8Array)) refuse('data must be bytes or None');
  if (message.exists !== null && typeof message.exists !== 'boolean') refuse('exists must be a bool or None');
  if (message.error !== null) {
    if (!isException(message.error)) refuse('error must be an exception instance or None');
    for (const arg of message.error.args) checkDepth(arg, 1, refuse);
    for (const v of message.error.state?.values() ?? []) checkDepth(v, 1, refuse);
  }
}

/** Bounds nesting (and so cycles built through the memo) in an exception's args and state. */
function checkDepth(value: PyValue, depth: number, refuse: (why: string) => never): void {
  if (depth > MAX_VALUE_DEPTH) refuse(`values nested deeper than ${MAX_VALUE_DEPTH} levels`);
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
  if (value.type === 'tuple' || value.type === 'list') for (const item of value.items) checkDepth(item, depth + 1, refuse);
  else if (value.type === 'dict') for (const item of value.entries.values()) checkDepth(item, depth + 1, refuse);
  else {
    for (const item of value.args) checkDepth(item, depth + 1, refuse);
    for (const item of value.state?.values() ?? []) checkDepth(item, depth + 1, refuse);
  }
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' && value !== null ? 'an object' : String(value);
}
