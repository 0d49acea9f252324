import type { ErrorKind } from '../../../shared/errors';

/**
 * The Python values an endpoint message can hold, as plain data: the pickle reader builds them
 * without calling anything, and the writer turns them back into pickle opcodes.
 * Python `int` is a bigint here and `float` a number, so the two stay apart on a round trip.
 */
export type PyValue = null | boolean | bigint | number | string | Uint8Array | PyTuple | PyList | PyDict | PyException;

export interface PyTuple {
  readonly type: 'tuple';
  readonly items: readonly PyValue[];
}

export interface PyList {
  readonly type: 'list';
  readonly items: readonly PyValue[];
}

/** Only str keys: that is all a message's dicts (instance state) hold. */
export interface PyDict {
  readonly type: 'dict';
  readonly entries: ReadonlyMap<string, PyValue>;
}

/** An exception instance: its class (by name, never imported) and its `args` and `__dict__`. */
export interface PyException {
  readonly type: 'exception';
  readonly module: string;
  readonly name: string;
  readonly args: readonly PyValue[];
  readonly state: ReadonlyMap<string, PyValue> | null;
}

/** A pickle the reader will not load, or a value the writer will not write. Nothing was executed. */
export class PickleRefusedError extends Error {
  readonly kind: ErrorKind = 'refused';
  constructor(message: string) {
    super(message);
    this.name = 'PickleRefusedError';
  }
}

export const REQUEST_MODULE = 'proxystore.endpoint.messages';
export const REQUEST_CLASS = 'EndpointRequest';

/** Python's built-in exception classes (Python 3.8-3.13), the ones a peer's `error` may be. */
const BUILTIN_EXCEPTIONS: ReadonlySet<string> = new Set([
  'BaseException', 'Exception', 'ArithmeticError', 'AssertionError', 'AttributeError', 'BlockingIOError',
  'BrokenPipeError', 'BufferError', 'ChildProcessError', 'ConnectionAbortedError', 'ConnectionError',
  'ConnectionRefusedError', 'ConnectionResetError', 'EOFError', 'EnvironmentError', 'FileExistsError',
  'FileNotFoundError', 'FloatingPointError', 'IOError', 'ImportError', 'IndentationError', 'IndexError',
  'InterruptedError', 'IsADirectoryError', 'KeyError', 'LookupError', 'MemoryError', 'ModuleNotFoundError',
  'NameError', 'NotADirectoryError', 'NotImplementedError', 'OSError', 'OverflowError', 'PermissionError',
  'ProcessLookupError', 'PythonFinalizationError', 'RecursionError', 'ReferenceError', 'RuntimeError',
  'StopAsyncIteration', 'StopIteration', 'SyntaxError', 'SystemError', 'TabError', 'TimeoutError',
  'TypeError', 'UnboundLocalError', 'UnicodeDecodeError', 'UnicodeEncodeError', 'UnicodeError',
  'UnicodeTranslateError', 'ValueError', 'ZeroDivisionError',
]);

/** ProxyStore's own exception classes a peer may send back (module -> names). */
const PROXYSTORE_EXCEPTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['proxystore.endpoint.exceptions', new Set(['FileDumpNotAvailableError', 'ObjectSizeExceededError', 'PeeringNotAvailableError', 'PeerRequestError'])],
  ['proxystore.p2p.exceptions', new Set(['PeerConnectionError', 'PeerConnectionTimeoutError'])],
  ['proxystore.serialize', new Set(['SerializationError'])],
]);

/** Python 2 names Python 3 writes at protocols below 3 (pickle's fix_imports). */
const BUILTIN_MODULES: ReadonlySet<string> = new Set(['builtins', '__builtin__', 'exceptions']);

export type AllowedGlobal = { readonly kind: 'request' } | { readonly kind: 'exception'; readonly module: string; readonly name: string };

/** The allow-list: the request class and exception classes. Anything else is refused by name. */
export function allowedGlobal(module: string, name: string): AllowedGlobal | undefined {
  if (module === REQUEST_MODULE && name === REQUEST_CLASS) return { kind: 'request' };
  if (BUILTIN_MODULES.has(module) && BUILTIN_EXCEPTIONS.has(name)) return { kind: 'exception', module: 'builtins', name };
  if (PROXYSTORE_EXCEPTIONS.get(module)?.has(name)) return { kind: 'exception', module, name };
  return undefined;
}

/** Classes the writer may put in `error`: those every Python with ProxyStore's endpoints can import. */
export function writableException(module: string, name: string): boolean {
  if (module === 'builtins') return BUILTIN_EXCEPTIONS.has(name) && name !== 'PythonFinalizationError';
  return module === 'proxystore.endpoint.exceptions' && (PROXYSTORE_EXCEPTIONS.get(module)?.has(name) ?? false);
}

export const pyTuple = (...items: PyValue[]): PyTuple => ({ type: 'tuple', items });

export function pyException(module: string, name: string, args: readonly PyValue[] = [], state: ReadonlyMap<string, PyValue> | null = null): PyException {
  return { type: 'exception', module, name, args, state };
}

/** `Name: first arg` the way Python prints `f'{type(e).__name__}: {e}'` for a one-argument exception. */
export function describeException(error: PyException): string {
  const [first] = error.args;
  const text = error.args.length === 0 ? '' : error.args.length === 1 && typeof first === 'string' ? first : error.args.map(shortRepr).join(', ');
  return text ? `${error.name}: ${text}` : error.name;
}

function shortRepr(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint' || typeof value === 'number') return String(value);
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  return `<${value.type}>`;
}
